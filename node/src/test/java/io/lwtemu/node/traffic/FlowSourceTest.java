package io.lwtemu.node.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.forward.PacketTap;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Packets of a constant-rate flow: what leaves the node, and what making them costs. */
class FlowSourceTest {

    @Test
    void shouldSendTemplateCopiesWithAdvancingIdAndValidChecksum() throws IOException {
        Topology t = PcapReplayTest.exampleWithFlow(
                "{name: f, from: h1, to: 10.0.3.2, proto: udp, sport: 4000, dport: 5000, size: 100, rate: 10kpps, "
                        + "count: 70000}");
        Network net = TopologyBuilder.build(t, s -> { });
        int flow = Traffic.install(net, t, Long.MAX_VALUE, s -> { }).flows().get(0).flowId;
        List<byte[]> seen = new ArrayList<>();
        net.router("h1").pipeline().setTap((point, dev, skb) -> {
            if (point == PacketTap.Point.AFTER_XMIT) {
                seen.add(skb.toByteArray());
            }
        });
        net.runUntil(7_100_000_000L);

        assertThat(seen).hasSize(70_000);
        Ipv4Header ip = new Ipv4Header();
        for (int i = 0; i < seen.size(); i++) {
            byte[] p = seen.get(i);
            ip.wrap(p, 0);
            assertThat(ip.id()).as("id of packet %d", i).isEqualTo(i & 0xffff); // wraps after 65535
            assertThat(ip.verifyChecksum()).as("checksum of packet %d", i).isTrue();
            assertThat(p).hasSize(100);
        }
        // Everything but id and checksum is the template's.
        byte[] first = seen.get(0);
        byte[] later = seen.get(12_345);
        for (int b = 0; b < first.length; b++) {
            if (b < Ipv4Header.ID || b >= Ipv4Header.ID + 2 && (b < Ipv4Header.CHECKSUM || b >= Ipv4Header.CHECKSUM + 2)) {
                assertThat(later[b]).as("byte %d", b).isEqualTo(first[b]);
            }
        }
        assertThat(net.router("h2").flows().delivered(flow)).isEqualTo(70_000);
    }

    @Test
    void shouldAllocateOnlyThePacketBufferPerPacket() throws IOException {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());
        Topology t = PcapReplayTest.exampleWithFlow(
                "{name: f, from: h1, to: 10.0.3.2, proto: udp, dport: 5000, size: 64, rate: 1Mpps, count: 300000}");
        Network net = TopologyBuilder.build(t, s -> { });
        int flow = Traffic.install(net, t, Long.MAX_VALUE, s -> { }).flows().get(0).flowId;
        Router h1 = net.router("h1");
        h1.setFrameTransport((to, port, f) -> { }); // the link's far end drops them: only h1's own work counts
        h1.runUntil(100_000_000L);
        long before = tmx.getThreadAllocatedBytes(Thread.currentThread().getId());
        h1.runUntil(200_000_000L);
        long allocated = tmx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        // 100k packets; the buffer is 16 bytes of array header + 64 headroom + 64 packet = 144 bytes.
        assertThat(h1.flows().sent(flow)).isEqualTo(200_000);
        assertThat(allocated / 100_000).as("bytes per originated packet").isLessThanOrEqualTo(144);
    }
}
