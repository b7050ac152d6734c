package io.lwtemu.sim;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads inline topologies next to the example objects and runs them in emulated time. */
final class Sim {
    /** Object paths in inline topologies resolve against the ipip-3hop example folder. */
    static final Path EXAMPLE_DIR = Path.of("../topology-examples/ipip-3hop");

    final Topology topology;
    final Network net;
    final Traffic traffic;
    final List<String> out = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    private Sim(Path dir, String yaml, long runNs) {
        topology = TopologyLoader.parse(dir.resolve("inline-test.yaml"), yaml);
        net = TopologyBuilder.build(topology, log::add);
        traffic = Traffic.install(net, topology, runNs, out::add);
    }

    static Sim of(String yaml, long runNs) {
        return new Sim(EXAMPLE_DIR, yaml, runNs);
    }

    /** As {@link #of}, with object paths resolved against {@code dir}. */
    static Sim in(Path dir, String yaml, long runNs) {
        return new Sim(dir, yaml, runNs);
    }

    RunReport run(long untilNs) {
        net.runUntil(untilNs);
        for (PingSession p : traffic.pings()) {
            p.finish();
        }
        return RunReport.of(net);
    }
}
