package io.lwtemu.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigApplier;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.GreHeader;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.UdpHeader;
import io.lwtemu.node.packet.VxlanHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TunnelStackTest {

    /** A router built from an iproute2 script, recording what leaves and what is queued for re-receive. */
    static final class Box implements Egress {
        record Out(String dev, byte[] packet) {}

        final Fib fib = new Fib();
        final NetDevices devices = new NetDevices();
        final List<Out> sent = new ArrayList<>();
        final List<Out> requeued = new ArrayList<>();
        final ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, this, s -> { }, () -> 0);
        final TunnelStack tunnels = new TunnelStack(pipeline, devices, fib, this);

        Box(String script) {
            devices.add("eth0", 1500);
            devices.add("eth1", 1500);
            ConfigApplier applier = new ConfigApplier(Path.of("t.conf"), fib, devices, null);
            List<ConfigCommand> cmds = new IpCommandParser(null, false).parse(script);
            applier.apply(cmds);
            applier.tunnels().forEach(tunnels::add);
            applier.fous().forEach(tunnels::addFou);
        }

        NetDevice dev(String name) {
            return devices.byName(name);
        }

        Outcome receive(String dev, byte[] p) {
            return pipeline.receive(dev(dev), SkBuff.of(p, 64));
        }

        @Override
        public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
            sent.add(new Out(dev.name, skb.toByteArray()));
            return true;
        }

        @Override
        public void receiveLater(NetDevice dev, SkBuff skb) {
            requeued.add(new Out(dev.name, skb.toByteArray()));
        }
    }

    private static final String BASE = """
            ip link set dev eth0 up
            ip link set dev eth1 up
            ip addr add 10.0.1.254/24 dev eth0
            ip addr add 10.0.2.254/24 dev eth1
            ip -6 addr add fc00:2::fe/64 dev eth1
            """;

    private static byte[] ping() {
        return PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 56);
    }

    @Test
    void shouldEncapsulateIntoGreWithKeyAndInheritTtl() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1 okey 5
                ip link set dev gre1 up
                ip route add 10.0.9.0/24 dev gre1
                """);
        assertThat(r.receive("eth0", ping())).isEqualTo(Outcome.FORWARDED);
        assertThat(r.sent).hasSize(1);
        byte[] out = r.sent.get(0).packet();
        assertThat(r.sent.get(0).dev()).isEqualTo("eth1");
        Ipv4Header outer = new Ipv4Header().wrap(out, 0);
        assertThat(outer.protocol()).isEqualTo(IpProtocol.GRE);
        assertThat(Ipv4Header.format(outer.src())).isEqualTo("10.0.2.254");
        assertThat(Ipv4Header.format(outer.dst())).isEqualTo("10.0.2.1");
        assertThat(outer.ttl()).isEqualTo(63);
        assertThat(outer.dontFragment()).isTrue();
        assertThat(outer.verifyChecksum()).isTrue();
        assertThat(outer.totalLength()).isEqualTo(out.length);
        GreHeader gre = new GreHeader().wrap(out, 20);
        assertThat(gre.hasKey()).isTrue();
        assertThat(gre.key()).isEqualTo(5);
        assertThat(gre.protocol()).isEqualTo(0x0800);
        assertThat(new Ipv4Header().wrap(out, 28).ttl()).isEqualTo(63);
        assertThat(r.dev("gre1").txPackets).isEqualTo(1);
    }

    @Test
    void shouldDecapsulateGreOnlyWithTheMatchingKey() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1 ikey 5
                ip link set dev gre1 up
                """);
        byte[] inner = ping();
        byte[] greHdr = Bytes.fromHex("20000800" + "00000005");
        byte[] payload = concat(greHdr, inner);
        byte[] outer = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").raw(IpProtocol.GRE, payload);
        assertThat(r.receive("eth1", outer)).isEqualTo(Outcome.DELIVERED);
        assertThat(r.requeued).hasSize(1);
        assertThat(r.requeued.get(0).dev()).isEqualTo("gre1");
        assertThat(r.requeued.get(0).packet()).isEqualTo(inner);

        byte[] wrongKey = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").raw(IpProtocol.GRE,
                concat(Bytes.fromHex("2000080000000006"), inner));
        assertThat(r.receive("eth1", wrongKey)).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.UNHANDLED_PROTO);
        byte[] wrongPeer = PacketBuilder.ipv4("10.0.2.7", "10.0.2.254").raw(IpProtocol.GRE, payload);
        assertThat(r.receive("eth1", wrongPeer)).isEqualTo(Outcome.DROPPED);
        assertThat(r.requeued).hasSize(1);
    }

    @Test
    void shouldRoundTripIpipBetweenTwoRouters() {
        Box a = new Box(BASE + """
                ip link add t1 type ipip local 10.0.2.254 remote 10.0.2.1
                ip link set dev t1 up
                ip route add 10.0.9.0/24 dev t1
                """);
        Box b = new Box("""
                ip link set dev eth1 up
                ip addr add 10.0.2.1/24 dev eth1
                ip link add t1 type ipip local 10.0.2.1 remote 10.0.2.254
                ip link set dev t1 up
                """);
        a.receive("eth0", ping());
        byte[] outer = a.sent.get(0).packet();
        assertThat(new Ipv4Header().wrap(outer, 0).protocol()).isEqualTo(IpProtocol.IPIP);
        assertThat(b.receive("eth1", outer)).isEqualTo(Outcome.DELIVERED);
        byte[] inner = b.requeued.get(0).packet();
        assertThat(Arrays.copyOfRange(outer, 20, outer.length)).isEqualTo(inner);
        assertThat(Ipv4Header.format(new Ipv4Header().wrap(inner, 0).dst())).isEqualTo("10.0.9.9");
    }

    @Test
    void shouldCarryIpv4OverIp6tnlOnlyInAMatchingMode() {
        Box r = new Box(BASE + """
                ip link add t6 type ip6tnl local fc00:2::fe remote fc00:2::1
                ip link set dev t6 up
                ip route add 10.0.9.0/24 dev t6
                """);
        r.receive("eth0", ping());
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_ENCAP);
        Box any = new Box(BASE + """
                ip link add t6 type ip6tnl local fc00:2::fe remote fc00:2::1 mode any
                ip link set dev t6 up
                ip route add 10.0.9.0/24 dev t6
                """);
        assertThat(any.receive("eth0", ping())).isEqualTo(Outcome.FORWARDED);
        byte[] out = any.sent.get(0).packet();
        Ipv6Header h = new Ipv6Header().wrap(out, 0);
        assertThat(h.nextHeader()).isEqualTo(IpProtocol.IPIP);
        assertThat(h.hopLimit()).isEqualTo(64);
        assertThat(h.payloadLength()).isEqualTo(84);
        assertThat(Ipv6Header.format(out, 24)).isEqualTo("fc00:2::1");
    }

    @Test
    void shouldEncapsulateAndDecapsulateVxlan() {
        Box a = new Box(BASE + """
                ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.2.254 remote 10.0.2.1
                ip link set dev vx0 up
                ip route add 10.0.9.0/24 dev vx0
                """);
        a.receive("eth0", ping());
        byte[] out = a.sent.get(0).packet();
        UdpHeader udp = new UdpHeader().wrap(out, 20);
        assertThat(udp.dstPort()).isEqualTo(4789);
        assertThat(udp.srcPort()).isBetween(32768, 60999);
        assertThat(udp.length()).isEqualTo(out.length - 20);
        assertThat(new VxlanHeader().wrap(out, 28).vni()).isEqualTo(1);
        assertThat(Bytes.u16(out, 36 + 12)).isEqualTo(0x0800);

        Box b = new Box("""
                ip link set dev eth1 up
                ip addr add 10.0.2.1/24 dev eth1
                ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.2.1 remote 10.0.2.254
                ip link set dev vx0 up
                """);
        assertThat(b.receive("eth1", out)).isEqualTo(Outcome.DELIVERED);
        assertThat(b.requeued.get(0).packet()).isEqualTo(Arrays.copyOfRange(out, 50, out.length));
        Box otherVni = new Box("""
                ip link set dev eth1 up
                ip addr add 10.0.2.1/24 dev eth1
                ip link add vx0 type vxlan id 2 dstport 4789 local 10.0.2.1 remote 10.0.2.254
                """);
        assertThat(otherVni.receive("eth1", out)).isEqualTo(Outcome.DROPPED);
        assertThat(otherVni.pipeline.lastDropReason()).isEqualTo(DropReason.NO_SOCKET);
    }

    @Test
    void shouldDecapsulateFouIntoTheIpipTunnel() {
        Box r = new Box(BASE + """
                ip fou add port 5555 ipproto 4
                ip link add t1 type ipip remote 10.0.2.1 local 10.0.2.254
                ip link set dev t1 up
                """);
        byte[] inner = ping();
        byte[] outer = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").udp(40000, 5555, inner);
        assertThat(r.receive("eth1", outer)).isEqualTo(Outcome.DELIVERED);
        assertThat(r.requeued.get(0).dev()).isEqualTo("t1");
        assertThat(r.requeued.get(0).packet()).isEqualTo(inner);
    }

    @Test
    void shouldDropInnerPacketsOfATunnelThatIsDown() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip route add 10.0.9.0/24 dev gre1
                """);
        r.receive("eth0", ping());
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LINK_DOWN);
        assertThat(r.sent).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
