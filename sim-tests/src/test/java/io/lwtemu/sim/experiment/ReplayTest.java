package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** The same seed on the same topology gives the same per-packet outcomes, on either engine. */
class ReplayTest {
    private static Scenario shipped() {
        return ScenarioLoader.load(Experiments.SHIPPED.resolve("ipip-ge-flap.yaml"));
    }

    @Test
    void shouldGiveIdenticalPerPacketOutcomesWithTheSameSeed() throws Exception {
        ExperimentReport a = Experiments.run(shipped(), 7L, true, null);
        ExperimentReport b = Experiments.run(shipped(), 7L, true, null);

        assertThat(Experiments.drops(a.flows.get("udp-h1-h2"), "loss")).isPositive();
        assertThat(b.digest).isEqualTo(a.digest);
        assertThat(b.toJsonString()).isEqualTo(a.toJsonString());
    }

    @Test
    void shouldGiveOtherLossDecisionsWithAnotherSeed() throws Exception {
        ExperimentReport a = Experiments.run(shipped(), 7L, true, null);
        ExperimentReport b = Experiments.run(shipped(), 8L, true, null);

        assertThat(b.flows.get("udp-h1-h2").digest()).isNotEqualTo(a.flows.get("udp-h1-h2").digest());
        assertThat(b.digest).isNotEqualTo(a.digest);
    }

    @Test
    void shouldGiveTheSameOutcomesOnTheActorEngineAsSequentially() throws Exception {
        ExperimentReport seq = Experiments.run(shipped(), 11L, true, null);
        ExperimentReport actors = Experiments.run(shipped(), 11L, false, null);

        assertThat(actors.digest).isEqualTo(seq.digest);
        assertThat(actors.toJsonString()).isEqualTo(seq.toJsonString());
    }

    @Test
    void shouldDrawTheSameNemesisFaultsWithTheSameSeed() throws Exception {
        String yaml = Experiments.chain(Experiments.PLAIN_ROUTE, "", Experiments.flow(8000), "[]") + """
                nemesis:
                  faults: [link down r1:eth1, router pause r2 drop, "link impair r2:eth1 loss 20%", router crash r3]
                  gap: 20ms..120ms
                  for: 10ms..60ms
                """;
        ExperimentReport a = Experiments.run(Experiments.scenario(yaml), 5L, true, null);
        ExperimentReport b = Experiments.run(Experiments.scenario(yaml), 5L, false, null);
        ExperimentReport c = Experiments.run(Experiments.scenario(yaml), 6L, true, null);

        assertThat(a.events).hasSizeGreaterThan(6);
        assertThat(b.events).isEqualTo(a.events);
        assertThat(b.digest).isEqualTo(a.digest);
        assertThat(c.events).isNotEqualTo(a.events);
        assertThat(a.conserved).isTrue();
    }
}
