package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every partition kind cuts exactly the member pairs of its grudge. Five nodes n1..n5, each on its own member
 * m1..m5 (the experiment's placement), linked as a full mesh, with a flow from every node to every other over
 * their direct link (UDP to a port nobody listens on: each packet that arrives ends as no_socket): the flow from
 * ni to nj loses its packets as partitioned exactly when the grudge of nj's member holds ni's member. The cut is
 * the one every cluster member applies to the packets it receives (same class, same placement), run here in one
 * network so each kind takes milliseconds.
 */
class PartitionKindsClusterTest {
    private static final int N = 5;

    static String mesh(String partition) {
        StringBuilder nodes = new StringBuilder();
        StringBuilder links = new StringBuilder();
        StringBuilder flows = new StringBuilder();
        for (int i = 1; i <= N; i++) {
            nodes.append("  n").append(i).append(":\n    interfaces: {");
            StringBuilder config = new StringBuilder();
            for (int j = 1; j <= N; j++) {
                if (j == i) {
                    continue;
                }
                nodes.append(config.length() == 0 ? "" : ", ").append("eth").append(j).append(": {}");
                int lo = Math.min(i, j);
                int hi = Math.max(i, j);
                config.append("      ip addr add 10.").append(lo).append('.').append(hi).append('.')
                        .append(i == lo ? 1 : 2).append("/24 dev eth").append(j).append('\n');
                if (i < j) {
                    links.append("  - {a: n").append(i).append(":eth").append(j).append(", b: n").append(j)
                            .append(":eth").append(i).append(", delay: 1ms}\n");
                }
                flows.append("    - {name: n").append(i).append("-n").append(j).append(", from: n").append(i)
                        .append(", to: 10.").append(lo).append('.').append(hi).append('.').append(i == lo ? 2 : 1)
                        .append(", proto: udp, dport: 5000, size: 100, rate: 1kpps}\n");
            }
            nodes.append("}\n    config: |\n").append(config);
        }
        return "name: mesh\nseed: 7\nduration: 200ms\nmembers: [m1, m2, m3, m4, m5]\nnodes:\n" + nodes
                + "links:\n" + links + "traffic:\n  flows:\n" + flows + "faults:\n  - {at: 0ms, do: \"partition "
                + partition + "\"}\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"halves", "random-halves", "majority", "isolate", "bridge", "ring", "one-way m1,m2 -> m4",
        "groups m1,m3 | m2,m5"})
    void shouldDropExactlyThePacketsBetweenMembersOfTheGrudge(String partition, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("mesh.yaml");
        Files.writeString(file, mesh(partition));
        Scenario sc = ScenarioLoader.load(file);
        List<Map<String, Set<String>>> grudges = new ArrayList<>();
        ExperimentReport rep = ExperimentRuns.embedded(sc, 7L, grudges);

        assertThat(grudges).hasSize(1);
        Map<String, Set<String>> grudge = grudges.get(0);
        int cut = 0;
        for (int i = 1; i <= N; i++) {
            for (int j = 1; j <= N; j++) {
                if (i == j) {
                    continue;
                }
                ExperimentReport.FlowResult f = rep.flows.get("n" + i + "-n" + j);
                long partitioned = f.dropped().getOrDefault("partitioned", 0L);
                long arrived = f.dropped().getOrDefault("no_socket", 0L);
                if (grudge.get("m" + j).contains("m" + i)) {
                    cut++;
                    // All but the last packet, which arrives at the heal (200 ms, the end of the run's faults).
                    assertThat(arrived).as("n%d -> n%d is cut", i, j).isEqualTo(1);
                    assertThat(partitioned).isGreaterThanOrEqualTo(199);
                } else {
                    assertThat(arrived).as("n%d -> n%d is not cut", i, j).isEqualTo(200);
                    if (!grudge.get("m" + i).contains("m" + j)) {
                        // Nor is the way back, where n%d's ICMP port unreachable replies go.
                        assertThat(partitioned).isZero();
                    }
                }
            }
        }
        assertThat(cut).as("the partition cuts something").isPositive();
        assertThat(rep.conserved).isTrue();
    }
}
