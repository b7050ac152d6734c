package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel's samples/bpf/test_lwt_bpf.sh, one test per case, with the programs of src/test/bpf/test_lwt_bpf.c on
 * r1's route to 192.168.254.2 in {@code h0 -- r1 -- h1} (r1's eth2 leads to h2, the redirect target, which also
 * answers for 192.168.254.2). The kernel attaches the route on the sending host; here r1 forwards, so the in hook
 * runs on r1's input route and out/xmit on its output.
 */
class LwtBpfSamplesTest {
    private static final Path BPF = Path.of("src/test/bpf");
    private static final long RUN_NS = 3_000_000_000L;
    private static final String PASS = "3 packets transmitted, 3 received, 0% packet loss, time 2000ms";
    private static final String LOST = "3 packets transmitted, 0 received, 100% packet loss, time 2000ms";

    private static String topology(String hook, String section, String traffic) {
        return """
                name: test-lwt-bpf
                nodes:
                  h0:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.1.2/24 dev eth0
                      ip route add default via 10.0.1.1 dev eth0
                  r1:
                    interfaces: {eth0: {}, eth1: {}, eth2: {}}
                    config: |
                      ip addr add 10.0.1.1/24 dev eth0
                      ip addr add 192.168.254.1/24 dev eth1
                      ip addr add 192.168.111.1/24 dev eth2
                      ip route add 192.168.254.2/32 encap bpf %s obj test_lwt_bpf.o section %s dev eth1
                  h1:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 192.168.254.2/24 dev eth0
                      ip addr add 192.168.254.3/24 dev eth0
                      ip route add default via 192.168.254.1 dev eth0
                  h2:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 192.168.111.2/24 dev eth0
                      ip addr add 192.168.254.2/32 dev lo
                      ip route add default via 192.168.111.1 dev eth0
                links:
                  - {a: h0:eth0, b: r1:eth0}
                  - {a: r1:eth1, b: h1:eth0}
                  - {a: r1:eth2, b: h2:eth0}
                traffic:
                  pings:
                    - {from: h0, to: 192.168.254.2, count: 3}
                %s
                """.formatted(hook, section, traffic.indent(2));
    }

    private static Sim run(String hook, String section) {
        return run(hook, section, "");
    }

    private static Sim run(String hook, String section, String flows) {
        Sim sim = Sim.in(BPF, topology(hook, section, flows), RUN_NS);
        sim.run(RUN_NS).check();
        return sim;
    }

    private static RunReport report(Sim sim) {
        return RunReport.of(sim.net).check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "out", "xmit"})
    void shouldSeeTheContextAndPassThePing(String hook) {
        Sim sim = run(hook, "test_ctx");

        assertThat(sim.out).contains(PASS);
        assertThat(sim.log).contains("r1: bpf_trace_printk: len 84 mark 0 protocol 8");
        // ifindex as the kernel shows it per hook: in = the ingress device (eth0 = 2), out = 0, xmit = egress (eth1)
        String ifindexes = switch (hook) {
            case "in" -> "ingress_ifindex 2 ifindex 2";
            case "out" -> "ingress_ifindex 0 ifindex 0";
            default -> "ingress_ifindex 0 ifindex 3";
        };
        assertThat(sim.log).contains("r1: bpf_trace_printk: cb 0 " + ifindexes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "out", "xmit"})
    void shouldReadThePacketDataOnEveryHook(String hook) {
        Sim sim = run(hook, "test_data");

        assertThat(sim.out).contains(PASS);
        assertThat(sim.log).filteredOn("r1: bpf_trace_printk: src: a000102 dst: c0a8fe02"::equals).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "out", "xmit"})
    void shouldSeeTheControlBufferCleared(String hook) {
        Sim sim = run(hook, "test_cb");

        assertThat(sim.out).contains(PASS);
        assertThat(sim.log).filteredOn("r1: bpf_trace_printk: cb0: 0 cb1: 0 cb2: 0"::equals).hasSize(3);
        assertThat(sim.log).filteredOn("r1: bpf_trace_printk: cb3: 0 cb4: 0"::equals).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in", "out", "xmit"})
    void shouldFailThePingWhenTheProgramDropsAll(String hook) {
        Sim sim = run(hook, "drop_all");
        RunReport rep = report(sim);

        assertThat(sim.out).contains(LOST);
        assertThat(rep.routers.get("r1").dropsByLabel()).containsExactlyEntriesOf(Map.of("bpf_drop", 3L));
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
    }

    @Test
    void shouldBeAnsweredByTheRewrittenDestination() {
        Sim sim = run("xmit", "test_rewrite",
                "flows:\n  - {name: udp, from: h0, to: 192.168.254.2, proto: udp, size: 200, rate: 1000pps, count: 100}\n");
        RunReport rep = report(sim);

        assertThat(sim.out).contains(PASS);
        // iputils counts the reply by its identifier and marks the unexpected source
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 192.168.254.3: icmp_seq=1 ")
                .endsWith(" ms (DIFFERENT ADDRESS!)"));
        // the UDP checksum was fixed with the pseudo header: h1's sockets take every datagram
        assertThat(rep.flows.get("udp").delivered).isEqualTo(100);
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldPassThePingRedirectedToAnotherInterface() {
        Sim sim = run("xmit", "redirect");
        RunReport rep = report(sim);

        assertThat(sim.out).contains(PASS);
        assertThat(rep.interfaces.get("r1:eth2").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
    }

    @Test
    void shouldPushTheLinkLayerHeaderAndRedirect() {
        Sim sim = run("xmit", "push_ll_and_redirect");
        RunReport rep = report(sim);

        // __bpf_redirect_no_mac: the L3 target device gets the packet from its network header on, so h2 sees
        // the 84-byte echo request, not the 14-byte Ethernet header in front of it
        assertThat(sim.net.router("r1").devices().byName("eth2").txBytes).isEqualTo(3 * 84);
        assertThat(rep.interfaces.get("r1:eth2").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
        assertThat(sim.out).contains(PASS);
    }

    @Test
    void shouldFailThePingWhenTheProgramFillsThePacketWithGarbage() {
        Sim sim = run("xmit", "fill_garbage");
        RunReport rep = report(sim);

        assertThat(sim.out).contains(LOST);
        assertThat(rep.interfaces.get("r1:eth1").sent).isEqualTo(3);
        assertThat(rep.routers.get("h1").droppedTotal()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"out", "xmit"})
    void shouldLowerThePathMtuByTheRoutesHeadroom(String hook) {
        // headroom 100 on a 1500-byte link: a 1400-byte DF packet fits, 1401 bytes get Frag needed (mtu = 1400)
        String yaml = topology(hook, "test_ctx headroom 100", "").replace(
                "    - {from: h0, to: 192.168.254.2, count: 3}\n",
                "    - {from: h0, to: 192.168.254.2, count: 3, size: 1372}\n"
                        + "    - {from: h0, to: 192.168.254.2, count: 3, size: 1373, start: 5s}\n");
        Sim sim = Sim.in(BPF, yaml, 10_000_000_000L);
        RunReport rep = sim.run(10_000_000_000L).check();

        assertThat(sim.out).contains(PASS);
        assertThat(sim.out).contains("From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)",
                "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("r1").dropsByLabel()).containsExactlyEntriesOf(Map.of("mtu", 3L));
    }

    @Test
    void shouldKeepTheFullMtuForAnInRouteWithHeadroom() {
        // the kernel only takes headroom off the MTU of routes with an out or xmit program
        String yaml = topology("in", "test_ctx headroom 100", "").replace(
                "    - {from: h0, to: 192.168.254.2, count: 3}\n",
                "    - {from: h0, to: 192.168.254.2, count: 3, size: 1472}\n");
        Sim sim = Sim.in(BPF, yaml, RUN_NS);
        sim.run(RUN_NS).check();

        assertThat(sim.out).contains(PASS);
    }
}
