package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import org.junit.jupiter.api.Test;

/**
 * topology-examples/lwt-ip-encap/topology-ingress.yaml: the lwt_ip_encap selftest's ingress case, GRE pushed by
 * LWT in programs on ns2 (bpf_lwt_push_encap is allowed in LWT_IN), then an input route lookup on the outer header.
 */
class LwtIpEncapIngressExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String FILE = "topology-ingress.yaml";
    private static final String PASS = "3 packets transmitted, 3 received, 0% packet loss, time 2000ms";
    private static final String LOST = "3 packets transmitted, 0 received, 100% packet loss, time 2000ms";

    private static ExampleSim run(String yaml) {
        return ExampleSim.run("lwt-ip-encap", FILE, yaml, RUN_NS);
    }

    private static String text() {
        return ExampleSim.text("lwt-ip-encap", FILE);
    }

    @Test
    void shouldEncapsulateOnTheWayInAndPassBothPings() {
        ExampleSim sim = run(text());
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(PASS::equals).hasSize(2);
        assertThat(rep.totals.droppedTotal()).isZero();
        // ns1 sends plainly over the top path; ns2 turns the requests to the bottom path
        assertThat(rep.interfaces.get("ns1:veth1").sent).isEqualTo(6);
        assertThat(rep.interfaces.get("ns1:veth5").sent).isZero();
        assertThat(rep.interfaces.get("ns2:veth7").sent).isEqualTo(6);
        assertThat(rep.interfaces.get("ns2:veth3").sent).isZero();
        assertThat(sim.net.router("ns3").devices().byName("gre_dev").rxPackets).isEqualTo(6);
        // outer IPv4 20 + GRE 4; ns2 forwards the outer packet, so the inner TTL is untouched by it
        assertThat(sim.net.router("ns2").devices().byName("veth7").txBytes).isEqualTo(3 * (84 + 24) + 3 * (104 + 24));
    }

    @Test
    void shouldPassWithAnIpv6OuterHeaderToo() {
        String yaml = text().replace("section lwt_in/encap_gre ", "section lwt_in/encap_gre6 ");
        ExampleSim sim = run(yaml);
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(PASS::equals).hasSize(2);
        assertThat(sim.net.router("ns3").devices().byName("gre6_dev").rxPackets).isEqualTo(6);
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldDropAfterTheInputRerouteWhenTheGreEndpointIsUnreachable() {
        String yaml = ExampleSim.edit(text(), "      ip route add 172.16.16.100/32 via 172.16.8.100 dev veth7\n", "");
        ExampleSim sim = run(yaml);
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(LOST::equals).hasSize(2);
        assertThat(rep.routers.get("ns2").dropsByLabel()).containsOnlyKeys("no_route");
        assertThat(rep.routers.get("ns2").droppedTotal()).isGreaterThanOrEqualTo(6);
        assertThat(rep.interfaces.get("ns2:veth7").sent).isZero();
    }
}
