package io.lwtemu.node.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.packet.PacketBuilder;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The forwarding fast path (validate, lookup, LWT in/out/xmit, TTL, transmit) must not allocate per packet.
 * Measured with the per-thread allocation counter, not with time, so the result does not depend on load.
 */
class HotPathAllocationTest {

    @Test
    void shouldForwardThroughAllHooksWithoutAllocating() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());

        Fib fib = new Fib();
        NetDevices devices = new NetDevices();
        NetDevice in = devices.add("eth0", 1500);
        NetDevice out = devices.add("eth1", 1500);
        in.setUp(true);
        out.setUp(true);
        devices.addAddress(fib, "eth0", IpAddress.parse("10.0.1.254"), 24);
        devices.addAddress(fib, "eth1", IpAddress.parse("10.0.2.254"), 24);
        LwtProgram ok = (skb, ctx) -> ctx.verdict.ret(LwtVerdict.BPF_OK);
        fib.addRoute(Route.builder(Prefix.parse("10.0.9.0/24", null)).via(IpAddress.parse("10.0.2.1")).dev("eth1")
                .encap(new BpfLwt(ok, "i", ok, "o", ok, "x", 16)).build());
        long[] forwarded = new long[1];
        Egress egress = (dev, skb, route) -> {
            forwarded[0]++;
            return true;
        };
        ForwardingPipeline p = new ForwardingPipeline(fib, devices, egress, s -> { }, () -> 0);
        byte[] packet = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 56);
        SkBuff skb = SkBuff.of(packet, 64);

        for (int i = 0; i < 20_000; i++) {
            resend(p, in, skb, packet);
        }
        long before = tmx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 10_000; i++) {
            resend(p, in, skb, packet);
        }
        long allocated = tmx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(forwarded[0]).isEqualTo(30_000);
        // A few hundred bytes of slack for the measurement itself; one allocation per packet would be >= 160 KB.
        assertThat(allocated).as("bytes allocated for 10k packets").isLessThan(8_192);
    }

    private static void resend(ForwardingPipeline p, NetDevice in, SkBuff skb, byte[] packet) {
        System.arraycopy(packet, 0, skb.head, 64, packet.length);
        skb.data = 64;
        skb.len = packet.length;
        p.receive(in, skb);
    }
}
