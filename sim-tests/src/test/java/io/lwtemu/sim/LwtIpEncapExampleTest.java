package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * topology-examples/lwt-ip-encap: the kernel's lwt_ip_encap selftest, egress IPv4-over-IPv4 GRE. The selftest
 * asserts: pings pass by default, fail once ns2's route to the destination is deleted, pass again with the LWT
 * xmit GRE encapsulation on ns1; here also: they fail when the GRE endpoint becomes unreachable.
 */
class LwtIpEncapExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String LWT_ROUTE =
            "      ip route add 172.16.4.100/32 encap bpf xmit obj gre_encap.o section lwt_xmit/encap_gre dev veth1\n";
    private static final String NS2_GRE_ROUTE = "      ip route add 172.16.16.100/32 via 172.16.8.100 dev veth7\n";
    private static final String NS2_DST_DELETED = "      # (the selftest deletes this one: `ip route del 172.16.4.100/32 dev veth3`)\n";

    @Test
    void shouldReachTheDestinationThroughTheGreEncapsulatingProgram() {
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.totals.droppedTotal()).isZero();
        // requests: encapsulated and rerouted onto the bottom path, decapsulated by ns3's gre_dev
        assertThat(rep.interfaces.get("ns1:veth5").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns1:veth1").sent).isZero();
        assertThat(rep.interfaces.get("ns2:veth7").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns3:gre_dev").delivered).isEqualTo(3);
        // replies: plainly over the top path
        assertThat(rep.interfaces.get("ns3:veth4").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns2:veth2").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns1:veth1").delivered).isEqualTo(3);
    }

    @Test
    void shouldPassOverTheTopPathWithPlainRoutingBeforeNs2LosesItsRoute() {
        String yaml = ExampleSim.edit(ExampleSim.text("lwt-ip-encap"), LWT_ROUTE, "");
        yaml = ExampleSim.edit(yaml, NS2_DST_DELETED, "      ip route add 172.16.4.100/32 dev veth3\n");
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.interfaces.get("ns1:veth1").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns2:veth3").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("ns1:veth5").sent).isZero();
    }

    @Test
    void shouldFailWithPlainRoutingWhenNs2HasNoRouteToTheDestination() {
        String yaml = ExampleSim.edit(ExampleSim.text("lwt-ip-encap"), LWT_ROUTE, "");
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("From 172.16.2.100 icmp_seq=1 Destination Net Unreachable",
                "3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("ns2").dropsByLabel()).containsExactlyEntriesOf(Map.of("no_route", 3L));
        assertThat(rep.interfaces.get("ns3:veth4").delivered + rep.interfaces.get("ns3:veth8").delivered).isZero();
    }

    @Test
    void shouldFailWhenTheRouteToTheGreEndpointIsDeleted() {
        String yaml = ExampleSim.edit(ExampleSim.text("lwt-ip-encap"), NS2_GRE_ROUTE,
                NS2_GRE_ROUTE + NS2_GRE_ROUTE.replace("route add", "route del"));
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", yaml, RUN_NS);
        RunReport rep = sim.report();

        // ns2's net unreachable is about the outer GRE packet: ns1 has no GRE tunnel to hand it to, so ping
        // reports no errors, only loss
        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        // the encapsulated requests still leave ns1 by the bottom path, but ns2 cannot route 172.16.16.100
        assertThat(rep.interfaces.get("ns1:veth5").sent).isEqualTo(3);
        assertThat(rep.routers.get("ns2").dropsByLabel()).containsExactlyEntriesOf(Map.of("no_route", 3L));
        assertThat(rep.interfaces.get("ns3:gre_dev").delivered).isZero();
    }

    @Test
    void shouldReachTheDestinationThroughAVxlanHeaderPushedByTheProgram() {
        // the selftest's VXLAN variant: IPv4 + UDP 4789 + VXLAN (VNI 1) + inner Ethernet, to a vxlan device on ns3
        String yaml = ExampleSim.edit(ExampleSim.text("lwt-ip-encap"), "section lwt_xmit/encap_gre ",
                "section lwt_xmit/encap_vxlan ");
        yaml = ExampleSim.edit(yaml, "      ip addr add 172.16.16.100/32 dev gre_dev\n", """
                      ip addr add 172.16.16.100/32 dev gre_dev
                      ip link add vxlan_dev type vxlan id 1 dstport 4789 local 172.16.16.100 remote 172.16.1.100
                      ip link set vxlan_dev up
                """);
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(sim.net.router("ns3").devices().byName("vxlan_dev").rxPackets).isEqualTo(3);
        assertThat(sim.net.router("ns3").devices().byName("gre_dev").rxPackets).isZero();
        // 84-byte echo requests behind 20 + 8 + 8 + 14 bytes of outer headers, over the bottom path
        assertThat(sim.net.router("ns1").devices().byName("veth5").txBytes).isEqualTo(3 * (84 + 50));
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldDropAtNs3WhenTheVniIsNotConfigured() {
        String yaml = ExampleSim.edit(ExampleSim.text("lwt-ip-encap"), "section lwt_xmit/encap_gre ",
                "section lwt_xmit/encap_vxlan ");
        yaml = ExampleSim.edit(yaml, "      ip addr add 172.16.16.100/32 dev gre_dev\n", """
                      ip addr add 172.16.16.100/32 dev gre_dev
                      ip link add vxlan_dev type vxlan id 2 dstport 4789 local 172.16.16.100 remote 172.16.1.100
                      ip link set vxlan_dev up
                """);
        ExampleSim sim = ExampleSim.run("lwt-ip-encap", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("ns3").dropsByLabel()).containsExactlyEntriesOf(Map.of("vxlan_vni_not_found", 3L));
    }
}
