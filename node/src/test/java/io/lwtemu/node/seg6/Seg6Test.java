package io.lwtemu.node.seg6;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.Srh;
import io.lwtemu.node.tunnel.TestNet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * r1 --eth0 fd00:12::/64 eth0-- r2 --eth1 fd00:23::/64 eth0-- r3 --lan 10.0.3.0/24, fd00:3::/64.
 * r1 has lan 10.0.1.0/24 and fd00:1::/64. SIDs: fc00:2::/64 on r2, fc00:3::/64 on r3.
 */
class Seg6Test {
    private static final byte[] FOOBAR = "foobar".getBytes(StandardCharsets.US_ASCII);

    private final TestNet net = new TestNet();
    private final TestNet.Router r1 = net.router("r1");
    private final TestNet.Router r2 = net.router("r2");
    private final TestNet.Router r3 = net.router("r3");
    private final List<String> log = new ArrayList<>();
    /** The End.BPF program routes use; tests replace it. */
    private EndBpfProgram endBpf = (skb, run) -> run.ret = LwtVerdict.BPF_OK;

    @BeforeEach
    void wire() {
        for (TestNet.Router r : List.of(r1, r2, r3)) {
            Seg6 seg6 = new Seg6(log::add);
            r.encapLoader = spec -> seg6.stateFor(spec, ref -> (skb, run) -> endBpf.run(skb, run));
        }
        net.link(r1, "eth0", r2, "eth0");
        net.link(r2, "eth1", r3, "eth0");
        r1.addDevice("lan", 1500);
        r3.addDevice("lan", 1500);
        r1.config("""
                ip addr add fd00:12::1/64 dev eth0
                ip addr add 10.0.1.1/24 dev lan
                ip addr add fd00:1::1/64 dev lan
                ip route add fc00::/16 via fd00:12::2 dev eth0
                ip route add fd00:3::/64 via fd00:12::2 dev eth0
                """);
        r2.config("""
                ip addr add fd00:12::2/64 dev eth0
                ip addr add fd00:23::2/64 dev eth1
                ip route add fd00:1::/64 via fd00:12::1 dev eth0
                ip route add fd00:3::/64 via fd00:23::3 dev eth1
                """);
        r3.config("""
                ip addr add fd00:23::3/64 dev eth0
                ip addr add 10.0.3.1/24 dev lan
                ip addr add fd00:3::1/64 dev lan
                ip route add fd00:1::/64 via fd00:23::2 dev eth0
                ip route add fd00:12::/64 via fd00:23::2 dev eth0
                """);
    }

    private static byte[] v4(int ttl) {
        return PacketBuilder.ipv4("10.0.1.5", "10.0.3.7").ttl(ttl).udp(4000, 5000, FOOBAR);
    }

    private static byte[] v6(int hop) {
        return PacketBuilder.ipv6("fd00:1::5", "fd00:3::7").ttl(hop).udp(4000, 5000, FOOBAR);
    }

    private static byte[] addr(String s) {
        return Ipv6Header.parse(s);
    }

    /** IPv6 + SRH (segments in travel order, given segments left) + payload of protocol {@code nh}. */
    private static byte[] srv6(String dst, int segmentsLeft, int nh, byte[] payload, String... travel) {
        byte[][] segs = new byte[travel.length][];
        for (int i = 0; i < travel.length; i++) {
            segs[i] = addr(travel[i]);
        }
        int srhLen = Srh.SEGMENTS + segs.length * Srh.SEGMENT_LENGTH;
        byte[] p = new byte[40 + srhLen + payload.length];
        new Ipv6Header().wrap(p, 0).versionClassFlow(0, 0).payloadLength(srhLen + payload.length)
                .nextHeader(IpProtocol.ROUTING).hopLimit(64).src(addr("fd00:12::1")).dst(addr(dst));
        Srh.write(p, 40, nh, segs);
        new Srh().wrap(p, 40).segmentsLeft(segmentsLeft);
        System.arraycopy(payload, 0, p, 40 + srhLen, payload.length);
        return p;
    }

    private void standardSids() {
        r1.config("ip route add 10.0.3.0/24 encap seg6 mode encap segs fc00:2::e,fc00:3::d4 dev eth0\n"
                + "ip route add fd00:30::/64 encap seg6 mode encap segs fc00:2::e,fc00:3::d6 dev eth0");
        r2.config("ip route add fc00:2::e/128 encap seg6local action End dev eth0\n"
                + "ip route add fc00:3::/64 via fd00:23::3 dev eth1");
        r3.config("ip route add fc00:3::d4/128 encap seg6local action End.DX4 nh4 10.0.3.7 dev eth0\n"
                + "ip route add fc00:3::d6/128 encap seg6local action End.DX6 nh6 :: dev eth0");
    }

    @Test
    void shouldDeliverThePayloadIntactThroughSeg6EncapEndAndEndDx4() {
        standardSids();
        assertThat(r1.inject("lan", v4(64))).isEqualTo(Outcome.FORWARDED);
        net.run();
        // r1 -> r2: outer IPv6 + SRH, nothing done to the inner packet at the encapsulating router
        byte[] w1 = r1.lastSent("eth0");
        Ipv6Header ip6 = new Ipv6Header().wrap(w1, 0);
        assertThat(ip6.nextHeader()).isEqualTo(IpProtocol.ROUTING);
        assertThat(Ipv6Header.format(w1, Ipv6Header.SRC)).isEqualTo("fd00:12::1");
        assertThat(Ipv6Header.format(w1, Ipv6Header.DST)).isEqualTo("fc00:2::e");
        assertThat(ip6.hopLimit()).as("64 for an IPv4 inner packet, minus r1's forward").isEqualTo(63);
        assertThat(ip6.payloadLength()).isEqualTo(w1.length - 40);
        Srh srh = new Srh().wrap(w1, 40);
        assertThat(srh.nextHeader()).isEqualTo(IpProtocol.IPIP);
        assertThat(srh.segmentsLeft()).isEqualTo(1);
        assertThat(srh.lastEntry()).isEqualTo(1);
        assertThat(Ipv6Header.format(w1, srh.segmentOffset(0))).isEqualTo("fc00:3::d4");
        assertThat(Ipv6Header.format(w1, srh.segmentOffset(1))).isEqualTo("fc00:2::e");
        assertThat(Arrays.copyOfRange(w1, 40 + 40, w1.length)).isEqualTo(v4(64));
        // r2 -> r3: End advanced the SRH
        byte[] w2 = r2.lastSent("eth1");
        assertThat(Ipv6Header.format(w2, Ipv6Header.DST)).isEqualTo("fc00:3::d4");
        assertThat(new Srh().wrap(w2, 40).segmentsLeft()).isZero();
        assertThat(w2[Ipv6Header.HOP_LIMIT]).isEqualTo((byte) 62);
        // r3: End.DX4 decapsulated and forwarded the inner packet
        assertThat(r3.lastSent("lan")).isEqualTo(v4(63));
        assertThat(r3.drops(DropReason.SEG6_DECAP_FAILED) + r2.drops(DropReason.SEG6_INVALID_SRH)).isZero();
    }

    @Test
    void shouldCarryIpv6ThroughEncapEndAndEndDx6() {
        standardSids();
        r3.config("ip route add fd00:30::/64 dev lan");
        byte[] inner = PacketBuilder.ipv6("fd00:1::5", "fd00:30::7").ttl(64).flowLabel(0x12345).udp(1, 2, FOOBAR);
        r1.inject("lan", inner);
        net.run();
        byte[] w1 = r1.lastSent("eth0");
        assertThat(new Srh().wrap(w1, 40).nextHeader()).isEqualTo(IpProtocol.IPV6);
        assertThat(new Ipv6Header().wrap(w1, 0).flowLabel()).as("flow label copied (seg6_flowlabel 0)")
                .isEqualTo(0x12345);
        assertThat(w1[Ipv6Header.HOP_LIMIT]).as("inner hop limit, then r1's forward").isEqualTo((byte) 63);
        byte[] expected = PacketBuilder.ipv6("fd00:1::5", "fd00:30::7").ttl(63).flowLabel(0x12345)
                .udp(1, 2, FOOBAR);
        assertThat(r3.lastSent("lan")).isEqualTo(expected);
    }

    @Test
    void shouldInsertAnSrhInlineAndRestoreTheDestinationAtTheLastSegment() {
        r1.config("ip route add fd00:3::/64 encap seg6 mode inline segs fc00:2::e dev eth0 metric 1");
        r2.config("ip route add fc00:2::e/128 encap seg6local action End dev eth0");
        r1.inject("lan", v6(64));
        net.run();
        byte[] w1 = r1.lastSent("eth0");
        assertThat(Ipv6Header.format(w1, Ipv6Header.DST)).isEqualTo("fc00:2::e");
        Srh srh = new Srh().wrap(w1, 40);
        assertThat(srh.nextHeader()).isEqualTo(IpProtocol.UDP);
        assertThat(srh.segmentsLeft()).isEqualTo(1);
        assertThat(Ipv6Header.format(w1, srh.segmentOffset(0))).isEqualTo("fd00:3::7");
        byte[] out = r3.lastSent("lan");
        assertThat(out).isNotNull();
        assertThat(Ipv6Header.format(out, Ipv6Header.DST)).isEqualTo("fd00:3::7");
        assertThat(new Srh().wrap(out, 40).segmentsLeft()).isZero();
        assertThat(Arrays.copyOfRange(out, out.length - FOOBAR.length, out.length)).isEqualTo(FOOBAR);
    }

    @Test
    void shouldDropEndWhenNoSegmentIsLeft() {
        standardSids();
        byte[] p = srv6("fc00:2::e", 0, IpProtocol.IPIP, v4(64), "fc00:2::e");
        assertThat(r2.inject("eth0", p)).isEqualTo(Outcome.DROPPED);
        assertThat(r2.pipeline.lastDropReason()).isEqualTo(DropReason.SEG6_INVALID_SRH);
    }

    @Test
    void shouldDropEndWithoutAnSrhOrWithABrokenOne() {
        standardSids();
        byte[] plain = PacketBuilder.ipv6("fd00:12::1", "fc00:2::e").udp(1, 2, FOOBAR);
        assertThat(r2.inject("eth0", plain)).isEqualTo(Outcome.DROPPED);
        byte[] broken = srv6("fc00:2::e", 1, IpProtocol.IPIP, v4(64), "fc00:2::e", "fc00:3::d4");
        broken[40 + Srh.LAST_ENTRY] = 5; // last entry beyond the list
        assertThat(r2.inject("eth0", broken)).isEqualTo(Outcome.DROPPED);
        assertThat(r2.drops(DropReason.SEG6_INVALID_SRH)).isEqualTo(2);
    }

    @Test
    void shouldDropDx4WhileSegmentsRemain() {
        standardSids();
        byte[] p = srv6("fc00:3::d4", 1, IpProtocol.IPIP, v4(64), "fc00:3::d4", "fc00:9::1");
        assertThat(r3.inject("eth0", p)).isEqualTo(Outcome.DROPPED);
        assertThat(r3.pipeline.lastDropReason()).isEqualTo(DropReason.SEG6_DECAP_FAILED);
    }

    @Test
    void shouldSendEndXToItsNextHopWithoutARouteToTheNextSegment() {
        r2.config("ip route add fc00:2::e/128 encap seg6local action End.X nh6 fd00:23::3 dev eth0");
        r3.config("ip route add fc00:3::d4/128 encap seg6local action End.DX4 nh4 10.0.3.7 dev eth0");
        byte[] p = srv6("fc00:2::e", 1, IpProtocol.IPIP, v4(64), "fc00:2::e", "fc00:3::d4");
        assertThat(r2.inject("eth0", p)).isEqualTo(Outcome.FORWARDED);
        net.run();
        assertThat(r3.lastSent("lan")).isEqualTo(v4(63));
    }

    @Test
    void shouldLookUpEndTInItsTable() {
        r2.config("ip route add fc00:2::e/128 encap seg6local action End.T table 100 dev eth0\n"
                + "ip route add fc00:3::/64 via fd00:23::3 dev eth1 table 100");
        r3.config("ip route add fc00:3::d4/128 encap seg6local action End.DX4 nh4 10.0.3.7 dev eth0");
        byte[] p = srv6("fc00:2::e", 1, IpProtocol.IPIP, v4(64), "fc00:2::e", "fc00:3::d4");
        r2.inject("eth0", p);
        net.run();
        assertThat(r3.lastSent("lan")).isEqualTo(v4(63));
        r2.config("ip route add fc00:2::f/128 encap seg6local action End dev eth0");
        byte[] q = srv6("fc00:2::f", 1, IpProtocol.IPIP, v4(64), "fc00:2::f", "fc00:3::d4");
        assertThat(r2.inject("eth0", q)).as("End looks in main, which has no route").isEqualTo(Outcome.DROPPED);
    }

    // ------------------------------------------------------------------ End.BPF

    private byte[] throughEndBpf() {
        r2.config("ip route add fc00:2::b/128 encap seg6local action End.BPF endpoint obj x.o section s dev eth0\n"
                + "ip route add fc00:3::/64 via fd00:23::3 dev eth1");
        r3.config("ip route add fc00:3::d4/128 encap seg6local action End.DX4 nh4 10.0.3.7 dev eth0");
        return srv6("fc00:2::b", 1, IpProtocol.IPIP, v4(64), "fc00:2::b", "fc00:3::d4");
    }

    @Test
    void shouldRunEndBpfAfterAdvancingAndContinueOnBpfOk() {
        byte[] seen = new byte[16];
        endBpf = (skb, run) -> {
            System.arraycopy(skb.head, skb.data + Ipv6Header.DST, seen, 0, 16);
            run.ret = LwtVerdict.BPF_OK;
        };
        r2.inject("eth0", throughEndBpf());
        net.run();
        assertThat(Ipv6Header.format(seen, 0)).as("the program sees the advanced destination").isEqualTo("fc00:3::d4");
        assertThat(r3.lastSent("lan")).isEqualTo(v4(63));
    }

    @Test
    void shouldDropOnEndBpfDropIllegalReturnOrBrokenSrh() {
        byte[] p = throughEndBpf();
        endBpf = (skb, run) -> run.ret = LwtVerdict.BPF_DROP;
        r2.inject("eth0", p.clone());
        endBpf = (skb, run) -> run.ret = 3;
        r2.inject("eth0", p.clone());
        r2.inject("eth0", p.clone());
        endBpf = (skb, run) -> run.srhValid = false;
        r2.inject("eth0", p.clone());
        assertThat(r2.drops(DropReason.BPF_DROP)).isEqualTo(1);
        assertThat(r2.drops(DropReason.BPF_ILLEGAL_RETURN)).isEqualTo(2);
        assertThat(r2.drops(DropReason.SEG6_INVALID_SRH)).isEqualTo(1);
        assertThat(log).containsExactly("bpf-seg6local: Illegal return value 3");
    }

    @Test
    void shouldFollowTheRouteBpfLwtSeg6ActionChoseOnRedirect() {
        byte[] p = throughEndBpf();
        r2.config("ip route del fc00:3::/64 via fd00:23::3 dev eth1");
        endBpf = (skb, run) -> {
            run.route(new ExecutionContext.Seg6Route(2, 0, addr("fd00:23::3")));
            run.ret = LwtVerdict.BPF_REDIRECT;
        };
        r2.inject("eth0", p);
        net.run();
        assertThat(r3.lastSent("lan")).isEqualTo(v4(63));
    }

    // ------------------------------------------------------------------ API checks

    @Test
    void shouldRefuseActionsItDoesNotModel() {
        Seg6 seg6 = new Seg6(log::add);
        EncapSpec.Seg6Local b6 = new EncapSpec.Seg6Local(EncapSpec.Seg6Local.Action.END_B6, null, null, 0, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> seg6.localFor(b6, null))
                .hasMessageContaining("End.B6");
    }

    @Test
    void shouldReduceThePathMtuOfLocallySentPacketsByTheEncapHeadroom() {
        Seg6 seg6 = new Seg6(log::add);
        Seg6Encap e = seg6.encapFor(new EncapSpec.Seg6(EncapSpec.Seg6.Mode.ENCAP,
                List.of(io.lwtemu.node.fib.IpAddress.parse("fc00:2::e"), io.lwtemu.node.fib.IpAddress.parse(
                        "fc00:3::d4"))));
        assertThat(e.headroom()).isEqualTo(40 + 8 + 32);
        io.lwtemu.node.fib.Route r = io.lwtemu.node.fib.Route.builder(io.lwtemu.node.fib.Prefix.parse("10.0.3.0/24",
                null)).dev("eth0").encap(e).build();
        assertThat(io.lwtemu.node.forward.ForwardingPipeline.pathMtu(r, r1.device("eth0"))).isEqualTo(1500 - 80);
    }

    @Test
    void shouldEncapsulateLocallySentPacketsOnOutputWithTheTunnelSource() {
        Seg6 seg6 = new Seg6(log::add).tunnelSource(io.lwtemu.node.fib.IpAddress.parse("fc00:1::1"));
        r1.encapLoader = spec -> seg6.stateFor(spec, null);
        standardSids();
        r1.pipeline.sendGenerated(PacketBuilder.ipv4("10.0.1.1", "10.0.3.7").ttl(64).udp(7, 8, FOOBAR));
        net.run();
        byte[] w1 = r1.lastSent("eth0");
        assertThat(Ipv6Header.format(w1, Ipv6Header.SRC)).isEqualTo("fc00:1::1");
        assertThat(w1[Ipv6Header.HOP_LIMIT]).as("output path: no forward on r1").isEqualTo((byte) 64);
        assertThat(r3.lastSent("lan")).isEqualTo(PacketBuilder.ipv4("10.0.1.1", "10.0.3.7").ttl(63)
                .udp(7, 8, FOOBAR));
    }
}
