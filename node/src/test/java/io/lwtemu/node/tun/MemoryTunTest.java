package io.lwtemu.node.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tun-ipip example with in-memory TUN devices (no privileges): what the host side sends into r1:eth0 crosses
 * the BPF tunnel and comes out of r3:eth1's device; what r1 answers goes back into r1's device.
 */
class MemoryTunTest {
    static final Path EXAMPLE = Path.of("../topology-examples/tun-ipip/topology.yaml");

    static Topology example() throws IOException {
        // Without the example's capture, which would write next to it.
        String text = Files.readString(EXAMPLE);
        return TopologyLoader.parse(EXAMPLE, text.substring(0, text.indexOf("capture:")));
    }

    @Test
    void shouldCarryHostPacketsThroughTheEmulatedTunnelToTheOtherDevice() throws Exception {
        Topology t = example();
        Network net = TopologyBuilder.build(t, s -> { });
        try (TunAttachments tuns = TunAttachments.attach(net, t, TunAttachments.Mode.MEMORY, s -> { })) {
            MemoryTunDevice h1 = tuns.memoryDevice("r1", "eth0");
            MemoryTunDevice h2 = tuns.memoryDevice("r3", "eth1");
            byte[] udp = PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").udp(40000, 5000, new byte[100]);
            byte[] ping = PacketBuilder.ipv4("10.0.1.2", "10.0.1.1").icmpEchoRequest(7, 1, 56);
            assertThat(h1.hostSend(udp)).isTrue();
            assertThat(h1.hostSend(ping)).isTrue();
            WallClockPacer pacer = new WallClockPacer(net, tuns.attachments(), net::runUntil);
            Thread run = new Thread(() -> pacer.run(Long.MAX_VALUE / 4));
            run.start();
            byte[] out = h2.hostReceive(30_000);
            byte[] reply = h1.hostReceive(30_000);
            pacer.stop();
            run.join();

            // The inner packet, decapsulated by r3, two routers (r1, r3) decremented its TTL; r2 saw only IPIP.
            assertThat(out).isNotNull().hasSize(udp.length);
            assertThat(out[8] & 0xff).isEqualTo((udp[8] & 0xff) - 2);
            assertThat(java.util.Arrays.copyOfRange(out, 20, out.length))
                    .isEqualTo(java.util.Arrays.copyOfRange(udp, 20, udp.length));
            // r1 answers the echo request to its own address back into the device it came from.
            assertThat(reply).isNotNull();
            assertThat(reply[20]).isEqualTo((byte) 0); // echo reply
            assertThat(reply[9]).isEqualTo((byte) 1);

            RunReport rep = RunReport.of(net);
            rep.check();
            // Two packets from the host plus r1's echo reply; all delivered: to h2's device, answered, to h1's.
            assertThat(rep.flows.get("tun:r1:eth0").sent).isEqualTo(3);
            assertThat(rep.flows.get("tun:r1:eth0").delivered).isEqualTo(3);
            assertThat(rep.interfaces.get("r3:eth1").sent).isEqualTo(1);
            assertThat(pacer.rounds()).isPositive();
        }
    }

    @Test
    void shouldCountARefusedWriteAsADrop() throws Exception {
        Topology t = example();
        Network net = TopologyBuilder.build(t, s -> { });
        try (TunAttachments tuns = TunAttachments.attach(net, t, TunAttachments.Mode.MEMORY, s -> { })) {
            MemoryTunDevice h2 = tuns.memoryDevice("r3", "eth1");
            h2.close(); // the host side is gone: writes are refused
            io.lwtemu.node.net.Router r1 = net.router("r1");
            int flow = net.registerFlow("probe");
            for (int i = 0; i < 3; i++) {
                r1.originate(PacketBuilder.ipv4("10.0.12.1", "10.0.3.2").udp(1, 2, new byte[10]), flow);
            }
            net.runUntil(50_000_000);
            RunReport rep = RunReport.of(net);
            rep.check();
            assertThat(rep.flows.get("probe").delivered).isZero();
            assertThat(rep.flows.get("probe").droppedTotal()).isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseATunInterfaceThatIsAlsoLinked() throws IOException {
        String text = Files.readString(EXAMPLE).replace("links:\n", "links:\n  - {a: r1:eth0, b: r2:eth9}\n")
                .replace("  r2:\n    interfaces:\n", "  r2:\n    interfaces:\n      eth9: {}\n");
        assertThatThrownBy(() -> TopologyLoader.parse(EXAMPLE, text)).isInstanceOf(TopologyException.class)
                .hasMessageContaining("interface r1:eth0 is backed by a TUN device (line")
                .hasMessageContaining("and cannot also be linked");
    }

    @Test
    void shouldRefuseUnknownTunKeysNamingTheLine() throws IOException {
        String text = Files.readString(EXAMPLE).replace("netns: h1,", "netns: h1, colour: red,");
        assertThatThrownBy(() -> TopologyLoader.parse(EXAMPLE, text)).isInstanceOf(TopologyException.class)
                .hasMessageMatching(".*topology.yaml:\\d+:\\d+: unknown key 'colour' in 'tun', expected one of .*");
    }

    @Test
    void shouldReadTheHostSideOfTheTopology() throws IOException {
        Topology t = example();
        Topology.TunSpec s = t.nodes().get("r1").interfaces().get("eth0").tun();
        assertThat(s.device()).isEqualTo("lwt0");
        assertThat(s.netns()).isEqualTo("h1");
        assertThat(s.addresses()).containsExactly("10.0.1.2/24");
        assertThat(s.routes()).containsExactly("default via 10.0.1.1");
        assertThat(s.up()).isTrue();
        assertThat(TunAttachments.any(t)).isTrue();
        // The emulated side comes up with the device although it has no link.
        Network net = TopologyBuilder.build(t, x -> { });
        assertThat(net.router("r1").devices().byName("eth0").isUp()).isTrue();
    }
}
