package io.lwtemu.cli;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterProgress;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.cluster.ClusterRunException;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.topology.Topology;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code lwtemu run TOPOLOGY --cluster member.conf}: joins the cluster as a client, submits the topology, shows
 * where the routers run and their live counters, and leaves the results in the mirror network for the report.
 */
final class ClusterSubmit {
    private ClusterSubmit() {
    }

    /** Runs on the cluster; returns the packet events processed by all members. */
    static long run(Path conf, int members, String snapshotInterval, double pace, Topology topo, Network mirror, long until,
            PrintWriter out) throws Exception {
        if (pace < 0) {
            throw new UserException("bad --pace " + pace + ", expected a factor >= 0 (1 = real time)");
        }
        long snapshotNs = snapshotInterval == null ? 100_000_000L
                : LoadedTopology.duration(snapshotInterval, "--snapshot-interval");
        ClusterMember client;
        try {
            client = ClusterMember.startClient(MemberConfig.load(conf, "--cluster"), line -> print(out, line));
        } catch (UserException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserException("cannot join the cluster of " + conf + ": " + e.getMessage(), e);
        }
        try {
            print(out, "lwtemu: joined the cluster as " + client.address() + "; waiting for " + members
                    + " member(s) hosting routers");
            ClusterRun run = new ClusterRun(client.system(), topo, mirror, until, members,
                    Duration.ofNanos(snapshotNs), Duration.ofSeconds(60), pace, line -> print(out, line));
            watch(run, out, until);
            ClusterProgress pr = run.progress();
            for (String line : pr.pingOutput) {
                if (!line.startsWith("PING ")) { // the set-up line: printed already from this client's copy
                    print(out, line);
                }
            }
            double running = (pr.doneWallNs - pr.firstTickWallNs) / 1e9;
            print(out, String.format(Locale.ROOT, "lwtemu: %d rounds in %.2fs of wall time from the first tick to the"
                    + " results (%.0f packet events/s; this client's CPU meanwhile %.2fs)", pr.ticks, running,
                    pr.processed() / Math.max(running, 1e-9), (pr.doneCpuNs - pr.firstTickCpuNs) / 1e9));
            return pr.processed();
        } finally {
            client.close();
        }
    }

    private static void watch(ClusterRun run, PrintWriter out, long until) throws Exception {
        ClusterProgress pr = run.progress();
        Map<String, List<String>> shown = Map.of();
        List<String> shownMembers = List.of();
        long lastPackets = 0;
        long lastWall = System.nanoTime();
        while (true) {
            try {
                run.done().get(1, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ClusterRunException c) {
                    throw new UserException(c.getMessage(), c);
                }
                throw e;
            } catch (TimeoutException e) {
                if (!pr.members.equals(shownMembers)) {
                    shownMembers = pr.members;
                    print(out, "members: " + String.join(", ", shownMembers));
                }
                Map<String, List<String>> placed = placement(pr);
                if (!placed.equals(shown) && !pr.routers.isEmpty()) {
                    shown = placed;
                    StringBuilder sb = new StringBuilder("routers:");
                    placed.forEach((m, rs) -> sb.append("\n  ").append(m).append(": ").append(String.join(" ", rs)));
                    print(out, sb.toString());
                }
                long nowWall = System.nanoTime();
                long p = pr.processed();
                double rate = (p - lastPackets) / ((nowWall - lastWall) / 1e9);
                lastPackets = p;
                lastWall = nowWall;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "t=%.3fs/%.3fs  packets %d (%.0f/s)  delivered %d  dropped %d  member_down %d",
                        pr.emulatedNs / 1e9, until / 1e9, p, rate, pr.delivered(), pr.dropped(), pr.memberDown));
                for (ClusterProgress.RouterView r : pr.routers) {
                    line.append(String.format(Locale.ROOT, "%n    %-8s %-10s %-8s packets %d delivered %d dropped %d",
                            r.name(), r.member(), r.state(), r.processed(), r.delivered(), r.dropped()));
                }
                print(out, line.toString());
            }
        }
    }

    /** Member name to the routers it hosts (routers lost or down under their state). */
    private static Map<String, List<String>> placement(ClusterProgress pr) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (ClusterProgress.RouterView r : pr.routers) {
            String key = r.state().equals("running") ? r.member() : "(" + r.state() + ")";
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(r.name());
        }
        return m;
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
