package io.lwtemu.node.seg6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigApplier;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.Srh;
import io.lwtemu.node.tunnel.Tunnels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SRv6 routes configured through the {@link ConfigApplier} (the path a router takes), one router at a time: seg6
 * encap at the head end, End in the middle, End.DX4 at the tail, inline SRH insertion, and End.BPF programs the
 * encap loader opens. {@link Seg6Test} covers the actions in depth.
 */
class ConfiguredSeg6Test {

    static final class Box implements Egress {
        final Fib fib = new Fib();
        final NetDevices devices = new NetDevices();
        final List<byte[]> sent = new ArrayList<>();
        final List<String> sentDev = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        final ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, this, log::add, () -> 0);

        Box(String script) {
            this(script, null);
        }

        Box(String script, ConfigApplier.EncapLoader loader) {
            devices.add("eth0", 1500);
            devices.add("eth1", 1500);
            new ConfigApplier(Path.of("r.conf"), fib, devices, loader, new Tunnels(fib, devices), new Seg6(log::add))
                    .apply(new IpCommandParser(null, false).parse("""
                            ip link set dev eth0 up
                            ip link set dev eth1 up
                            """ + script));
        }

        Outcome receive(String dev, byte[] p) {
            return pipeline.receive(devices.byName(dev), SkBuff.of(p, 16));
        }

        byte[] only() {
            assertThat(sent).hasSize(1);
            return sent.get(0);
        }

        @Override
        public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
            sent.add(skb.toByteArray());
            sentDev.add(dev.name);
            return true;
        }
    }

    private static final byte[] PING = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 56);

    @Test
    void shouldCarryIpv4ThroughAnSrv6PathAndDecapsulateAtTheTail() {
        Box head = new Box("""
                ip addr add 10.0.1.254/24 dev eth0
                ip -6 addr add fc00:12::1/64 dev eth1
                ip -6 route add fc00:2::/64 via fc00:12::2 dev eth1
                ip route add 10.0.9.0/24 encap seg6 mode encap segs fc00:2::2,fc00:3::3 dev eth1
                """);
        assertThat(head.fib.main().routes(io.lwtemu.node.fib.Family.INET)).extracting(r -> r.encap)
                .anySatisfy(e -> assertThat(e).isInstanceOf(Seg6Encap.class));
        assertThat(head.receive("eth0", PING)).isEqualTo(Outcome.FORWARDED);
        byte[] p1 = head.only();
        Ipv6Header o = new Ipv6Header().wrap(p1, 0);
        assertThat(o.nextHeader()).isEqualTo(IpProtocol.ROUTING);
        assertThat(Ipv6Header.format(p1, Ipv6Header.DST)).isEqualTo("fc00:2::2");
        assertThat(Ipv6Header.format(p1, Ipv6Header.SRC)).as("the route device's address").isEqualTo("fc00:12::1");
        assertThat(o.hopLimit()).as("outer hop limit 64, decremented once by the head end").isEqualTo(63);
        Srh srh = new Srh().wrap(p1, 40);
        assertThat(srh.nextHeader()).isEqualTo(IpProtocol.IPIP);
        assertThat(srh.segmentsLeft()).isEqualTo(1);
        assertThat(srh.isValid(srh.length())).isTrue();
        assertThat(Arrays.copyOfRange(p1, 40 + srh.length(), p1.length)).as("inner untouched").isEqualTo(PING);
        assertThat(o.payloadLength()).isEqualTo(p1.length - 40);

        Box mid = new Box("""
                ip -6 addr add fc00:12::2/64 dev eth0
                ip -6 addr add fc00:23::1/64 dev eth1
                ip -6 route add fc00:3::/64 via fc00:23::2 dev eth1
                ip -6 route add fc00:2::2/128 encap seg6local action End dev eth0
                """);
        assertThat(mid.receive("eth0", p1)).isEqualTo(Outcome.FORWARDED);
        byte[] p2 = mid.only();
        assertThat(Ipv6Header.format(p2, Ipv6Header.DST)).isEqualTo("fc00:3::3");
        assertThat(new Srh().wrap(p2, 40).segmentsLeft()).isZero();
        assertThat(new Ipv6Header().wrap(p2, 0).hopLimit()).isEqualTo(62);

        Box tail = new Box("""
                ip -6 addr add fc00:23::2/64 dev eth0
                ip addr add 10.0.9.254/24 dev eth1
                ip -6 route add fc00:3::3/128 encap seg6local action End.DX4 nh4 10.0.9.1 dev eth0
                """);
        assertThat(tail.receive("eth0", p2)).isEqualTo(Outcome.FORWARDED);
        byte[] p3 = tail.only();
        assertThat(tail.sentDev).containsExactly("eth1");
        Ipv4Header inner = new Ipv4Header().wrap(p3, 0);
        assertThat(Ipv4Header.format(inner.dst())).isEqualTo("10.0.9.9");
        assertThat(inner.ttl()).as("inner TTL only decremented at the tail").isEqualTo(63);
        assertThat(inner.verifyChecksum()).isTrue();
    }

    @Test
    void shouldTakeTheOuterSourceFromIpSrTunsrc() {
        Box head = new Box("""
                ip addr add 10.0.1.254/24 dev eth0
                ip -6 addr add fc00:12::1/64 dev eth1
                ip sr tunsrc set fc00:ff::1
                ip -6 route add fc00:2::/64 via fc00:12::2 dev eth1
                ip route add 10.0.9.0/24 encap seg6 mode encap segs fc00:2::2 dev eth1
                """);
        assertThat(head.receive("eth0", PING)).isEqualTo(Outcome.FORWARDED);
        assertThat(Ipv6Header.format(head.only(), Ipv6Header.SRC)).isEqualTo("fc00:ff::1");
    }

    @Test
    void shouldInsertAnSrhInlineKeepingTheOriginalDestinationLast() {
        Box head = new Box("""
                ip -6 addr add fc00:12::1/64 dev eth1
                ip -6 route add fc00:2::/64 via fc00:12::2 dev eth1
                ip -6 route add fc00:9::/64 encap seg6 mode inline segs fc00:2::2 dev eth1
                """);
        byte[] p = PacketBuilder.ipv6("fc00:1::1", "fc00:9::9").udp(1, 2, new byte[8]);
        assertThat(head.receive("eth0", p)).isEqualTo(Outcome.FORWARDED);
        byte[] out = head.only();
        assertThat(out).as("an SRH of two segments, no outer header").hasSize(p.length + 40);
        Srh srh = new Srh().wrap(out, 40);
        assertThat(srh.segmentsLeft()).isEqualTo(1);
        assertThat(srh.nextHeader()).isEqualTo(IpProtocol.UDP);
        byte[] last = new byte[16];
        srh.segment(0, last, 0);
        assertThat(Ipv6Header.format(last, 0)).isEqualTo("fc00:9::9");
        assertThat(Ipv6Header.format(out, Ipv6Header.DST)).isEqualTo("fc00:2::2");
        assertThat(new Ipv6Header().wrap(out, 0).payloadLength()).isEqualTo(out.length - 40);
    }

    @Test
    void shouldRunTheEndBpfProgramTheLoaderOpened() {
        List<String> seen = new ArrayList<>();
        List<EncapSpec> asked = new ArrayList<>();
        Box mid = new Box("""
                ip -6 addr add fc00:23::1/64 dev eth1
                ip -6 route add fc00:3::/64 via fc00:23::2 dev eth1
                ip -6 route add fc00:2::2/128 encap seg6local action End.BPF endpoint obj e.o section s dev eth0
                """, (spec, route) -> {
                    asked.add(spec);
                    return (EndBpfProgram) (skb, run) -> {
                        seen.add(Ipv6Header.format(skb.head, skb.data + Ipv6Header.DST));
                        run.ret = LwtVerdict.BPF_OK;
                    };
                });
        assertThat(asked).singleElement().isInstanceOfSatisfying(EncapSpec.Seg6Local.class,
                s -> assertThat(s.program().section()).isEqualTo("s"));
        byte[] inner = PacketBuilder.ipv6("fc00:1::1", "fc00:9::9").udp(1, 2, new byte[8]);
        assertThat(mid.receive("eth0", srv6(inner, "fc00:2::2", "fc00:3::3"))).isEqualTo(Outcome.FORWARDED);
        assertThat(seen).as("the program sees the advanced destination").containsExactly("fc00:3::3");

        Box dropper = new Box("""
                ip -6 addr add fc00:23::1/64 dev eth1
                ip -6 route add fc00:2::2/128 encap seg6local action End.BPF endpoint obj e.o section s dev eth0
                """, (spec, route) -> (EndBpfProgram) (skb, run) -> run.ret = LwtVerdict.BPF_DROP);
        dropper.receive("eth0", srv6(inner, "fc00:2::2", "fc00:3::3"));
        assertThat(dropper.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_DROP);
    }

    @Test
    void shouldRefuseEndBpfWithoutAProgramLoader() {
        assertThatThrownBy(() -> new Box(
                "ip -6 route add fc00:2::2/128 encap seg6local action End.BPF endpoint obj e.o section s dev eth0"))
                .hasMessageContaining("End.BPF needs an encap loader");
        assertThatThrownBy(() -> new Box(
                "ip -6 route add fc00:2::2/128 encap seg6local action End.BPF endpoint obj e.o section s dev eth0",
                (spec, route) -> "not a program"))
                .hasMessageContaining("expected an EndBpfProgram");
    }

    /** IPv6 + SRH (segments in travel order, first one active) around an IPv6 inner packet. */
    private static byte[] srv6(byte[] inner, String... segs) {
        byte[][] travel = new byte[segs.length][];
        for (int i = 0; i < segs.length; i++) {
            travel[i] = IpAddress.parse(segs[i]).toBytes();
        }
        int srhLen = 8 + 16 * segs.length;
        byte[] out = new byte[40 + srhLen + inner.length];
        new Ipv6Header().wrap(out, 0).versionClassFlow(0, 0).payloadLength(srhLen + inner.length)
                .nextHeader(IpProtocol.ROUTING).hopLimit(64).src(IpAddress.parse("fc00:1::1").toBytes())
                .dst(travel[0]);
        Srh.write(out, 40, IpProtocol.IPV6, travel);
        System.arraycopy(inner, 0, out, 40 + srhLen, inner.length);
        return out;
    }
}
