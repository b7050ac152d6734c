package io.lwtemu.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.packet.PacketBuilder;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encapsulation is on the forwarding fast path: routing a packet into a tunnel, pushing the outer headers and
 * routing the outer packet must not allocate once the skb has headroom. Measured with the per-thread allocation
 * counter, not with time.
 */
class TunnelAllocationTest {

    @ParameterizedTest
    @ValueSource(strings = {"type gre local 10.0.12.1 remote 10.0.12.2 key 7",
            "type vxlan id 42 dstport 4789 local 10.0.12.1 remote 10.0.12.2",
            "type ip6tnl mode ipip6 local fd00:12::1 remote fd00:12::2"})
    void shouldEncapsulateWithoutAllocating(String spec) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());

        Fib fib = new Fib();
        NetDevices devices = new NetDevices();
        NetDevice lan = devices.add("lan", 1500);
        NetDevice eth0 = devices.add("eth0", 1500);
        lan.setUp(true);
        eth0.setUp(true);
        devices.addAddress(fib, "lan", IpAddress.parse("10.0.1.1"), 24);
        devices.addAddress(fib, "eth0", IpAddress.parse("10.0.12.1"), 24);
        devices.addAddress(fib, "eth0", IpAddress.parse("fd00:12::1"), 64);
        long[] sent = new long[1];
        Egress egress = (dev, skb, route) -> {
            sent[0]++;
            return true;
        };
        ForwardingPipeline p = new ForwardingPipeline(fib, devices, egress, s -> { }, () -> 0);
        Tunnels tunnels = new Tunnels(fib, devices);
        tunnels.bind(p);
        ConfigCommand.TunnelAdd add = (ConfigCommand.TunnelAdd) new IpCommandParser(null, false)
                .parseLine("ip link add t1 " + spec, 1);
        tunnels.apply(add).device().setUp(true);
        fib.addRoute(Route.builder(Prefix.parse("10.0.2.0/24", null)).dev("t1").build());
        byte[] packet = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").udp(1234, 5678, new byte[64]);
        SkBuff skb = SkBuff.of(packet, 128);

        for (int i = 0; i < 50_000; i++) {
            resend(p, lan, skb, packet);
        }
        long before = tmx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 20_000; i++) {
            resend(p, lan, skb, packet);
        }
        long allocated = tmx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(sent[0]).isEqualTo(70_000);
        assertThat(eth0.txPackets).isEqualTo(70_000);
        // Under one byte per packet: slack for JIT transitions on a loaded machine; one object per packet would
        // be >= 320 KB.
        assertThat(allocated).as("bytes allocated for 20k encapsulations").isLessThan(20_000);
    }

    private static void resend(ForwardingPipeline p, NetDevice in, SkBuff skb, byte[] packet) {
        System.arraycopy(packet, 0, skb.head, 128, packet.length);
        skb.data = 128;
        skb.len = packet.length;
        p.receive(in, skb);
    }
}
