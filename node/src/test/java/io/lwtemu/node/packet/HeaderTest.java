package io.lwtemu.node.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Header flyweights against packets whose bytes and checksums were computed independently (Python struct). */
class HeaderTest {
    /** UDP 10.0.1.1:5000 -> 10.0.2.1:53 "hello", DF, TTL 64; checksums from Python. */
    static final String UDP4 = "4500002100004000401123cb0a0001010a00020113880035000d914368656c6c6f";

    @Test
    void shouldReadIpv4FieldsOfAKnownPacket() {
        byte[] p = Bytes.fromHex(UDP4);
        Ipv4Header ip = new Ipv4Header().wrap(p, 0);
        assertThat(ip.version()).isEqualTo(4);
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.optionsLength()).isZero();
        assertThat(ip.totalLength()).isEqualTo(33);
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.moreFragments()).isFalse();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(ip.checksum()).isEqualTo(0x23cb);
        assertThat(ip.computeChecksum()).isEqualTo(0x23cb);
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(Ipv4Header.format(ip.src())).isEqualTo("10.0.1.1");
        assertThat(Ipv4Header.format(ip.dst())).isEqualTo("10.0.2.1");
        UdpHeader udp = new UdpHeader().wrap(p, 20);
        assertThat(udp.srcPort()).isEqualTo(5000);
        assertThat(udp.dstPort()).isEqualTo(53);
        assertThat(udp.length()).isEqualTo(13);
        assertThat(udp.checksum()).isEqualTo(0x9143);
        assertThat(udp.computeChecksumV4(p, 0)).isEqualTo(0x9143);
        assertThat(udp.verifyChecksumV4(p, 0)).isTrue();
    }

    @Test
    void shouldVerifyTheWikipediaIpv4HeaderChecksum() {
        byte[] h = Bytes.fromHex("450000730000400040110000c0a80001c0a800c7");
        assertThat(new Ipv4Header().wrap(h, 0).computeChecksum()).isEqualTo(0xb861);
    }

    @Test
    void shouldBuildTheSamePacketAsAnIndependentEncoder() {
        byte[] built = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").dontFragment()
                .udp(5000, 53, "hello".getBytes());
        assertThat(Bytes.hex(built, 0, built.length)).isEqualTo(UDP4);
    }

    @Test
    void shouldDecrementTtlKeepingTheChecksumValid() {
        byte[] p = Bytes.fromHex(UDP4);
        Ipv4Header ip = new Ipv4Header().wrap(p, 0);
        assertThat(ip.decrementTtl()).isEqualTo(63);
        assertThat(ip.verifyChecksum()).isTrue();
        ip.rewriteDst(Ipv4Header.parse("10.0.2.3"));
        assertThat(ip.verifyChecksum()).isTrue();
    }

    @Test
    void shouldDetectACorruptedIpv4Checksum() {
        byte[] p = Bytes.fromHex(UDP4);
        p[8] = 1;
        assertThat(new Ipv4Header().wrap(p, 0).verifyChecksum()).isFalse();
    }

    @Test
    void shouldReadFragmentFieldsAndOptionsLength() {
        byte[] h = new byte[24];
        Ipv4Header ip = new Ipv4Header().wrap(h, 0).versionAndHeaderLength(24)
                .fragOff(Ipv4Header.FLAG_MF | 185);
        assertThat(ip.ihl()).isEqualTo(6);
        assertThat(ip.optionsLength()).isEqualTo(4);
        assertThat(ip.moreFragments()).isTrue();
        assertThat(ip.fragmentOffset()).isEqualTo(185);
        assertThat(ip.fragmentOffsetBytes()).isEqualTo(1480);
        assertThat(ip.isFragment()).isTrue();
    }

    @Test
    void shouldComputeIcmpv6ChecksumWithPseudoHeader() {
        byte[] p = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").echo(true, 0x1234, 1,
                new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Ipv6Header ip6 = new Ipv6Header().wrap(p, 0);
        assertThat(ip6.version()).isEqualTo(6);
        assertThat(ip6.payloadLength()).isEqualTo(16);
        assertThat(ip6.nextHeader()).isEqualTo(IpProtocol.ICMPV6);
        Icmpv6Header icmp = new Icmpv6Header().wrap(p, 40);
        assertThat(icmp.type()).isEqualTo(Icmpv6Header.ECHO_REQUEST);
        assertThat(icmp.id()).isEqualTo(0x1234);
        assertThat(icmp.checksum()).isEqualTo(0x05fb);
        assertThat(icmp.verifyChecksum(p, 0, 16)).isTrue();
    }

    @Test
    void shouldComputeUdpV6AndIcmpV4AndTcpChecksums() {
        byte[] u6 = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(5000, 53, "hello".getBytes());
        assertThat(new UdpHeader().wrap(u6, 40).checksum()).isEqualTo(0x4cd0);
        assertThat(new UdpHeader().wrap(u6, 40).verifyChecksumV6(u6, 0)).isTrue();

        byte[] ping = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").icmpEchoRequest(1, 1, 56);
        assertThat(ping).hasSize(84);
        IcmpHeader icmp = new IcmpHeader().wrap(ping, 20);
        assertThat(icmp.checksum()).isEqualTo(0x00eb);
        assertThat(icmp.verifyChecksum(64)).isTrue();

        byte[] syn = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").tcp(1234, 80, 1000, 0, TcpHeader.SYN, new byte[0]);
        TcpHeader tcp = new TcpHeader().wrap(syn, 20);
        assertThat(tcp.checksum()).isEqualTo(0x8fd7);
        assertThat(tcp.flags()).isEqualTo(TcpHeader.SYN);
        assertThat(tcp.headerLength()).isEqualTo(20);
    }

    @Test
    void shouldWalkIpv6ExtensionHeaders() {
        // IPv6 | hop-by-hop (8) | fragment (8, offset 0) | UDP
        byte[] p = new byte[40 + 8 + 8 + 8];
        new Ipv6Header().wrap(p, 0).versionClassFlow(0, 0).payloadLength(24).nextHeader(IpProtocol.HOPOPTS);
        p[40] = IpProtocol.FRAGMENT;
        p[48] = IpProtocol.UDP;
        Ipv6Header ip6 = new Ipv6Header().wrap(p, 0);
        long ul = ip6.upperLayer(p.length);
        assertThat(ul >>> 32).isEqualTo(IpProtocol.UDP);
        assertThat((int) ul).isEqualTo(56);
        assertThat(ip6.findExtension(IpProtocol.FRAGMENT, p.length)).isEqualTo(48);
        assertThat(ip6.upperLayer(50)).isEqualTo(-1);
    }

    @Test
    void shouldParseAndFormatIpv6Addresses() {
        assertThat(Ipv6Header.format(Ipv6Header.parse("2001:db8:0:0:0:0:0:1"), 0)).isEqualTo("2001:db8::1");
        assertThat(Ipv6Header.format(Ipv6Header.parse("::"), 0)).isEqualTo("::");
        assertThat(Ipv6Header.format(Ipv6Header.parse("::ffff:10.0.0.1"), 0)).isEqualTo("::ffff:a00:1");
        assertThat(Ipv6Header.format(Ipv6Header.parse("fe80::1:0:0:2"), 0)).isEqualTo("fe80::1:0:0:2");
        assertThatThrownBy(() -> Ipv6Header.parse("1::2::3")).hasMessageContaining("invalid IPv6");
        assertThatThrownBy(() -> Ipv6Header.parse("12345::")).hasMessageContaining("invalid IPv6");
        assertThatThrownBy(() -> Ipv4Header.parse("10.0.0.256")).hasMessageContaining("invalid IPv4");
        assertThatThrownBy(() -> Ipv4Header.parse("10.0.0")).hasMessageContaining("invalid IPv4");
    }

    @Test
    void shouldReadGreFlagsKeyAndSequence() {
        // C K S set, protocol IPv4, checksum, key 0x11223344, seq 7
        byte[] g = Bytes.fromHex("b0000800" + "00000000" + "11223344" + "00000007");
        GreHeader gre = new GreHeader().wrap(g, 0);
        assertThat(gre.hasChecksum()).isTrue();
        assertThat(gre.hasKey()).isTrue();
        assertThat(gre.hasSequence()).isTrue();
        assertThat(gre.protocol()).isEqualTo(0x0800);
        assertThat(gre.headerLength()).isEqualTo(16);
        assertThat(gre.key()).isEqualTo(0x11223344L);
        assertThat(gre.sequence()).isEqualTo(7);
        gre.updateChecksum(16);
        assertThat(gre.verifyChecksum(16)).isTrue();

        byte[] k = Bytes.fromHex("2000" + "86dd" + "00000005");
        GreHeader keyOnly = new GreHeader().wrap(k, 0);
        assertThat(keyOnly.headerLength()).isEqualTo(8);
        assertThat(keyOnly.key()).isEqualTo(5);
    }

    @Test
    void shouldReadVxlanVni() {
        byte[] v = Bytes.fromHex("0800000000000100");
        VxlanHeader vx = new VxlanHeader().wrap(v, 0);
        assertThat(vx.vniValid()).isTrue();
        assertThat(vx.vni()).isEqualTo(1);
        vx.set(0xabcdef);
        assertThat(Bytes.hex(v, 0, 8)).isEqualTo("0800000000abcdef".substring(0, 8) + "abcdef00");
    }

    @Test
    void shouldValidateSegmentRoutingHeaders() {
        byte[][] segs = {Ipv6Header.parse("fc00::1"), Ipv6Header.parse("fc00::2")};
        byte[] b = new byte[40 + 8];
        int len = Srh.write(b, 0, IpProtocol.IPV6, segs);
        Srh srh = new Srh().wrap(b, 0);
        assertThat(len).isEqualTo(40);
        assertThat(srh.hdrExtLen()).isEqualTo(4);
        assertThat(srh.segmentsLeft()).isEqualTo(1);
        assertThat(srh.lastEntry()).isEqualTo(1);
        byte[] active = new byte[16];
        srh.segment(srh.segmentsLeft(), active, 0);
        assertThat(Ipv6Header.format(active, 0)).isEqualTo("fc00::1");
        assertThat(srh.isValid(40)).isTrue();
        assertThat(srh.isValid(48)).isFalse();

        // add an 8-byte PadN TLV (type 4, len 6): valid; a truncated TLV is not.
        b[1] = 5;
        b[40] = Srh.TLV_PADN;
        b[41] = 6;
        assertThat(srh.isValid(48)).isTrue();
        b[41] = 7;
        assertThat(srh.isValid(48)).isFalse();
        b[41] = 6;
        srh.segmentsLeft(2);
        assertThat(srh.isValid(48)).isFalse();
    }
}
