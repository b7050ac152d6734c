package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.fault.ClusterFaults;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.fault.Grudge;
import io.lwtemu.node.fault.PartitionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Member faults reach the cluster layer through {@link ClusterFaults} at their times and are healed; partitions
 * become Jepsen-style grudges.
 */
class ClusterFaultsTest {
    private static final List<String> FIVE = List.of("n1", "n2", "n3", "n4", "n5");

    /** Records the calls with the emulated time of the network. */
    private static final class Recorder implements ClusterFaults {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<String> members() {
            return List.of("m1", "m2", "m3");
        }

        @Override
        public void kill(String member) {
            calls.add("kill " + member);
        }

        @Override
        public void restart(String member) {
            calls.add("restart " + member);
        }

        @Override
        public void partition(Map<String, Set<String>> grudge) {
            calls.add("partition " + grudge);
        }

        @Override
        public void heal() {
            calls.add("heal");
        }
    }

    @Test
    void shouldCallTheClusterLayerInTimelineOrderAndHealAtTheEnd() throws Exception {
        String yaml = Experiments.chain(Experiments.PLAIN_ROUTE, "", Experiments.flow(100), """
                - {at: 100ms, do: member kill m2, for: 100ms}
                - {at: 300ms, do: partition halves, for: 100ms}
                - {at: 500ms, do: "partition one-way m3 -> m1"}
                """) + "members: [m1, m2, m3]\n";
        Recorder r = new Recorder();
        ExperimentReport rep = Experiments.run(Experiments.scenario(yaml), null, true, r);

        assertThat(r.calls).containsExactly("kill m2", "restart m2", "partition {m1=[m2, m3], m2=[m1], m3=[m1]}",
                "heal", "partition {m1=[m3], m2=[], m3=[]}", "heal");
        assertThat(rep.events).extracting(e -> e.atNs() / 1_000_000 + " " + e.action() + " " + e.fault())
                .containsExactly("100 inject member kill m2", "200 heal member kill m2",
                        "300 inject partition halves", "400 heal partition halves",
                        "500 inject partition one-way m3 -> m1", "1000 heal partition one-way m3 -> m1");
    }

    private static Map<String, Set<String>> grudge(PartitionKind k, long seed) {
        return Grudge.of(new Fault.Partition("p", k, List.of(), List.of()), FIVE, new SplittableRandom(seed));
    }

    @Test
    void shouldCutMembersInHalvesBothWays() {
        Map<String, Set<String>> g = grudge(PartitionKind.HALVES, 1);
        assertThat(g.get("n1")).containsExactlyInAnyOrder("n3", "n4", "n5");
        assertThat(g.get("n5")).containsExactlyInAnyOrder("n1", "n2");
    }

    @Test
    void shouldLeaveTheMajorityTogether() {
        Map<String, Set<String>> g = grudge(PartitionKind.MAJORITY, 3);
        long minority = g.values().stream().filter(s -> s.size() == 3).count();
        long majority = g.values().stream().filter(s -> s.size() == 2).count();
        assertThat(minority).isEqualTo(2);
        assertThat(majority).isEqualTo(3);
    }

    @Test
    void shouldLetOnlyTheBridgeReachBothSides() {
        Map<String, Set<String>> g = grudge(PartitionKind.BRIDGE, 4);
        List<String> bridges = g.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
                .toList();
        assertThat(bridges).hasSize(1);
        for (String m : FIVE) {
            if (!m.equals(bridges.get(0))) {
                assertThat(g.get(m)).hasSize(2).doesNotContain(bridges.get(0));
            }
        }
    }

    @Test
    void shouldGiveEveryMemberAMajorityButNoCommonOneInARing() {
        Map<String, Set<String>> g = grudge(PartitionKind.RING, 5);
        for (String m : FIVE) {
            assertThat(FIVE.size() - g.get(m).size()).isEqualTo(3); // itself and two ring neighbours
            for (String x : g.get(m)) {
                assertThat(g.get(x)).contains(m);
            }
        }
        assertThat(Set.copyOf(g.values())).hasSize(5);
    }

    @Test
    void shouldDrawRandomSplitsFromTheSeed() {
        assertThat(grudge(PartitionKind.RANDOM_HALVES, 9)).isEqualTo(grudge(PartitionKind.RANDOM_HALVES, 9));
        boolean differs = false;
        for (long s = 10; s < 20 && !differs; s++) {
            differs = !grudge(PartitionKind.RANDOM_HALVES, s).equals(grudge(PartitionKind.RANDOM_HALVES, 9));
        }
        assertThat(differs).isTrue();
    }
}
