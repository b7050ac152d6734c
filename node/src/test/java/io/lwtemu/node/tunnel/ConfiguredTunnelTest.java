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
import io.lwtemu.node.seg6.Seg6;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tunnels created from iproute2 scripts through the {@link ConfigApplier} (the path a router takes), one router
 * at a time: what leaves it, what it drops and why. {@link TunnelTest} covers the kinds end to end.
 */
class ConfiguredTunnelTest {

    /** A router built from an iproute2 script, recording what leaves it. */
    static final class Box implements Egress {
        record Out(String dev, byte[] packet) {}

        final Fib fib = new Fib();
        final NetDevices devices = new NetDevices();
        final List<Out> sent = new ArrayList<>();
        final ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, this, s -> { }, () -> 0);
        final Tunnels tunnels = new Tunnels(fib, devices);

        Box(String script) {
            devices.add("eth0", 1500);
            devices.add("eth1", 1500);
            tunnels.bind(pipeline);
            new ConfigApplier(Path.of("t.conf"), fib, devices, null, tunnels, new Seg6(s -> { }))
                    .apply(new IpCommandParser(null, false).parse(script));
        }

        NetDevice dev(String name) {
            return devices.byName(name);
        }

        Outcome receive(String dev, byte[] p) {
            return pipeline.receive(dev(dev), SkBuff.of(p, 64));
        }

        List<byte[]> sentOn(String dev) {
            return sent.stream().filter(o -> o.dev().equals(dev)).map(Out::packet).toList();
        }

        @Override
        public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
            sent.add(new Out(dev.name, skb.toByteArray()));
            return true;
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

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldCreateTheTunnelAsADeviceWithTheKernelMtu() {
        Box r = new Box(BASE + """
                ip link set dev eth1 mtu 1400
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.2.254 remote 10.0.2.1
                """);
        assertThat(r.tunnels.byName("gre1").device()).isSameAs(r.dev("gre1"));
        assertThat(r.dev("gre1").isUp()).as("new links are down").isFalse();
        assertThat(r.dev("gre1").mtu()).as("the route to the remote goes out eth1: 1400 - 24").isEqualTo(1376);
        assertThat(r.dev("vx0").mtu()).as("vxlan without dev keeps 1500").isEqualTo(1500);
    }

    @Test
    void shouldEncapsulateIntoGreWithAnOutputKeyAndInheritTtl() {
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
    void shouldDecapsulateGreOnlyWithTheInputKeyAndPeer() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1 ikey 5
                ip link set dev gre1 up
                """);
        byte[] inner = PacketBuilder.ipv4("10.0.9.9", "10.0.1.1").icmpEchoRequest(1, 1, 56);
        byte[] payload = concat(Bytes.fromHex("20000800" + "00000005"), inner);
        byte[] outer = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").raw(IpProtocol.GRE, payload);
        r.receive("eth1", outer);
        assertThat(r.dev("gre1").rxPackets).isEqualTo(1);
        assertThat(r.sentOn("eth0")).hasSize(1);
        byte[] fwd = r.sentOn("eth0").get(0);
        assertThat(Arrays.copyOfRange(fwd, 20, fwd.length)).isEqualTo(Arrays.copyOfRange(inner, 20, inner.length));
        assertThat(new Ipv4Header().wrap(fwd, 0).ttl()).isEqualTo(63);

        byte[] wrongKey = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").raw(IpProtocol.GRE,
                concat(Bytes.fromHex("2000080000000006"), inner));
        assertThat(r.receive("eth1", wrongKey)).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_KEY_MISMATCH);
        byte[] wrongPeer = PacketBuilder.ipv4("10.0.2.7", "10.0.2.254").raw(IpProtocol.GRE, payload);
        assertThat(r.receive("eth1", wrongPeer)).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_NO_MATCH);
        assertThat(r.dev("gre1").rxPackets).isEqualTo(1);
        assertThat(r.sentOn("eth0")).hasSize(1);
    }

    @Test
    void shouldRateLimitThePortUnreachablesForPacketsNoTunnelTakes() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip link set dev gre1 up
                """);
        byte[] stray = PacketBuilder.ipv4("10.0.2.7", "10.0.2.254").raw(IpProtocol.GRE,
                concat(Bytes.fromHex("00000800"), ping()));
        for (int i = 0; i < 8; i++) {
            r.receive("eth1", stray.clone());
        }
        assertThat(r.pipeline.counters().drops(DropReason.TUNNEL_NO_MATCH)).isEqualTo(8);
        assertThat(r.sentOn("eth1")).as("a burst of 6, then one per second (the clock stands still)").hasSize(6);
        assertThat(r.pipeline.icmpRateLimiter().suppressed).isEqualTo(2);
    }

    @Test
    void shouldCarryIpv4OverIp6tnlOnlyInAMatchingMode() {
        Box r = new Box(BASE + """
                ip link add t6 type ip6tnl local fc00:2::fe remote fc00:2::1
                ip link set dev t6 up
                ip route add 10.0.9.0/24 dev t6
                """);
        assertThat(r.receive("eth0", ping())).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).as("default mode ip6ip6").isEqualTo(DropReason.TUNNEL_BAD_INNER);
        Box any = new Box(BASE + """
                ip link add t6 type ip6tnl local fc00:2::fe remote fc00:2::1 mode any
                ip link set dev t6 up
                ip route add 10.0.9.0/24 dev t6
                """);
        assertThat(any.receive("eth0", ping())).isEqualTo(Outcome.FORWARDED);
        byte[] out = any.sent.get(0).packet();
        Ipv6Header h = new Ipv6Header().wrap(out, 0);
        assertThat(h.hopLimit()).isEqualTo(64);
        assertThat(Ipv6Header.format(out, Ipv6Header.DST)).isEqualTo("fc00:2::1");
        assertThat(h.nextHeader()).as("encapsulation limit option first").isEqualTo(IpProtocol.DSTOPTS);
        assertThat(out[40]).isEqualTo((byte) IpProtocol.IPIP);
        assertThat(h.payloadLength()).isEqualTo(8 + 84);
    }

    @Test
    void shouldLeaveVxlanTrafficToTheHostWhileTheDeviceIsDown() {
        Box a = new Box(BASE + """
                ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.2.254 remote 10.0.2.1
                ip link set dev vx0 up
                ip route add 10.0.9.0/24 dev vx0
                """);
        a.receive("eth0", ping());
        byte[] out = a.sent.get(0).packet();
        Box down = new Box("""
                ip link set dev eth1 up
                ip addr add 10.0.2.1/24 dev eth1
                ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.2.1 remote 10.0.2.254
                """);
        assertThat(down.receive("eth1", out)).isEqualTo(Outcome.DROPPED);
        assertThat(down.pipeline.lastDropReason()).as("no socket on 4789").isEqualTo(DropReason.NO_SOCKET);
    }

    @Test
    void shouldDropInnerPacketsOfATunnelThatIsDown() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip route add 10.0.9.0/24 dev gre1
                """);
        assertThat(r.receive("eth0", ping())).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LINK_DOWN);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldDecapsulateFouIntoTheIpipTunnel() {
        Box r = new Box(BASE + """
                ip fou add port 5555 ipproto 4
                ip link add t1 type ipip remote 10.0.2.1 local 10.0.2.254
                ip link set dev t1 up
                """);
        byte[] inner = PacketBuilder.ipv4("10.0.9.9", "10.0.1.1").icmpEchoRequest(1, 1, 56);
        r.receive("eth1", PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").udp(40000, 5555, inner));
        assertThat(r.dev("t1").rxPackets).isEqualTo(1);
        assertThat(r.sentOn("eth0")).hasSize(1);
    }

    /** Peer of {@link #BASE} on the 10.0.2.0/24 link (10.0.2.1), with {@code script} added. */
    private static Box peer(String script) {
        return new Box("""
                ip link set dev eth0 up
                ip link set dev eth1 up
                ip addr add 10.0.9.254/24 dev eth0
                ip addr add 10.0.2.1/24 dev eth1
                """ + script);
    }

    @Test
    void shouldSendGreChecksumsAndSequenceNumbersWhenConfigured() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1 key 9 csum seq
                ip link set dev gre1 up
                ip route add 10.0.9.0/24 dev gre1
                """);
        r.receive("eth0", ping());
        r.receive("eth0", ping());
        assertThat(r.dev("gre1").mtu()).as("1500 - 20 - 4 - csum 4 - key 4 - seq 4").isEqualTo(1464);
        for (int i = 0; i < 2; i++) {
            byte[] out = r.sent.get(i).packet();
            GreHeader gre = new GreHeader().wrap(out, 20);
            assertThat(gre.hasChecksum()).isTrue();
            assertThat(gre.verifyChecksum(out.length - 20)).isTrue();
            assertThat(gre.key()).isEqualTo(9);
            assertThat(gre.hasSequence()).isTrue();
            assertThat(gre.sequence()).as("o_seqno counts from 0").isEqualTo(i);
            assertThat(gre.headerLength()).isEqualTo(16);
        }
        // the peer requires both (csum = icsum + ocsum, seq = iseq + oseq): it takes them, in order
        Box p = peer("""
                ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.254 key 9 icsum iseq
                ip link set dev gre1 up
                """);
        byte[] first = r.sent.get(0).packet();
        byte[] second = r.sent.get(1).packet();
        p.receive("eth1", second);
        assertThat(p.dev("gre1").rxPackets).isEqualTo(1);
        assertThat(p.receive("eth1", first)).as("sequence 0 after 1 goes backwards").isEqualTo(Outcome.DROPPED);
        assertThat(p.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_HEADER);
        assertThat(p.dev("gre1").rxPackets).isEqualTo(1);
    }

    @Test
    void shouldDropGrePacketsWithoutTheChecksumOrSequenceTheTunnelRequires() {
        Box plain = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip link set dev gre1 up
                ip route add 10.0.9.0/24 dev gre1
                """);
        plain.receive("eth0", ping());
        byte[] noFlags = plain.sent.get(0).packet();
        Box seq = peer("""
                ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.254 iseq
                ip link set dev gre1 up
                """);
        assertThat(seq.receive("eth1", noFlags.clone())).isEqualTo(Outcome.DROPPED);
        assertThat(seq.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_HEADER);
        Box csum = peer("""
                ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.254 icsum
                ip link set dev gre1 up
                """);
        assertThat(csum.receive("eth1", noFlags.clone())).isEqualTo(Outcome.DROPPED);
        assertThat(csum.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_HEADER);
        Box none = peer("""
                ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.254
                ip link set dev gre1 up
                """);
        assertThat(none.receive("eth1", noFlags.clone())).isEqualTo(Outcome.FORWARDED);
        assertThat(none.dev("gre1").rxPackets).isEqualTo(1);
    }

    @Test
    void shouldCarryGreOverFouFromTheLinkOptionsToTheFouPort() {
        Box r = new Box(BASE + """
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1 encap fou encap-sport auto encap-dport 5555
                ip link set dev gre1 up
                ip route add 10.0.9.0/24 dev gre1
                """);
        r.receive("eth0", ping());
        byte[] out = r.sent.get(0).packet();
        assertThat(new Ipv4Header().wrap(out, 0).protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(Bytes.u16(out, 22)).isEqualTo(5555);
        assertThat(Bytes.u16(out, 20)).as("auto: a per-flow port from the ephemeral range").isGreaterThanOrEqualTo(32768);
        assertThat(new GreHeader().wrap(out, 28).protocol()).isEqualTo(0x0800);
        Box p = peer("""
                ip fou add port 5555 ipproto 47
                ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.254
                ip link set dev gre1 up
                """);
        p.receive("eth1", out);
        assertThat(p.dev("gre1").rxPackets).isEqualTo(1);
        assertThat(p.sentOn("eth0")).hasSize(1);
    }

    @Test
    void shouldCarryIpipOverGueWithTheProtocolInTheGueHeader() {
        Box r = new Box(BASE + """
                ip link add t1 type ipip local 10.0.2.254 remote 10.0.2.1 encap gue encap-sport 7000 encap-dport 6666
                ip link set dev t1 up
                ip route add 10.0.9.0/24 dev t1
                """);
        r.receive("eth0", ping());
        byte[] out = r.sent.get(0).packet();
        assertThat(r.dev("t1").mtu()).as("1500 - 20 - 8 - 4").isEqualTo(1468);
        assertThat(Bytes.u16(out, 20)).isEqualTo(7000);
        assertThat(Bytes.u16(out, 22)).isEqualTo(6666);
        assertThat(Arrays.copyOfRange(out, 28, 32)).as("GUE v0, hlen 0, proto 4").containsExactly(0, 4, 0, 0);
        Box p = peer("""
                ip fou add port 6666 gue
                ip link add t1 type ipip local 10.0.2.1 remote 10.0.2.254
                ip link set dev t1 up
                """);
        p.receive("eth1", out.clone());
        assertThat(p.dev("t1").rxPackets).isEqualTo(1);
        assertThat(p.sentOn("eth0")).hasSize(1);
        Box bare = peer("""
                ip fou add port 6666 ipproto 4
                ip link add t1 type ipip local 10.0.2.1 remote 10.0.2.254
                ip link set dev t1 up
                """);
        bare.receive("eth1", out.clone());
        assertThat(bare.dev("t1").rxPackets).as("a FOU port reads the GUE header as the inner packet").isZero();
    }

    @Test
    void shouldCreateTheSameDeviceFromIpTunnelAdd() {
        Box r = new Box(BASE + """
                ip tunnel add gre_dev mode gre remote 10.0.2.1 local 10.0.2.254 ttl 255
                ip -6 tunnel add name t6 mode ip6ip6 remote fc00:2::1 local fc00:2::fe
                ip link set dev gre_dev up
                ip route add 10.0.9.0/24 dev gre_dev
                """);
        assertThat(r.tunnels.byName("gre_dev").config().kind()).isEqualTo(ConfigCommand.TunnelKind.GRE);
        assertThat(r.tunnels.byName("t6").config().mode()).isEqualTo("ip6ip6");
        r.receive("eth0", ping());
        byte[] out = r.sent.get(0).packet();
        assertThat(new Ipv4Header().wrap(out, 0).ttl()).isEqualTo(255);
        assertThat(new Ipv4Header().wrap(out, 0).protocol()).isEqualTo(IpProtocol.GRE);
    }
}
