package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.MemberProcesses;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.FaultEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped cluster experiment end to end on member JVMs the experiment starts itself: member m2 is SIGKILLed
 * and started again, then halves and a one-way partition. Every packet is accounted for, the kill and the
 * partitions show as member_down / link_down / partitioned drops, and a second run with the same seed on the same
 * members gives the same numbers and the same per-packet digest.
 */
class ExperimentProcessClusterTest {
    private static final Path EXAMPLE = Path.of("../topology-examples/experiments/cluster-kill-partition.yaml");

    private static ExperimentReport run(Scenario sc, MemberProcesses members) throws Exception {
        return ExperimentRuns.onCluster(sc, 3L, members.clientConfig(), members);
    }

    @Test
    void shouldKillRestartAndPartitionRealMembersWithTheSameNumbersForTheSameSeed(@TempDir Path dir) throws Exception {
        Scenario sc = ScenarioLoader.load(EXAMPLE);
        try (MemberProcesses members = new MemberProcesses(dir, List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"), line -> TestCluster.LOG.add("members| " + line))) {
            members.startAll(sc.members());
            ExperimentReport first = run(sc, members);
            ExperimentReport second = run(sc, members);

            assertThat(first.conserved).as(first.conservation).isTrue();
            ExperimentReport.FlowResult f = first.flows.get("udp-h1-h2");
            assertThat(f.sent()).isEqualTo(6000);
            assertThat(f.dropped().get("member_down")).isPositive();
            assertThat(f.dropped().get("link_down")).as("h1's link to r1 while m2 is down").isBetween(900L, 1100L);
            assertThat(f.dropped().get("partitioned")).as("500 ms halves + 500 ms one-way at 2 kpps")
                    .isBetween(1900L, 2100L);
            assertThat(f.delivered() + f.droppedTotal() + f.inFlight()).isEqualTo(f.sent());
            assertThat(first.events).extracting(FaultEvent::ok).containsOnly(true);
            assertThat(first.events).extracting(e -> e.atNs() / 1_000_000 + " " + e.action() + " " + e.fault())
                    .contains("500 inject member kill m2", "1000 heal member kill m2");

            assertThat(second.conserved).isTrue();
            assertThat(ExperimentRuns.perFlow(second)).isEqualTo(ExperimentRuns.perFlow(first));
            assertThat(second.digest).isEqualTo(first.digest);
            assertThat(members.alive("m2")).as("m2 was started again").isTrue();
        }
    }
}
