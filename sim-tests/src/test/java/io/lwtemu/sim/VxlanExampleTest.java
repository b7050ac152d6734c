package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.ObjectRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** topology-examples/vxlan: an LWT xmit program steers site A's traffic into a VXLAN overlay (VNI 100, UDP 4789). */
class VxlanExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String STEER = " encap bpf xmit obj overlay_steer.o section lwt_xmit/steer dev eth1";

    @Test
    void shouldCarryTheSitesTrafficThroughTheOverlay() {
        ExampleSim sim = ExampleSim.run("vxlan", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.flows.get("tenant-udp").delivered).isEqualTo(1000);
        assertThat(rep.totals.droppedTotal()).isZero();
        // every packet to site B went through vx0 (the redirect target), none plainly out of eth1's route
        assertThat(rep.interfaces.get("leafB:vx0").delivered + rep.interfaces.get("hB:eth0").delivered)
                .isEqualTo(1003);
        assertThat(rep.interfaces.get("core:eth1").sent).as("requests and UDP over the underlay").isEqualTo(1003);
        assertThat(rep.interfaces.get("core:eth0").sent).as("echo replies in vx0").isEqualTo(3);
    }

    @Test
    void shouldCountPacketsAndBytesPerDestinationInTheProgramsMap() {
        ExampleSim sim = ExampleSim.run("vxlan", RUN_NS);
        sim.report();

        BpfMap stats = ObjectRegistry.of(sim.net.router("leafA")).get(0).object().maps().get("overlay_stats");
        byte[] key = {10, 2, 0, 2}; // daddr as it sits in the packet (network order)
        ByteBuffer v = ByteBuffer.wrap(stats.lookup(key)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(v.getLong(0)).as("packets").isEqualTo(1003);
        assertThat(v.getLong(8)).as("bytes: 1000 x 1000-byte UDP + 3 x 84-byte echo").isEqualTo(1_000_000 + 3 * 84);
    }

    @Test
    void shouldDeliverTheInnerPacketWithItsBytesUnchangedButTheTtl() {
        String yaml = ExampleSim.edit(ExampleSim.text("vxlan"),
                "    - {name: tenant-udp, from: hA, to: 10.2.0.2, proto: udp, dport: 5000, size: 1000, rate: 1000pps, count: 1000}\n",
                "    - {name: tenant-udp, from: hA, to: 10.2.0.2, proto: udp, dport: 5000, size: 200, rate: 1000pps, count: 1}\n");
        ExampleSim sim = ExampleSim.run("vxlan", yaml, RUN_NS);
        sim.report();
        // 200-byte IP packet: at the core it is 200 + 14 (Ethernet) + 8 (VXLAN) + 8 (UDP) + 20 (IPv4) = 250 bytes
        assertThat(sim.net.router("core").devices().byName("eth1").txBytes).isEqualTo(250 + 3 * (84 + 50));
    }

    @Test
    void shouldDieAtTheCoreWithoutTheSteeringProgram() {
        String yaml = ExampleSim.edit(ExampleSim.text("vxlan"), "ip route add 10.2.0.0/24" + STEER,
                "ip route add 10.2.0.0/24 via 192.0.2.2 dev eth1");
        ExampleSim sim = ExampleSim.run("vxlan", yaml, RUN_NS);
        RunReport rep = sim.report();

        // the core cannot route its Net Unreachable back to site A either: ping sees only loss
        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        // every packet to site B dies at the core, counted once: like Linux, the core does not even build the Net
        // Unreachables it cannot route back (before, each of them was counted as a second no_route drop)
        assertThat(rep.routers.get("core").dropsByLabel()).containsExactlyEntriesOf(Map.of("no_route", 1003L));
        assertThat(rep.interfaces.get("core:eth1").sent).isZero();
        assertThat(rep.interfaces.get("hB:eth0").delivered).isZero();
        assertThat(rep.flows.get("tenant-udp").delivered).isZero();
    }

    @Test
    void shouldDropAtLeafBWhenTheVniDiffers() {
        String yaml = ExampleSim.edit(ExampleSim.text("vxlan"),
                "ip link add vx0 type vxlan id 100 dstport 4789 local 198.51.100.2",
                "ip link add vx0 type vxlan id 200 dstport 4789 local 198.51.100.2");
        ExampleSim sim = ExampleSim.run("vxlan", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("leafB").dropsByLabel()).containsExactlyEntriesOf(Map.of("vxlan_vni_not_found", 1003L));
    }
}
