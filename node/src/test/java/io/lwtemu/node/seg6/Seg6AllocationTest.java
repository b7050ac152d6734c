package io.lwtemu.node.seg6;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.Srh;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** seg6 encap on input and seg6local End.X are on the fast path: no allocation per packet. */
class Seg6AllocationTest {
    private final Fib fib = new Fib();
    private final NetDevices devices = new NetDevices();
    private final long[] sent = new long[1];
    private final Egress egress = (dev, skb, route) -> {
        sent[0]++;
        return true;
    };
    private final ForwardingPipeline p = new ForwardingPipeline(fib, devices, egress, s -> { }, () -> 0);
    private final Seg6 seg6 = new Seg6(s -> { });

    private void route(String line) {
        ConfigCommand.RouteCmd r = (ConfigCommand.RouteCmd) new IpCommandParser(null, false).parseLine(line, 1);
        fib.addRoute(r.toRoute(r.encap() == null ? null : seg6.stateFor(r.encap(), null)));
    }

    private NetDevice setUp() {
        NetDevice in = devices.add("eth0", 1500);
        NetDevice out = devices.add("eth1", 1500);
        in.setUp(true);
        out.setUp(true);
        devices.addAddress(fib, "eth0", IpAddress.parse("10.0.1.1"), 24);
        devices.addAddress(fib, "eth0", IpAddress.parse("fd00:12::2"), 64);
        devices.addAddress(fib, "eth1", IpAddress.parse("fd00:23::2"), 64);
        route("ip route add fc00:3::/64 via fd00:23::3 dev eth1");
        return in;
    }

    private static long allocatedBytes(Runnable tenThousand) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(tmx.isThreadAllocatedMemorySupported());
        for (int i = 0; i < 5; i++) {
            tenThousand.run();
        }
        long before = tmx.getThreadAllocatedBytes(Thread.currentThread().getId());
        tenThousand.run();
        tenThousand.run();
        return tmx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }

    private void resend(NetDevice in, SkBuff skb, byte[] packet, int times) {
        for (int i = 0; i < times; i++) {
            System.arraycopy(packet, 0, skb.head, 128, packet.length);
            skb.data = 128;
            skb.len = packet.length;
            p.receive(in, skb);
        }
    }

    @Test
    void shouldEncapsulateOnInputWithoutAllocating() {
        NetDevice in = setUp();
        route("ip route add 10.0.3.0/24 encap seg6 mode encap segs fc00:3::1,fc00:3::2 dev eth1");
        byte[] packet = PacketBuilder.ipv4("10.0.1.5", "10.0.3.7").udp(1, 2, new byte[64]);
        SkBuff skb = SkBuff.of(packet, 128);
        long allocated = allocatedBytes(() -> resend(in, skb, packet, 10_000));
        assertThat(sent[0]).isEqualTo(70_000);
        // Under one byte per packet (20k measured): one object per packet would be >= 320 KB.
        assertThat(allocated).isLessThan(20_000);
    }

    @Test
    void shouldRunEndXWithoutAllocating() {
        NetDevice in = setUp();
        route("ip route add fc00:2::e/128 encap seg6local action End.X nh6 fd00:23::3 dev eth0");
        byte[] inner = PacketBuilder.ipv4("10.0.1.5", "10.0.3.7").udp(1, 2, new byte[64]);
        byte[] packet = new byte[80 + inner.length];
        new Ipv6Header().wrap(packet, 0).versionClassFlow(0, 0).payloadLength(40 + inner.length)
                .nextHeader(IpProtocol.ROUTING).hopLimit(64).src(Ipv6Header.parse("fd00:12::1"))
                .dst(Ipv6Header.parse("fc00:2::e"));
        Srh.write(packet, 40, IpProtocol.IPIP,
                new byte[][] {Ipv6Header.parse("fc00:2::e"), Ipv6Header.parse("fc00:3::d4")});
        System.arraycopy(inner, 0, packet, 80, inner.length);
        SkBuff skb = SkBuff.of(packet, 128);
        long allocated = allocatedBytes(() -> resend(in, skb, packet, 10_000));
        assertThat(sent[0]).isEqualTo(70_000);
        // Under one byte per packet (20k measured): one object per packet would be >= 320 KB.
        assertThat(allocated).isLessThan(20_000);
    }
}
