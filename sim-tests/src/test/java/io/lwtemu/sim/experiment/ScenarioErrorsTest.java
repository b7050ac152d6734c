package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentException;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.topology.TopologyException;
import org.junit.jupiter.api.Test;

/** Scenario mistakes name file:line:col and what was expected; nothing runs. */
class ScenarioErrorsTest {
    private static String faults(String faults) {
        return Experiments.chain(Experiments.PLAIN_ROUTE, "", Experiments.flow(100), faults);
    }

    /** Line of the first fault entry in {@link #faults}: the chain's faults: block. */
    private static int faultLine(String yaml) {
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals("faults:")) {
                return i + 2;
            }
        }
        throw new IllegalStateException();
    }

    @Test
    void shouldPointAtAnUnknownNodeInsideTheCommand() {
        String y = faults("- {at: 1ms, do: router crash r9}");
        assertThatThrownBy(() -> Experiments.scenario(y)).isInstanceOf(TopologyException.class)
                .hasMessage(Experiments.INLINE + ":" + faultLine(y) + ":32: unknown node 'r9'");
    }

    @Test
    void shouldPointAtTheBadNetemWord() {
        String y = faults("- {at: 1ms, do: \"link impair r1:eth1 loss 10% delay fast\"}");
        assertThatThrownBy(() -> Experiments.scenario(y)).isInstanceOf(TopologyException.class)
                .hasMessageStartingWith(Experiments.INLINE + ":" + faultLine(y) + ":55: bad netem:");
    }

    @Test
    void shouldNameTheExpectedWordsOfAFault() {
        String y = faults("- {at: 1ms, do: router reboot r2}");
        assertThatThrownBy(() -> Experiments.scenario(y)).hasMessage(Experiments.INLINE + ":" + faultLine(y)
                + ":26: unknown router fault 'reboot', expected crash, restart, pause or resume");
    }

    @Test
    void shouldRejectAnUnknownFlowInAPacketTrigger() {
        String y = faults("- {after: 10 packets of g, do: router crash r2}");
        assertThatThrownBy(() -> Experiments.scenario(y)).hasMessage(Experiments.INLINE + ":" + faultLine(y)
                + ":13: unknown flow 'g', expected one of f");
    }

    @Test
    void shouldRejectAFaultLongerThanItsRepeatPeriod() {
        String y = faults("- {at: 1ms, do: link down r1:eth1, every: 100ms, for: 100ms}");
        assertThatThrownBy(() -> Experiments.scenario(y)).hasMessageContaining(":" + faultLine(y) + ":57: 'for'"
                + " (100ms) must be shorter than 'every' (100ms)");
    }

    @Test
    void shouldRejectABadMapUpdateByteAndAMissingPinnedMapBeforeRunning() {
        String bad = faults("- {at: 1ms, do: \"r1: bpftool map update pinned /sys/fs/bpf/x key hex 0g value 1\"}");
        assertThatThrownBy(() -> Experiments.scenario(bad)).hasMessageContaining(":" + faultLine(bad) + ":72: bad"
                + " byte '0g'");
        Scenario missing = Experiments.scenario(faults(
                "- {at: 1ms, do: \"r1: bpftool map update pinned /sys/fs/bpf/x key 1 value 1\"}"));
        assertThatThrownBy(() -> new Experiment(missing, null, null, null, line -> { }))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("bpf obj get (/sys/fs/bpf/x): No such"
                        + " file or directory");
    }

    @Test
    void shouldParseTheClusterExampleAndKnowItNeedsACluster() {
        Scenario sc = ScenarioLoader.load(Experiments.SHIPPED.resolve("cluster-kill-partition.yaml"));

        assertThat(sc.needsCluster()).isTrue();
        assertThat(sc.members()).containsExactly("m1", "m2", "m3");
        assertThat(sc.faults()).extracting(t -> t.fault().getClass().getSimpleName()).containsExactly("MemberState",
                "Partition", "Partition");
        assertThat(((Fault.Partition) sc.faults().get(2).fault()).from()).containsExactly("m3");
    }

    @Test
    void shouldRejectAnUnknownMember() {
        String y = faults("- {at: 1ms, do: member kill m7}") + "members: [m1, m2]\n";
        assertThatThrownBy(() -> Experiments.scenario(y)).hasMessage(Experiments.INLINE + ":" + faultLine(y)
                + ":31: unknown member 'm7', expected one of m1, m2");
    }

    @Test
    void shouldRejectAForOnARepair() {
        String y = faults("- {at: 1ms, do: router restart r2, for: 10ms}");
        assertThatThrownBy(() -> Experiments.scenario(y)).hasMessage(Experiments.INLINE + ":" + faultLine(y)
                + ":43: 'for' has nothing to heal: 'router restart r2' is itself a repair");
    }
}
