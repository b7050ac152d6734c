package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A whole router hop of the ipip-3hop example inside one JVM (a Frame taken off the port, receive, FIB, the LWT
 * xmit program with bpf_lwt_push_encap at r1, the ipip decap at r3, transmit as a Frame) allocates nothing per
 * packet. Measured with the per-thread allocation counter, not with time, so the result does not depend on load.
 */
class RouterHopAllocationTest {
    private static final int HEADROOM = 64;

    private static final class Hop {
        final Router router;
        final Port port;
        final byte[] template;
        final byte[] buf;
        final Frame in = new Frame();
        byte[] sentBuf;
        int sentOff;
        int sentLen;
        long sent;
        long t;

        Hop(Router router, String ifname, byte[] template) {
            this.router = router;
            this.port = router.port(router.devices().byName(ifname).ifindex);
            this.template = template;
            this.buf = new byte[HEADROOM + template.length + 64];
            router.setFrameTransport((to, p, f) -> {
                sentBuf = f.buf;
                sentOff = f.off;
                sentLen = f.len;
                sent++;
            });
            t = router.now() + 2_000_000; // a stamp is departure + link delay (1 ms), never earlier
        }

        void run() {
            System.arraycopy(template, 0, buf, HEADROOM, template.length);
            t += 20_000;
            in.buf = buf;
            in.off = HEADROOM;
            in.len = template.length;
            in.id = 1;
            in.flow = 0;
            in.hops = 1;
            in.arriveAtNs = t;
            in.ingressIfindex = port.device.ifindex;
            port.arrive(in);
            router.runUntil(t + 10_000); // the receiving port adds the link's serialisation (1 Gbit/s) to the stamp
        }

        byte[] sentBytes() {
            return Arrays.copyOfRange(sentBuf, sentOff, sentOff + sentLen);
        }
    }

    @Test
    void shouldEncapsulateForwardAndDecapsulateWithoutAllocatingPerPacket() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());

        Network net = TopologyBuilder.build(TopologyLoader.load(Path.of("../topology-examples/ipip-3hop/topology.yaml")),
                line -> { });
        byte[] inner = PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").udp(4000, 5000, new byte[36]);
        Hop r1 = new Hop(net.router("r1"), "eth0", inner);
        r1.run();
        byte[] outer = r1.sentBytes();
        Hop r2 = new Hop(net.router("r2"), "eth0", outer);
        r2.run();
        Hop r3 = new Hop(net.router("r3"), "eth0", r2.sentBytes());
        r3.run();
        assertThat(outer).hasSize(inner.length + 20);
        assertThat(r3.sentLen).isEqualTo(inner.length);

        Hop[] hops = {r1, r2, r3};
        for (int i = 0; i < 20_000; i++) {
            for (Hop h : hops) {
                h.run();
            }
        }
        long before = tmx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 10_000; i++) {
            for (Hop h : hops) {
                h.run();
            }
        }
        long allocated = tmx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        for (Hop h : hops) {
            assertThat(h.sent).as(h.router.name + " sent").isEqualTo(30_001);
        }
        // Slack for the measurement itself; one 16-byte object per hop would be 480 KB.
        assertThat(allocated).as("bytes allocated for 30k hops").isLessThan(16_384);
    }
}
