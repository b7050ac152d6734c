package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * topology-examples/srv6-end-bpf: seg6 encap at r1, End.BPF (tag, TLV, End.X) at r2, End.BPF (check tag, remove
 * TLV) and End.DX4 at r3, as in the kernel's test_lwt_seg6local: the IPv4 payload arrives intact.
 */
class Srv6EndBpfExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    /** Outer IPv6 40 + SRH 8 + 3 segments of 16. */
    private static final int SRV6_OVERHEAD = 40 + 8 + 3 * 16;
    private static final int TLV = 8;

    @Test
    void shouldCarryThePacketsThroughTheSegmentsAndDecapsulateAtTheTail() {
        ExampleSim sim = ExampleSim.run("srv6-end-bpf", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        // End.DX4 hands h2 the original packet: the inner TTL is decremented by r1 and r3 only (ttl 64-2 at h2,
        // the reply crosses r3, r2, r1 by IPv4: 61 at h1)
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.0.9.2: icmp_seq=1 ttl=61 "));
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(500);
        assertThat(rep.totals.droppedTotal()).isZero();
        // r2's End.X sends everything over the bottom link (eth2), not the top route (eth1)
        assertThat(rep.interfaces.get("r2:eth2").sent).isEqualTo(503);
        assertThat(rep.interfaces.get("r2:eth1").sent).isZero();
        // sizes on the wire: r1 -> r2 with the SRH; r2 -> r3 with the 8-byte TLV added; r3 -> h2 the plain packet
        long r1Out = sim.net.router("r1").devices().byName("eth1").txBytes;
        long r2Out = sim.net.router("r2").devices().byName("eth2").txBytes;
        long r3Out = sim.net.router("r3").devices().byName("eth2").txBytes;
        assertThat(r1Out).isEqualTo(500L * (100 + SRV6_OVERHEAD) + 3L * (84 + SRV6_OVERHEAD));
        assertThat(r2Out).isEqualTo(r1Out + 503L * TLV);
        assertThat(r3Out).isEqualTo(500L * 100 + 3L * 84);
    }

    @Test
    void shouldFollowTheRoutingTableWithoutTheEndXAction() {
        String yaml = ExampleSim.edit(ExampleSim.text("srv6-end-bpf"), "section tag_steer", "section tag_only");
        ExampleSim sim = ExampleSim.run("srv6-end-bpf", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.interfaces.get("r2:eth1").sent).as("r2's route to fc00:3::/64")
                .isEqualTo(503);
        assertThat(rep.interfaces.get("r2:eth2").sent).isZero();
    }

    @Test
    void shouldDropAtTheCheckingProgramWhenR2DoesNotTag() {
        String yaml = ExampleSim.edit(ExampleSim.text("srv6-end-bpf"),
                "action End.BPF endpoint obj srv6_end_bpf.o section tag_steer", "action End");
        ExampleSim sim = ExampleSim.run("srv6-end-bpf", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("r3").dropsByLabel()).containsExactlyEntriesOf(Map.of("bpf_drop", 503L));
        assertThat(rep.interfaces.get("r3:eth2").sent).isZero();
    }

    @Test
    void shouldDropAtTheTailWithoutTheDx4Route() {
        String yaml = ExampleSim.edit(ExampleSim.text("srv6-end-bpf"),
                "      ip -6 route add fc00:3::4/128 encap seg6local action End.DX4 nh4 10.0.9.2 dev eth2\n", "");
        ExampleSim sim = ExampleSim.run("srv6-end-bpf", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(rep.flows.get("udp-h1-h2").delivered).isZero();
        assertThat(rep.routers.get("r3").dropsByLabel()).containsKey("no_route");
    }
}
