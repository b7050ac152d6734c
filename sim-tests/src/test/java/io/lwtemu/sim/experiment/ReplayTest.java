package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** The same seed on the same topology gives the same per-packet outcomes, on either engine. */
class ReplayTest {
    /** Long enough for Gilbert-Elliott bursts and two flaps of the shipped 3 s experiment. */
    private static final Long SHORT = 1_300_000_000L;

    private static Scenario shipped() {
        return ScenarioLoader.load(Experiments.SHIPPED.resolve("ipip-ge-flap.yaml"));
    }

    @Test
    void shouldGiveIdenticalPerPacketOutcomesWithTheSameSeed() throws Exception {
        ExperimentReport a = Experiments.run(shipped(), 7L, SHORT, true, null);
        ExperimentReport b = Experiments.run(shipped(), 7L, SHORT, true, null);

        assertThat(Experiments.drops(a.flows.get("udp-h1-h2"), "loss")).isPositive();
        assertThat(b.digest).isEqualTo(a.digest);
        assertThat(b.toJsonString()).isEqualTo(a.toJsonString());
    }

    @Test
    void shouldGiveOtherLossDecisionsWithAnotherSeed() throws Exception {
        ExperimentReport a = Experiments.run(shipped(), 7L, SHORT, true, null);
        ExperimentReport b = Experiments.run(shipped(), 8L, SHORT, true, null);

        assertThat(b.flows.get("udp-h1-h2").digest()).isNotEqualTo(a.flows.get("udp-h1-h2").digest());
        assertThat(b.digest).isNotEqualTo(a.digest);
    }

    @Test
    void shouldGiveTheSameOutcomesOnTheActorEngineAsSequentially() throws Exception {
        ExperimentReport seq = Experiments.run(shipped(), 11L, SHORT, true, null);
        ExperimentReport actors = Experiments.run(shipped(), 11L, SHORT, false, null);

        assertThat(actors.digest).isEqualTo(seq.digest);
        assertThat(actors.toJsonString()).isEqualTo(seq.toJsonString());
    }

    @Test
    void shouldApplyEveryFaultKindIdenticallyOnBothEngines() throws Exception {
        String yaml = Experiments.chain(Experiments.IPIP_ROUTE, ", bandwidth: 50Mbit, queue: 20",
                Experiments.flow(6000), """
                - {at: 50ms, do: router crash r2, for: 30ms}
                - {at: 120ms, do: router pause r2 queue, for: 20ms}
                - {at: 170ms, do: router pause r3 drop, for: 20ms}
                - {at: 220ms, do: "r1: prog swap 10.0.3.0/24 xmit obj drop_all.o section lwt_xmit/drop", for: 20ms}
                - {at: 270ms, do: "r2: ip route del 10.0.23.0/24", for: 20ms}
                - {at: 320ms, do: link flap r2:eth1 down 5ms up 10ms, for: 60ms}
                - {at: 400ms, do: "link impair h1:eth0 delay 1ms 500us loss 5% duplicate 2% reorder 10%", for: 150ms}
                - {after: 5800 packets of f, do: router crash r3}
                """);
        ExperimentReport seq = Experiments.run(Experiments.scenario(yaml), 3L, true, null);
        ExperimentReport actors = Experiments.run(Experiments.scenario(yaml), 3L, false, null);

        assertThat(seq.conserved).as(seq.conservation).isTrue();
        assertThat(seq.flows.get("f").dropped()).containsKeys("router_down", "router_paused", "bpf_drop", "no_route",
                "link_down", "loss");
        assertThat(seq.flows.get("f").duplicates()).isPositive();
        assertThat(seq.flows.get("f").reordered()).isPositive();
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
