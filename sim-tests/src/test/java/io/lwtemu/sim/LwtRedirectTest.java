package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel's prog_tests/lwt_redirect: an LWT xmit program redirects a 128-byte ICMP echo to another device, to
 * its egress or its ingress, and the packet shows up there; a target that is down drops the packet without harm.
 * r1 routes 10.0.9.9 by its program to eth2 (ifindex 4). Redirected to the ingress, the packet is received on eth2
 * and routed again, where a rule for packets coming in on eth2 sends it to h2.
 */
class LwtRedirectTest {
    private static final Path BPF = Path.of("src/test/bpf");
    private static final long RUN_NS = 3_000_000_000L;

    private static String topology(String section, String r1Extra) {
        return """
                name: lwt-redirect
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
                      ip addr add 10.0.2.1/24 dev eth1
                      ip addr add 10.0.3.1/24 dev eth2
                      ip route add 10.0.9.9/32 encap bpf xmit obj lwt_redirect.o section %s dev eth1
                      ip rule add iif eth2 lookup 100
                      ip route add 10.0.9.9/32 via 10.0.3.2 dev eth2 table 100
                      %s
                  h2:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.3.2/24 dev eth0
                      ip addr add 10.0.9.9/32 dev lo
                      ip route add default via 10.0.3.1 dev eth0
                  h1:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.2.2/24 dev eth0
                links:
                  - {a: h0:eth0, b: r1:eth0}
                  - {a: r1:eth1, b: h1:eth0}
                  - {a: r1:eth2, b: h2:eth0}
                traffic:
                  pings:
                    - {from: h0, to: 10.0.9.9, count: 1, size: 100}
                """.formatted(section, r1Extra);
    }

    private static Sim run(String section, String r1Extra) {
        Sim sim = Sim.in(BPF, topology(section, r1Extra), RUN_NS);
        sim.run(RUN_NS).check();
        return sim;
    }

    @Test
    void shouldDeliverTheEchoOutOfTheEgressTarget() {
        Sim sim = run("redirect_egress", "");
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(sim.out).contains("1 packets transmitted, 1 received, 0% packet loss, time 0ms");
        assertThat(sim.net.router("r1").devices().byName("eth2").txBytes).as("the 128-byte echo").isEqualTo(128);
        assertThat(sim.net.router("r1").devices().byName("eth2").rxPackets).as("only h2's reply").isEqualTo(1);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
    }

    @Test
    void shouldReceiveTheEchoOnTheIngressTarget() {
        Sim sim = run("redirect_ingress", "");
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(sim.out).contains("1 packets transmitted, 1 received, 0% packet loss, time 0ms");
        // received on eth2, it matched the iif rule and left by eth2 towards h2
        assertThat(sim.net.router("r1").devices().byName("eth2").rxPackets).as("the request, then h2's reply")
                .isEqualTo(2);
        assertThat(sim.net.router("r1").devices().byName("eth2").txBytes).isEqualTo(128);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
    }

    @Test
    void shouldDropWithoutHarmWhenTheTargetIsDown() {
        for (String section : new String[] {"redirect_egress", "redirect_ingress"}) {
            Sim sim = run(section, "ip link set eth2 down");
            RunReport rep = RunReport.of(sim.net).check();

            assertThat(sim.out).contains("1 packets transmitted, 0 received, 100% packet loss, time 0ms");
            assertThat(rep.routers.get("r1").dropsByLabel()).as(section)
                    .containsExactlyEntriesOf(Map.of("link_down", 1L));
        }
    }
}
