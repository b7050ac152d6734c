package io.lwtemu.node.cluster;

import com.typesafe.config.Config;
import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentPlacement;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Runs an {@link Experiment} as a cluster run: joins the members' cluster as a client, ships the scenario with the
 * topology ({@link ExperimentBundle}), places every router on its scenario member ({@link ExperimentPlacement})
 * and lets the coordinator drive the experiment's mirror network, whose fault timeline then acts on the members
 * ({@link ClusterFaultsOnRun}). The report is made on the client from the members' final counters and ledgers.
 */
public final class ClusterExperiment {
    /** Snapshot interval of pinned maps (a restarted member's routers get them back from the last one). */
    public static final Duration SNAPSHOT_INTERVAL = Duration.ofMillis(100);

    private ClusterExperiment() {
    }

    /**
     * @param client    configuration the client joins the cluster with
     * @param processes the member JVMs when this process owns them (member kill/restart need it), else null
     * @param faults    the member faults the experiment was built with
     */
    public static ExperimentReport run(Experiment exp, ClusterFaultsOnRun faults, Config client,
            MemberProcesses processes, Duration startTimeout, Consumer<String> out) throws Exception {
        Scenario sc = exp.scenario();
        TopologyBundle bundle = ExperimentBundle.of(sc, exp.seed(), exp.durationNs());
        faults.bind(processes, exp);
        try (ClusterMember m = ClusterMember.startClient(client, out)) {
            out.accept("lwtemu: joined the cluster as " + m.address() + "; placing routers on "
                    + String.join(", ", sc.members()) + ": " + ExperimentPlacement.of(sc));
            return exp.run((net, until) -> {
                ClusterRun run = new ClusterRun(m.system(), Experiment.seeded(sc, exp.seed(), exp.durationNs()),
                        bundle, ExperimentPlacement.asPlacement(sc), net, until, sc.members().size(),
                        SNAPSHOT_INTERVAL, startTimeout, 0, faults, out);
                try {
                    run.done().get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception c) {
                        throw c;
                    }
                    throw e;
                }
            });
        }
    }
}
