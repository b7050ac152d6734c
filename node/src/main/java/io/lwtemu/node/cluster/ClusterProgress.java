package io.lwtemu.node.cluster;

import io.lwtemu.node.serialization.RouterSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a cluster run has done so far, published by the {@link ClusterRunActor} after every tick. */
public final class ClusterProgress {
    /** One router: where it runs, its state (running, starting, lost, down) and its counters so far. */
    public record RouterView(String name, String member, String state, long processed, long delivered,
            long dropped) {}

    /** A router started again after its member was lost, with the snapshot its pinned maps came from (or null). */
    public record Restart(String router, int incarnation, long atNs, RouterSnapshot snapshot) {}

    public final List<Restart> restarts = new CopyOnWriteArrayList<>();
    /** The last snapshot of every router's pinned maps (the final one once the run is done). */
    public volatile Map<String, RouterSnapshot> snapshots = Map.of();

    public volatile long emulatedNs;
    public volatile long ticks;
    /** System.nanoTime() of the first tick and of the end of the run (0 until then): the running phase. */
    public volatile long firstTickWallNs;
    public volatile long doneWallNs;
    /** CPU time of this (the client's) JVM at the first tick and at the end. */
    public volatile long firstTickCpuNs;
    public volatile long doneCpuNs;

    /** CPU time of the whole JVM so far (all threads). */
    public static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
    public volatile List<RouterView> routers = List.of();
    /** Members hosting this run: "member-a (akka://lwtemu@127.0.0.1:2551)". */
    public volatile List<String> members = List.of();
    /** What the pings of the run printed, router by router (filled in at the end). */
    public volatile List<String> pingOutput = List.of();
    /** Packets counted as member_down so far. */
    public volatile long memberDown;

    public long processed() {
        long p = 0;
        for (RouterView r : routers) {
            p += r.processed();
        }
        return p;
    }

    public long delivered() {
        long p = 0;
        for (RouterView r : routers) {
            p += r.delivered();
        }
        return p;
    }

    public long dropped() {
        long p = 0;
        for (RouterView r : routers) {
            p += r.dropped();
        }
        return p;
    }
}
