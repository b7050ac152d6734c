package io.lwtemu.sim.experiment;

import static io.lwtemu.sim.experiment.Experiments.drops;
import static io.lwtemu.sim.experiment.Experiments.flow;
import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.ExperimentReport.FlowResult;
import io.lwtemu.node.fault.FaultEvent;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Each non-cluster fault kind, injected into the chain, has the effect a user expects, counted by reason. */
class FaultKindsTest {

    @Test
    void shouldCountPacketsReachingACrashedRouterAsRouterDownAndForwardAgainAfterRestart() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {at: 100ms, do: router crash r2, for: 100ms}"));
        FlowResult f = flow(rep, "f");

        assertThat(rep.conserved).isTrue();
        // Packets reach r2 1.0516 ms after h1 sends them, one every 100 us: those arriving in [100 ms, 200 ms).
        assertThat(drops(f, "router_down")).isEqualTo(1000);
        assertThat(f.dropped()).containsOnlyKeys("router_down");
        assertThat(f.delivered()).isEqualTo(2000);
        assertThat(rep.events).extracting(FaultEvent::action).containsExactly("inject", "heal");
    }

    @Test
    void shouldDropThePacketsQueuedInACrashedRouter() throws Exception {
        // r2 -> r3 serialises a 200-byte packet in 800 us, r2 gets one every 500 us: a queue builds up in r2.
        String traffic = "flows:\n  - {name: f, from: h1, to: 10.0.3.2, size: 200, rate: 2kpps, count: 400}";
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, ", bandwidth: 2Mbit",
                traffic, "- {at: 100ms, do: router crash r2}"));
        FlowResult f = flow(rep, "f");

        // Packet i leaves r2's queue at 1.0516 ms + (i + 1) * 0.8 ms; only those done by 100 ms were on the wire.
        assertThat(f.delivered()).isEqualTo(123);
        assertThat(drops(f, "router_down")).isEqualTo(400 - 123);
        assertThat(rep.conserved).isTrue();
    }

    @Test
    void shouldRebuildRoutesFromTheTopologyOnRestart() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000), """
                - {at: 50ms, do: "r2: ip route del 10.0.3.0/24"}
                - {at: 100ms, do: router crash r2}
                - {at: 150ms, do: router restart r2}
                """));
        FlowResult f = flow(rep, "f");

        // no route from 50 ms, down from 100 ms, configured again (route back) from 150 ms.
        assertThat(drops(f, "no_route")).isEqualTo(500);
        assertThat(drops(f, "router_down")).isEqualTo(500);
        // r2's ICMP unreachables belong to the flow too: sent by r2, delivered to h1.
        long icmp = f.sent() - 3000;
        assertThat(f.delivered() - icmp).isEqualTo(2000);
    }

    @Test
    void shouldQueuePacketsWhilePausedInQueueMode() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {at: 100ms, do: router pause r2 queue, for: 50ms}"));
        FlowResult f = flow(rep, "f");

        assertThat(f.dropped()).isEmpty();
        assertThat(f.delivered()).isEqualTo(3000);
        assertThat(f.reordered()).isZero();
        // The first packet to wait arrived just after 100 ms and leaves r2 at 150 ms.
        assertThat(f.latencyMaxMs()).isBetween(50.0, 52.2);
    }

    @Test
    void shouldDropPacketsWhilePausedInDropMode() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {at: 100ms, do: router pause r2 drop, for: 50ms}"));
        FlowResult f = flow(rep, "f");

        assertThat(drops(f, "router_paused")).isEqualTo(500);
        assertThat(f.delivered()).isEqualTo(2500);
        assertThat(f.latencyMaxMs()).isLessThan(2.2);
    }

    @Test
    void shouldRunTheOldOrTheNewProgramPerPacketWhenSwapped() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.IPIP_ROUTE, "", flow(3000),
                "- {at: 100ms, do: \"r1: prog swap 10.0.3.0/24 xmit obj drop_all.o section lwt_xmit/drop\","
                        + " for: 100ms}"));
        FlowResult f = flow(rep, "f");

        // Packet i reaches r1 at i * 100 us + 50 us: packets 1000..1999 meet drop_all, all others ipip_encap.
        assertThat(drops(f, "bpf_drop")).isEqualTo(1000);
        assertThat(f.delivered()).isEqualTo(2000);
        assertThat(f.dropped()).containsOnlyKeys("bpf_drop");
    }

    @Test
    void shouldRerouteOnlyWhileTheTimelineHasWrittenTheMap() throws Exception {
        String shipped = Files.readString(Experiments.SHIPPED.resolve("ring-reroute.yaml"));
        ExperimentReport withMap = Experiments.run(io.lwtemu.node.experiment.ScenarioLoader.parse(
                Experiments.SHIPPED.resolve("ring-reroute.yaml"), shipped), null, true, null);
        String noMap = shipped.substring(0, shipped.indexOf("  # 20 ms later"));
        ExperimentReport without = Experiments.run(io.lwtemu.node.experiment.ScenarioLoader.parse(
                Experiments.SHIPPED.resolve("ring-reroute.yaml"), noMap), null, true, null);

        FlowResult a = flow(withMap, "udp-h1-h2");
        FlowResult b = flow(without, "udp-h1-h2");
        // With the map write only the 20 ms before it lose packets, and the rerouted ones take the 4 ms way.
        assertThat(drops(a, "link_down")).isBetween(40L, 43L);
        assertThat(a.latencyMaxMs()).isBetween(4.0, 4.2);
        assertThat(drops(b, "link_down")).isBetween(2000L, 2003L);
        assertThat(b.latencyMaxMs()).isLessThan(2.2);
    }

    @Test
    void shouldDropAsNoRouteWhileARouteIsDeletedAndRestoreItOnHeal() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {at: 100ms, do: \"r2: ip route del 10.0.3.0/24\", for: 100ms}"));
        FlowResult f = flow(rep, "f");

        assertThat(drops(f, "no_route")).isEqualTo(1000);
        long icmp = f.sent() - 3000;
        assertThat(f.delivered() - icmp).isEqualTo(2000);
        assertThat(rep.conserved).isTrue();
    }

    @Test
    void shouldFlapALinkDownAndUpAndCountEveryFlap() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(15000),
                "- {at: 100ms, do: link flap r2:eth1 down 50ms up 150ms, for: 1s}").replace("duration: 1s",
                "duration: 1500ms"));
        FlowResult f = flow(rep, "f");

        assertThat(rep.events.stream().filter(e -> e.action().equals("flap down"))).hasSize(5);
        assertThat(rep.events.stream().filter(e -> e.action().equals("flap up"))).hasSize(5);
        // 5 x 50 ms at 10 kpps, plus the packets on the wire each time the link went down.
        assertThat(drops(f, "link_down")).isBetween(2500L, 2560L);
        assertThat(f.delivered() + drops(f, "link_down")).isEqualTo(15000);
    }

    @Test
    void shouldLoseTenPercentWhileTheLinkIsImpairedWithTenPercentLoss() throws Exception {
        String traffic = "flows:\n  - {name: f, from: h1, to: 10.0.3.2, size: 100, rate: 100kpps, count: 100000}";
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", traffic, """
                - {at: 0s, do: "link impair r1:eth1 loss 10%"}
                """));
        FlowResult f = flow(rep, "f");

        assertThat(drops(f, "loss")).isBetween(9000L, 11000L);
        assertThat(f.delivered() + drops(f, "loss")).isEqualTo(100000);
    }

    @Test
    void shouldStopImpairingWhenTheFaultIsHealed() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {at: 100ms, do: \"link impair r1:eth1 loss 100%\", for: 100ms}"));

        assertThat(drops(flow(rep, "f"), "loss")).isEqualTo(1000);
    }

    @Test
    void shouldInjectAfterTheFlowHasSentNPackets() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(3000),
                "- {after: 1234 packets of f, do: router pause h1 drop}"));
        FlowResult f = flow(rep, "f");

        assertThat(f.delivered()).isEqualTo(1234);
        assertThat(drops(f, "router_paused")).isEqualTo(3000 - 1234);
    }

    @Test
    void shouldRecordAChangeTheRouterRefusesAsAFailedEventAndGoOn() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", flow(1000),
                "- {at: 10ms, do: \"r2: ip route del 192.0.2.0/24\"}"));

        assertThat(rep.events).hasSize(1);
        FaultEvent e = rep.events.get(0);
        assertThat(e.ok()).isFalse();
        assertThat(e.message()).isEqualTo("RTNETLINK answers: No such process");
        assertThat(flow(rep, "f").delivered()).isEqualTo(1000);
    }
}
