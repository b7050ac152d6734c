package io.lwtemu.sim.cluster;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import io.lwtemu.sim.Chains;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Helpers of the cluster tests: member configurations on free loopback ports, runs, and waiting for conditions. */
final class TestCluster {
    static final Path IPIP = Path.of("../topology-examples/ipip-3hop/topology.yaml");

    private TestCluster() {
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A member on 127.0.0.1:{@code port} joining the seed on {@code seedPort}; quick failure detection. */
    static Config memberConfig(String name, int port, int seedPort) {
        return ConfigFactory.parseString("""
                akka {
                  loglevel = WARNING
                  logger-startup-timeout = 30s
                  actor.provider = cluster
                  remote.artery {
                    transport = tcp
                    canonical.hostname = "127.0.0.1"
                    canonical.port = %d
                  }
                  cluster {
                    seed-nodes = ["akka://lwtemu@127.0.0.1:%d"]
                    downing-provider-class = "akka.cluster.sbr.SplitBrainResolverProvider"
                    split-brain-resolver {
                      active-strategy = keep-majority
                      stable-after = 3s
                    }
                    failure-detector.acceptable-heartbeat-pause = 5s
                    jmx.multi-mbeans-in-same-jvm = on
                  }
                }
                lwtemu.cluster.member-name = "%s"
                """.formatted(port, seedPort, name));
    }

    static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());

    static ClusterMember host(String name, int port, int seedPort) {
        return ClusterMember.startHost(memberConfig(name, port, seedPort), name, List.of(), line -> {
            LOG.add(name + ": " + line);
        });
    }

    static ClusterMember client(int seedPort) {
        return ClusterMember.startClient(memberConfig("client", 0, seedPort), LOG::add);
    }

    static void awaitUp(ClusterMember m, int members) {
        await("cluster of " + members + " members up", () -> {
            int up = 0;
            for (akka.cluster.Member x : Cluster.get(m.system()).state().getMembers()) {
                if (x.status() == MemberStatus.up()) {
                    up++;
                }
            }
            return up >= members;
        }, Duration.ofSeconds(60));
    }

    static void await(String what, BooleanSupplier cond, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "\n" + String.join("\n", LOG));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * h1 - r1 - r2 - r3 - h2 with 1 ms links: r1 tunnels h1's traffic to r3 in IPIP with an LWT BPF program, r2
     * counts the return traffic in a pinned map ({@code route_packets}); written with its objects into {@code dir}.
     */
    static Path chain(Path dir, String extra) {
        try {
            Files.copy(Path.of("../topology-examples/ipip-3hop/ipip_encap.o"), dir.resolve("ipip_encap.o"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (var in = TestCluster.class.getResourceAsStream("/cluster/count_pinned.o")) {
                Files.copy(in, dir.resolve("count_pinned.o"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path f = dir.resolve("chain.yaml");
            Files.writeString(f, Chains.Chain.of(Chains.IPIP_ROUTE).named("cluster-chain")
                    .withR2Routes("ip route add 10.0.1.0/24 encap bpf xmit obj count_pinned.o section lwt_xmit/count"
                            + " via 10.0.12.1 dev eth0", Chains.NONE)
                    .withEdgeDelay("1ms").yaml() + """
                    traffic:
                      flows:
                        - {name: up, from: h1, to: 10.0.3.2, proto: udp, dport: 5000, size: 500, rate: 5kpps}
                        - {name: down, from: h2, to: 10.0.1.2, proto: udp, dport: 6000, size: 200, rate: 2kpps}
                    """ + extra);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of the first entry of r's pinned map route_packets in a snapshot. */
    static long routePackets(io.lwtemu.node.serialization.RouterSnapshot s) {
        io.lwtemu.ebpf.maps.MapSnapshot m = s.maps().get("/sys/fs/bpf/route_packets");
        return java.nio.ByteBuffer.wrap(m.values().get(0)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The topology's run in one JVM, sequentially. */
    static RunReport embedded(Path file, long untilNs) {
        return RunReport.of(embeddedNetwork(file, untilNs));
    }

    static Network embeddedNetwork(Path file, long untilNs) {
        return embeddedNetwork(file, untilNs, new ArrayList<>());
    }

    /** The same, with what the pings print (their summaries at the end) in {@code pingOut}. */
    static Network embeddedNetwork(Path file, long untilNs, List<String> pingOut) {
        Topology t = TopologyLoader.load(file);
        Network net = TopologyBuilder.build(t, line -> { });
        Traffic traffic = Traffic.install(net, t, untilNs, pingOut::add);
        net.runUntil(untilNs);
        traffic.pings().forEach(io.lwtemu.node.traffic.PingSession::finish);
        return net;
    }

    /** Per router and route of its main table: the packets that took the route (those with any). */
    static Map<String, Long> routeHits(Network net) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (io.lwtemu.node.net.Router r : net.routers()) {
            io.lwtemu.node.fib.FibTable t = r.fib().existingTable(io.lwtemu.node.fib.Route.TABLE_MAIN);
            if (t == null) {
                continue;
            }
            for (io.lwtemu.node.fib.Family f : io.lwtemu.node.fib.Family.values()) {
                for (io.lwtemu.node.fib.Route route : t.routes(f)) {
                    long hits = r.pipeline().counters().routeHits(route);
                    if (hits > 0) {
                        m.put(r.name + " " + route, hits);
                    }
                }
            }
        }
        return m;
    }

    /** Per interface ("r2:eth0") its device counters: rx/tx packets, bytes, dropped. */
    static Map<String, String> deviceCounters(Network net) {
        Map<String, String> m = new LinkedHashMap<>();
        for (io.lwtemu.node.net.Router r : net.routers()) {
            for (io.lwtemu.node.forward.NetDevice d : r.devices().all()) {
                m.put(r.name + ":" + d.name, "rx=" + d.rxPackets + "/" + d.rxBytes + "/" + d.rxDropped + " tx="
                        + d.txPackets + "/" + d.txBytes + "/" + d.txDropped);
            }
        }
        return m;
    }

    /** Starts the topology on the cluster the client joined. */
    static ClusterRun submit(ClusterMember client, Path file, long untilNs, int minMembers, List<String> out) {
        return submit(client, file, untilNs, minMembers, 0, out);
    }

    /** Same at a pace (wall seconds per emulated second at least), so a test can act while the run goes on. */
    static ClusterRun submit(ClusterMember client, Path file, long untilNs, int minMembers, double pace,
            List<String> out) {
        Topology t = TopologyLoader.load(file);
        Network mirror = TopologyBuilder.build(t, line -> { });
        Traffic.install(mirror, t, untilNs, line -> { });
        return new ClusterRun(client.system(), t, mirror, untilNs, minMembers, Duration.ofMillis(20),
                Duration.ofSeconds(60), pace, line -> {
                    out.add(line);
                    LOG.add("run| " + line);
                });
    }

    /** Per flow: sent, delivered, and drops by label. */
    static Map<String, String> perFlow(RunReport r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.flows.forEach((k, t) -> m.put(k, describe(t)));
        return m;
    }

    /** Per interface ("r2:eth0"): sent, delivered, drops by label, in flight. */
    static Map<String, String> perInterface(RunReport r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.interfaces.forEach((k, t) -> m.put(k, describe(t)));
        return m;
    }

    static String describe(Tally t) {
        return "sent=" + t.sent + " delivered=" + t.delivered + " dropped=" + t.dropsByLabel() + " in_flight="
                + t.inFlight;
    }
}
