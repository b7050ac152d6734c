package io.lwtemu.node.cluster;

import java.util.List;

/** What a cluster run has done so far, published by the {@link ClusterRunActor} after every tick. */
public final class ClusterProgress {
    /** One router: where it runs, its state (running, starting, lost, down) and its counters so far. */
    public record RouterView(String name, String member, String state, long processed, long delivered,
            long dropped) {}

    public volatile long emulatedNs;
    public volatile long ticks;
    public volatile List<RouterView> routers = List.of();
    /** Members hosting this run: "member-a (akka://lwtemu@127.0.0.1:2551)". */
    public volatile List<String> members = List.of();
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
