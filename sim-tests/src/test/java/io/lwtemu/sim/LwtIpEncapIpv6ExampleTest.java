package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * topology-examples/lwt-ip-encap/topology-ipv6.yaml: the lwt_ip_encap selftest's egress case with an IPv6 GRE
 * outer header (encap_gre6 as LWT xmit on ns1), for IPv4 and IPv6 inner packets; and its IPv4-outer twin.
 */
class LwtIpEncapIpv6ExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String FILE = "topology-ipv6.yaml";
    private static final String PASS = "3 packets transmitted, 3 received, 0% packet loss, time 2000ms";
    private static final String LOST = "3 packets transmitted, 0 received, 100% packet loss, time 2000ms";

    private static ExampleSim run(String yaml) {
        return ExampleSim.run("lwt-ip-encap", FILE, yaml, RUN_NS);
    }

    private static String text() {
        return ExampleSim.text("lwt-ip-encap", FILE);
    }

    @Test
    void shouldPassBothPingsThroughTheIpv6GreOuterHeader() {
        ExampleSim sim = run(text());
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(PASS::equals).hasSize(2);
        assertThat(rep.totals.droppedTotal()).isZero();
        assertThat(rep.interfaces.get("ns1:veth5").sent).isEqualTo(6);
        assertThat(rep.interfaces.get("ns1:veth1").sent).isZero();
        assertThat(sim.net.router("ns3").devices().byName("gre6_dev").rxPackets).isEqualTo(6);
        assertThat(sim.net.router("ns3").devices().byName("gre_dev").rxPackets).isZero();
        // outer IPv6 40 + GRE 4 around an 84-byte IPv4 echo and a 104-byte IPv6 echo
        assertThat(sim.net.router("ns1").devices().byName("veth5").txBytes).isEqualTo(3 * (84 + 44) + 3 * (104 + 44));
        // replies: plainly over the top path
        assertThat(rep.interfaces.get("ns2:veth2").sent).isEqualTo(6);
    }

    @Test
    void shouldFailWhenNs2CannotReachTheIp6greEndpoint() {
        String yaml = ExampleSim.edit(text(), "      ip -6 route add fb10::1/128 via fb08::1 dev veth7\n", "");
        ExampleSim sim = run(yaml);
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(LOST::equals).hasSize(2);
        assertThat(rep.routers.get("ns2").dropsByLabel()).containsExactlyEntriesOf(Map.of("no_route", 6L));
        assertThat(rep.interfaces.get("ns1:veth5").sent).isEqualTo(6);
    }

    @Test
    void shouldFailWithPlainRoutingBecauseNs2HasNoRouteToTheDestinations() {
        // both replacement routes lose their encap part
        String yaml = ExampleSim.edit(text(), " encap bpf xmit obj gre_encap.o section lwt_xmit/encap_gre6", "");
        ExampleSim sim = run(yaml);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("From 172.16.2.100 icmp_seq=1 Destination Net Unreachable");
        assertThat(rep.routers.get("ns2").dropsByLabel()).containsExactlyEntriesOf(Map.of("no_route", 6L));
        assertThat(rep.interfaces.get("ns1:veth5").sent).isZero();
    }

    @Test
    void shouldAlsoPassBothPingsThroughAnIpv4GreOuterHeader() {
        String yaml = text().replace("section lwt_xmit/encap_gre6", "section lwt_xmit/encap_gre");
        ExampleSim sim = run(yaml);
        RunReport rep = sim.report();

        assertThat(sim.out).filteredOn(PASS::equals).hasSize(2);
        assertThat(sim.net.router("ns3").devices().byName("gre_dev").rxPackets).isEqualTo(6);
        assertThat(sim.net.router("ns1").devices().byName("veth5").txBytes).isEqualTo(3 * (84 + 24) + 3 * (104 + 24));
        assertThat(rep.totals.droppedTotal()).isZero();
    }
}
