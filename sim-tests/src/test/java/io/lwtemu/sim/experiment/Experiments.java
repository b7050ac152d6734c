package io.lwtemu.sim.experiment;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.ClusterFaults;
import io.lwtemu.sim.Chains;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Inline experiments on the h1 -- r1 -- r2 -- r3 -- h2 chain ({@link Chains}), and the shipped experiment files. */
final class Experiments {
    /** Inline files resolve object paths against the ipip-3hop example (ipip_encap.o, drop_all.o). */
    static final Path INLINE = Path.of("../topology-examples/ipip-3hop/inline-experiment.yaml");
    static final Path SHIPPED = Path.of("../topology-examples/experiments");

    static final String PLAIN_ROUTE = Chains.PLAIN_ROUTE;
    static final String IPIP_ROUTE = Chains.IPIP_ROUTE;

    private Experiments() {
    }

    /**
     * The chain with r1's route to h2's subnet, the r2-r3 link's extra settings ("" or ", bandwidth: 2Mbit"), the
     * traffic: block and the faults: block.
     */
    static String chain(String r1Route, String r2r3, String traffic, String faults) {
        return Chains.Chain.of(r1Route).withHeader("duration: 1s\n")
                .withR2r3(r2r3.isEmpty() ? ", bandwidth: 1Gbit" : r2r3).yaml()
                + "traffic:\n" + traffic.indent(2) + "\nfaults:\n" + faults.indent(2) + "\n";
    }

    /** One 10 kpps UDP flow 'f' of 200-byte packets from h1 to h2. */
    static String flow(int count) {
        return "flows:\n  - {name: f, from: h1, to: 10.0.3.2, size: 200, rate: 10kpps, count: " + count + "}";
    }

    static Scenario scenario(String yaml) {
        return ScenarioLoader.parse(INLINE, yaml);
    }

    static ExperimentReport run(String yaml) throws Exception {
        return run(scenario(yaml), null, true, null);
    }

    static ExperimentReport run(Scenario sc, Long seed, boolean sequential, ClusterFaults cluster)
            throws Exception {
        return run(sc, seed, null, sequential, cluster);
    }

    static ExperimentReport run(Scenario sc, Long seed, Long durationNs, boolean sequential, ClusterFaults cluster)
            throws Exception {
        List<String> out = new ArrayList<>();
        return new Experiment(sc, seed, durationNs, cluster, out::add).run(sequential);
    }

    static ExperimentReport.FlowResult flow(ExperimentReport rep, String name) {
        return rep.flows.get(name);
    }

    static long drops(ExperimentReport.FlowResult f, String reason) {
        return f.dropped().getOrDefault(reason, 0L);
    }
}
