package io.lwtemu.sim.cluster;

import io.lwtemu.node.cluster.ClusterExperiment;
import io.lwtemu.node.cluster.ClusterFaultsOnRun;
import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentPlacement;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.fault.ClusterFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Helpers of the cluster experiment tests: runs on a cluster, embedded runs, and comparable results. */
final class ExperimentRuns {
    private ExperimentRuns() {
    }

    /** The experiment as a cluster run on the members a client with {@code clientConfig} joins. */
    static ExperimentReport onCluster(Scenario sc, Long seed, com.typesafe.config.Config clientConfig,
            io.lwtemu.node.cluster.MemberProcesses processes) throws Exception {
        ClusterFaultsOnRun faults = new ClusterFaultsOnRun(sc.members(), ExperimentPlacement.of(sc),
                line -> TestCluster.LOG.add("faults| " + line));
        Experiment exp = new Experiment(sc, seed, null, faults, line -> TestCluster.LOG.add("exp| " + line));
        return ClusterExperiment.run(exp, faults, clientConfig, processes, Duration.ofSeconds(120),
                line -> TestCluster.LOG.add("run| " + line));
    }

    /**
     * The experiment in one JVM, sequentially; partitions cut in its data plane by the scenario's placement (what
     * every member does in a cluster run). {@code grudges} receives each partition as computed.
     */
    static ExperimentReport embedded(Scenario sc, Long seed, List<Map<String, Set<String>>> grudges)
            throws Exception {
        Map<String, String> placement = ExperimentPlacement.of(sc);
        ClusterFaults cut = new ClusterFaults() {
            @Override
            public List<String> members() {
                return sc.members();
            }

            @Override
            public void kill(String member) {
                throw new UnsupportedOperationException("no member JVMs in an embedded run");
            }

            @Override
            public void restart(String member) {
                throw new UnsupportedOperationException("no member JVMs in an embedded run");
            }

            @Override
            public void partition(Map<String, Set<String>> grudge) {
                grudges.add(grudge);
            }

            @Override
            public void heal() {
            }

            @Override
            public Map<String, String> placement() {
                return placement;
            }
        };
        return new Experiment(sc, seed, null, cut, line -> { }).run(true);
    }

    static ExperimentReport embedded(Scenario sc, Long seed) throws Exception {
        return embedded(sc, seed, new ArrayList<>());
    }

    /** Per flow everything a user reads in the report (the distribution bins aside, they follow the histogram). */
    static Map<String, String> perFlow(ExperimentReport r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.flows.forEach((k, f) -> m.put(k, "sent=" + f.sent() + " delivered=" + f.delivered() + " dropped="
                + f.dropped() + " in_flight=" + f.inFlight() + " reordered=" + f.reordered() + " duplicates="
                + f.duplicates() + " latency n=" + f.latencyCount() + " min=" + f.latencyMinMs() + " mean="
                + f.latencyMeanMs() + " " + f.latencyPercentilesMs() + " max=" + f.latencyMaxMs() + " digest="
                + f.digest()));
        return m;
    }
}
