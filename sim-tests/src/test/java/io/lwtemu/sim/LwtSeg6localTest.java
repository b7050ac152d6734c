package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel's test_lwt_seg6local.sh: an LWT in program on ns2 pushes an SRH (fd00::3, fd00::4, fd00::5, fd00::6);
 * ns3's End.BPF adds a TLV and picks the bottom link with End.X; ns4's End.BPF checks and removes the TLV and
 * looks the next SID up in table 117 with End.T; ns5 is a plain End; ns6's End.DX6 hands the original IPv6 packet
 * to h6. The selftest sends "foobar" over UDP and checks it arrives; here a UDP flow and a ping.
 */
class LwtSeg6localTest {
    private static final Path BPF = Path.of("src/test/bpf");
    private static final long RUN_NS = 3_000_000_000L;
    /** Outer IPv6 header + SRH with 4 segments. */
    private static final int SRV6 = 40 + 8 + 4 * 16;
    private static final String TOPOLOGY = """
            name: lwt-seg6local
            nodes:
              ns1:
                kind: host
                interfaces: {eth0: {}}
                config: |
                  ip -6 addr add fb00:12::1/64 dev eth0
                  ip -6 route add default via fb00:12::2 dev eth0
              ns2:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip -6 addr add fb00:12::2/64 dev eth0
                  ip -6 addr add fd00:23::2/64 dev eth1
                  ip -6 route add fd00::3/128 via fd00:23::3 dev eth1
                  ip -6 route add fb00:6::6/128 encap bpf in obj test_lwt_seg6local.o section encap_srh dev eth1
                  ip -6 route add fb00:6::/64 via fd00:23::3 dev eth1
              ns3:
                interfaces: {eth0: {}, eth1: {}, eth2: {}}
                config: |
                  ip -6 addr add fd00:23::3/64 dev eth0
                  ip -6 addr add fd00:34::3/64 dev eth1
                  ip -6 addr add fd00:b34::3/64 dev eth2
                  ip -6 route add fb00:12::/64 via fd00:23::2 dev eth0
                  ip -6 route add fd00::4/128 via fd00:34::4 dev eth1
                  ip -6 route add fd00::3/128 encap seg6local action End.BPF endpoint obj test_lwt_seg6local.o section add_egr_x dev eth0
              ns4:
                interfaces: {eth0: {}, eth1: {}, eth2: {}}
                config: |
                  ip -6 addr add fd00:34::4/64 dev eth0
                  ip -6 addr add fd00:b34::4/64 dev eth1
                  ip -6 addr add fd00:45::4/64 dev eth2
                  ip -6 route add fb00:12::/64 via fd00:34::3 dev eth0
                  ip -6 route add fd00::5/128 via fd00:45::5 dev eth2 table 117
                  ip -6 route add fd00::4/128 encap seg6local action End.BPF endpoint obj test_lwt_seg6local.o section pop_egr_t dev eth0
              ns5:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip -6 addr add fd00:45::5/64 dev eth0
                  ip -6 addr add fd00:56::5/64 dev eth1
                  ip -6 route add fb00:12::/64 via fd00:45::4 dev eth0
                  ip -6 route add fd00::6/128 via fd00:56::6 dev eth1
                  ip -6 route add fd00::5/128 encap seg6local action End dev eth0
              ns6:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip -6 addr add fd00:56::6/64 dev eth0
                  ip -6 addr add fb00:6::1/64 dev eth1
                  ip -6 route add fb00:12::/64 via fd00:56::5 dev eth0
                  ip -6 route add fd00::6/128 encap seg6local action End.DX6 nh6 fb00:6::6 dev eth1
              h6:
                kind: host
                interfaces: {eth0: {}}
                config: |
                  ip -6 addr add fb00:6::6/64 dev eth0
                  ip -6 route add default via fb00:6::1 dev eth0
            links:
              - {a: ns1:eth0, b: ns2:eth0}
              - {a: ns2:eth1, b: ns3:eth0}
              - {a: ns3:eth1, b: ns4:eth0}
              - {a: ns3:eth2, b: ns4:eth1}
              - {a: ns4:eth2, b: ns5:eth0}
              - {a: ns5:eth1, b: ns6:eth0}
              - {a: ns6:eth1, b: h6:eth0}
            traffic:
              flows:
                - {name: foobar, from: ns1, to: "fb00:6::6", proto: udp, dport: 80, size: 54, rate: 100pps, count: 100}
              pings:
                - {from: ns1, to: "fb00:6::6", count: 3}
            """;

    private static Sim run(String yaml) {
        Sim sim = Sim.in(BPF, yaml, RUN_NS);
        sim.run(RUN_NS).check();
        return sim;
    }

    @Test
    void shouldCarryThePayloadThroughEveryEndBehaviourIntact() {
        Sim sim = run(TOPOLOGY);
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(rep.flows.get("foobar").delivered).isEqualTo(100);
        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.totals.droppedTotal()).isZero();
        // ns2 -> ns3 with the pushed outer header and SRH; ns3 -> ns4 over the End.X link with the TLV (+8);
        // ns4 -> ns5 without it again; ns6 -> h6 the original packets (54-byte UDP, 104-byte echo requests)
        long inner = 100L * 54 + 3L * 104;
        assertThat(sim.net.router("ns2").devices().byName("eth1").txBytes).isEqualTo(inner + 103L * SRV6);
        assertThat(sim.net.router("ns3").devices().byName("eth2").txBytes).isEqualTo(inner + 103L * (SRV6 + 8));
        assertThat(rep.interfaces.get("ns3:eth1").sent).as("the routing table's link to ns4").isZero();
        assertThat(sim.net.router("ns4").devices().byName("eth2").txBytes).isEqualTo(inner + 103L * SRV6);
        assertThat(sim.net.router("ns6").devices().byName("eth1").txBytes).isEqualTo(inner);
        // the kernel's encap_srh returns BPF_REDIRECT from LWT in: treated as BPF_OK, warned about once
        assertThat(sim.log).filteredOn(l -> l.contains("Illegal redirect return code in prog")).hasSize(1);
    }

    @Test
    void shouldDropAtTheEndTWhenTable117CannotRouteTheNextSid() {
        Sim sim = run(TOPOLOGY.replace("      ip -6 route add fd00::5/128 via fd00:45::5 dev eth2 table 117\n", ""));
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(rep.flows.get("foobar").delivered).isZero();
        // no table 117 at all: seg6_lookup_any_nexthop falls back to the blackhole/unreachable entry
        assertThat(rep.routers.get("ns4").dropsByLabel()).containsExactlyEntriesOf(Map.of("unreachable", 103L));
        assertThat(rep.interfaces.get("ns4:eth2").sent).isZero();
    }

    @Test
    void shouldDropAtTheCheckingProgramWhenNoTlvWasAdded() {
        Sim sim = run(TOPOLOGY.replace(
                "encap seg6local action End.BPF endpoint obj test_lwt_seg6local.o section add_egr_x dev eth0",
                "encap seg6local action End dev eth0"));
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(rep.routers.get("ns4").dropsByLabel()).containsExactlyEntriesOf(Map.of("bpf_drop", 103L));
        assertThat(rep.interfaces.get("ns3:eth1").sent).as("plain End follows the routing table").isEqualTo(103);
    }
}
