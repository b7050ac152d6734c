package io.lwtemu.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.UdpHeader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two routers, a and b, joined by eth0 (10.0.12.0/24, fd00:12::/64); each has a "lan" (a: 10.0.1.0/24 and
 * fd00:1::/64, b: 10.0.2.0/24 and fd00:2::/64). Tunnels t1 on both ends carry lan-to-lan traffic.
 */
class TunnelTest {
    private static final byte[] PAYLOAD = "tunnelled payload".getBytes(StandardCharsets.US_ASCII);

    private final TestNet net = new TestNet();
    private final TestNet.Router a = net.router("a");
    private final TestNet.Router b = net.router("b");

    @BeforeEach
    void wire() {
        net.link(a, "eth0", b, "eth0");
        a.addDevice("lan", 1500);
        b.addDevice("lan", 1500);
        a.config("""
                ip addr add 10.0.12.1/24 dev eth0
                ip addr add fd00:12::1/64 dev eth0
                ip addr add 10.0.1.1/24 dev lan
                ip addr add fd00:1::1/64 dev lan
                """);
        b.config("""
                ip addr add 10.0.12.2/24 dev eth0
                ip addr add fd00:12::2/64 dev eth0
                ip addr add 10.0.2.1/24 dev lan
                ip addr add fd00:2::1/64 dev lan
                """);
    }

    private void tunnel(String specA, String specB) {
        a.config("ip link add t1 " + specA + "\nip link set t1 up\nip route add 10.0.2.0/24 dev t1\n"
                + "ip route add fd00:2::/64 dev t1");
        b.config("ip link add t1 " + specB + "\nip link set t1 up\nip route add 10.0.1.0/24 dev t1\n"
                + "ip route add fd00:1::/64 dev t1");
    }

    private static byte[] v4(int ttl) {
        return PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").ttl(ttl).udp(1234, 5678, PAYLOAD);
    }

    private static byte[] v6(int hopLimit) {
        return PacketBuilder.ipv6("fd00:1::5", "fd00:2::7").ttl(hopLimit).udp(1234, 5678, PAYLOAD);
    }

    /** Sends the inner packet from a's lan; b must put exactly it (two hops older) on its lan. */
    private byte[] assertRoundTrip(boolean innerV4) {
        Outcome o = a.inject("lan", innerV4 ? v4(64) : v6(64));
        net.run();
        assertThat(o).isEqualTo(Outcome.FORWARDED);
        assertThat(b.lastSent("lan")).as("inner packet on b's lan").isEqualTo(innerV4 ? v4(62) : v6(62));
        assertThat(b.device("t1").rxPackets).isEqualTo(1);
        assertThat(a.device("t1").txPackets).isEqualTo(1);
        byte[] outer = a.lastSent("eth0");
        assertThat(outer).isNotNull();
        return outer;
    }

    private static byte[] tail(byte[] outer, int from) {
        return Arrays.copyOfRange(outer, from, outer.length);
    }

    // ------------------------------------------------------------------ every kind, both ways

    @Test
    void shouldCarryIpv4OverGreAndDeliverTheExactInnerPacket() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        byte[] outer = assertRoundTrip(true);
        Ipv4Header ip = new Ipv4Header().wrap(outer, 0);
        assertThat(ip.protocol()).isEqualTo(IpProtocol.GRE);
        assertThat(Ipv4Header.format(ip.src())).isEqualTo("10.0.12.1");
        assertThat(Ipv4Header.format(ip.dst())).isEqualTo("10.0.12.2");
        assertThat(ip.dontFragment()).as("pmtudisc is the default").isTrue();
        assertThat(ip.id()).as("DF packets without a socket get IP ID 0").isZero();
        assertThat(ip.ttl()).as("ttl inherit: the inner TTL after a's forwarding").isEqualTo(63);
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(ip.totalLength()).isEqualTo(outer.length);
        assertThat(Bytes.hex(outer, 20, 4)).isEqualTo("00000800");
        assertThat(tail(outer, 24)).isEqualTo(v4(63));
        assertThat(b.pipeline.counters().outcomes(Outcome.DELIVERED)).as("outer consumed by decap").isEqualTo(1);
    }

    @Test
    void shouldCarryIpv6OverGre() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        byte[] outer = assertRoundTrip(false);
        assertThat(Bytes.hex(outer, 20, 4)).isEqualTo("000086dd");
        assertThat(tail(outer, 24)).isEqualTo(v6(63));
    }

    @Test
    void shouldSendAndCheckGreKeys() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2 key 42",
                "type gre local 10.0.12.2 remote 10.0.12.1 key 42");
        byte[] outer = assertRoundTrip(true);
        assertThat(Bytes.hex(outer, 20, 8)).isEqualTo("20000800" + "0000002a");
        assertThat(tail(outer, 28)).isEqualTo(v4(63));
    }

    @Test
    void shouldDropOnGreKeyMismatchWithNamedReasonAndPortUnreachable() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2 okey 7",
                "type gre local 10.0.12.2 remote 10.0.12.1 ikey 8");
        a.inject("lan", v4(64));
        net.run();
        assertThat(b.drops(DropReason.TUNNEL_KEY_MISMATCH)).isEqualTo(1);
        assertThat(b.sentOn("lan")).isEmpty();
        byte[] icmp = b.lastSent("eth0");
        assertThat(icmp[Ipv4Header.PROTOCOL]).isEqualTo((byte) IpProtocol.ICMP);
        assertThat(icmp[20]).isEqualTo((byte) IcmpHeader.DEST_UNREACH);
        assertThat(icmp[21]).isEqualTo((byte) IcmpHeader.PORT_UNREACH);
    }

    @Test
    void shouldDropKeyedPacketsOnAKeylessTunnel() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2 key 5", "type gre local 10.0.12.2 remote 10.0.12.1");
        a.inject("lan", v4(64));
        net.run();
        assertThat(b.drops(DropReason.TUNNEL_KEY_MISMATCH)).isEqualTo(1);
    }

    @Test
    void shouldCarryIpv4OverIpip() {
        tunnel("type ipip local 10.0.12.1 remote 10.0.12.2", "type ipip local 10.0.12.2 remote 10.0.12.1");
        byte[] outer = assertRoundTrip(true);
        assertThat(outer[Ipv4Header.PROTOCOL]).isEqualTo((byte) IpProtocol.IPIP);
        assertThat(tail(outer, 20)).isEqualTo(v4(63));
    }

    @Test
    void shouldCarryIpv6OverSit() {
        tunnel("type sit local 10.0.12.1 remote 10.0.12.2", "type sit local 10.0.12.2 remote 10.0.12.1");
        byte[] outer = assertRoundTrip(false);
        assertThat(outer[Ipv4Header.PROTOCOL]).isEqualTo((byte) IpProtocol.IPV6);
        assertThat(tail(outer, 20)).isEqualTo(v6(63));
    }

    @Test
    void shouldCarryIpv6OverIp6tnlWithTheEncapsulationLimitOption() {
        tunnel("type ip6tnl local fd00:12::1 remote fd00:12::2", "type ip6tnl local fd00:12::2 remote fd00:12::1");
        byte[] outer = assertRoundTrip(false);
        Ipv6Header ip6 = new Ipv6Header().wrap(outer, 0);
        assertThat(ip6.nextHeader()).isEqualTo(IpProtocol.DSTOPTS);
        assertThat(ip6.hopLimit()).isEqualTo(64);
        assertThat(ip6.payloadLength()).isEqualTo(outer.length - 40);
        assertThat(Bytes.hex(outer, 40, 8)).isEqualTo("2900040104010100");
        assertThat(ip6.flowLabel()).as("auto flow label from the inner flow").isNotZero()
                .isEqualTo(TunnelXmit.flowHash(v6(63), 0, v6(63).length, false) & 0xfffff);
        assertThat(tail(outer, 48)).isEqualTo(v6(63));
    }

    @Test
    void shouldCarryIpv4OverIp6tnlInModeIpip6() {
        tunnel("type ip6tnl mode ipip6 local fd00:12::1 remote fd00:12::2",
                "type ip6tnl mode ipip6 local fd00:12::2 remote fd00:12::1");
        byte[] outer = assertRoundTrip(true);
        assertThat(outer[40]).as("next header after the options: IPIP").isEqualTo((byte) IpProtocol.IPIP);
        assertThat(tail(outer, 48)).isEqualTo(v4(63));
    }

    @Test
    void shouldCarryBothFamiliesOverIp6gre() {
        tunnel("type ip6gre local fd00:12::1 remote fd00:12::2", "type ip6gre local fd00:12::2 remote fd00:12::1");
        byte[] outer = assertRoundTrip(true);
        assertThat(outer[40]).isEqualTo((byte) IpProtocol.GRE);
        assertThat(Bytes.hex(outer, 48, 4)).isEqualTo("00000800");
        assertThat(tail(outer, 52)).isEqualTo(v4(63));
        a.inject("lan", v6(64));
        net.run();
        assertThat(b.lastSent("lan")).isEqualTo(v6(62));
    }

    @Test
    void shouldCarryIpv4OverVxlanWithExactOuterBytes() {
        tunnel("type vxlan id 42 dstport 4789 local 10.0.12.1 remote 10.0.12.2",
                "type vxlan id 42 dstport 4789 local 10.0.12.2 remote 10.0.12.1");
        byte[] outer = assertRoundTrip(true);
        byte[] inner = v4(63);
        Ipv4Header ip = new Ipv4Header().wrap(outer, 0);
        assertThat(ip.protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(ip.dontFragment()).as("vxlan sets no DF by default").isFalse();
        assertThat(ip.ttl()).as("vxlan ttl 0 means the route's hop limit, not inherit").isEqualTo(64);
        assertThat(ip.totalLength()).isEqualTo(20 + 8 + 8 + 14 + inner.length);
        UdpHeader udp = new UdpHeader().wrap(outer, 20);
        assertThat(udp.dstPort()).isEqualTo(4789);
        assertThat(udp.srcPort()).isBetween(TunnelXmit.SRC_PORT_MIN, TunnelXmit.SRC_PORT_MAX - 1);
        assertThat(udp.length()).isEqualTo(8 + 8 + 14 + inner.length);
        assertThat(udp.checksum()).as("no udpcsum on IPv4").isZero();
        assertThat(Bytes.hex(outer, 28, 8)).isEqualTo("08000000" + "00002a00");
        byte[] mac = a.tunnels.byName("t1").mac();
        assertThat(Arrays.copyOfRange(outer, 36 + 6, 36 + 12)).as("inner source MAC = the vxlan device's")
                .isEqualTo(mac);
        assertThat(mac[0] & 0x03).as("locally administered unicast").isEqualTo(0x02);
        assertThat(Bytes.u16(outer, 36 + 12)).isEqualTo(0x0800);
        assertThat(tail(outer, 50)).isEqualTo(inner);
    }

    @Test
    void shouldCarryIpv6OverVxlanOverIpv6WithUdpChecksum() {
        tunnel("type vxlan id 7 dstport 4789 local fd00:12::1 remote fd00:12::2",
                "type vxlan id 7 dstport 4789 local fd00:12::2 remote fd00:12::1");
        byte[] outer = assertRoundTrip(false);
        UdpHeader udp = new UdpHeader().wrap(outer, 40);
        assertThat(udp.checksum()).isNotZero();
        assertThat(udp.verifyChecksumV6(outer, 0)).isTrue();
        assertThat(Bytes.u16(outer, 40 + 16 + 12)).isEqualTo(0x86dd);
    }

    @Test
    void shouldDropVxlanWithUnknownVni() {
        tunnel("type vxlan id 42 dstport 4789 local 10.0.12.1 remote 10.0.12.2",
                "type vxlan id 43 dstport 4789 local 10.0.12.2 remote 10.0.12.1");
        a.inject("lan", v4(64));
        net.run();
        assertThat(b.drops(DropReason.VXLAN_VNI_NOT_FOUND)).isEqualTo(1);
    }

    @Test
    void shouldCarryIpipOverFou() {
        ConfigCommand.TunnelAdd add = (ConfigCommand.TunnelAdd) new IpCommandParser(null, false)
                .parseLine("ip link add t1 type ipip local 10.0.12.1 remote 10.0.12.2", 1);
        a.tunnels.add(TunnelConfig.of(add).withFou(5555, 0));
        a.config("ip link set t1 up\nip route add 10.0.2.0/24 dev t1");
        b.config("""
                ip fou add port 5555 ipproto 4
                ip link add t1 type ipip local 10.0.12.2 remote 10.0.12.1
                ip link set t1 up
                """);
        assertThat(a.device("t1").mtu()).isEqualTo(1500 - 28);
        a.inject("lan", v4(64));
        net.run();
        byte[] outer = a.lastSent("eth0");
        assertThat(outer[Ipv4Header.PROTOCOL]).isEqualTo((byte) IpProtocol.UDP);
        assertThat(new UdpHeader().wrap(outer, 20).dstPort()).isEqualTo(5555);
        assertThat(tail(outer, 28)).isEqualTo(v4(63));
        assertThat(b.lastSent("lan")).isEqualTo(v4(62));
    }

    @Test
    void shouldAnswerPortUnreachableWhenNoTunnelMatches() {
        tunnel("type ipip local 10.0.12.1 remote 10.0.12.2", "type ipip local 10.0.12.2 remote 10.0.12.1");
        b.config("ip link set t1 down");
        a.inject("lan", v4(64));
        net.run();
        assertThat(b.drops(DropReason.TUNNEL_NO_MATCH)).isEqualTo(1);
        byte[] icmp = b.lastSent("eth0");
        assertThat(icmp[20]).isEqualTo((byte) IcmpHeader.DEST_UNREACH);
        assertThat(icmp[21]).isEqualTo((byte) IcmpHeader.PORT_UNREACH);
    }

    @Test
    void shouldMatchWildcardTunnelsAfterExactOnes() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.9");
        b.config("ip link add any1 type gre\nip link set any1 up");
        a.inject("lan", v4(64));
        net.run();
        assertThat(b.device("any1").rxPackets).isEqualTo(1);
        assertThat(b.device("t1").rxPackets).isZero();
        assertThat(b.lastSent("lan")).isEqualTo(v4(62));
    }

    // ------------------------------------------------------------------ bpf_lwt_push_encap style GRE

    /** Outer IPv4 + keyless GRE as test_lwt_ip_encap.c pushes it: tot_len by the program, checksum by the kernel. */
    private static byte[] bpfGreV4(byte[] inner, int ethertype) {
        byte[] p = new byte[24 + inner.length];
        Ipv4Header ip = new Ipv4Header().wrap(p, 0).versionAndHeaderLength(20);
        ip.totalLength(p.length).ttl(64).protocol(IpProtocol.GRE)
                .src(Ipv4Header.parse("10.0.12.1")).dst(Ipv4Header.parse("10.0.12.2")).updateChecksum();
        Bytes.put16(p, 22, ethertype);
        System.arraycopy(inner, 0, p, 24, inner.length);
        return p;
    }

    private static byte[] bpfGreV6(byte[] inner, int ethertype) {
        byte[] p = new byte[44 + inner.length];
        Ipv6Header ip6 = new Ipv6Header().wrap(p, 0).versionClassFlow(0, 0);
        ip6.payloadLength(p.length - 40).nextHeader(IpProtocol.GRE).hopLimit(64)
                .src(Ipv6Header.parse("fd00:12::1")).dst(Ipv6Header.parse("fd00:12::2"));
        Bytes.put16(p, 42, ethertype);
        System.arraycopy(inner, 0, p, 44, inner.length);
        return p;
    }

    @Test
    void shouldDecapsulateGrePushedByBpfLwtPushEncapForEveryFamilyMix() {
        b.config("""
                ip link add gre_dev type gre local 10.0.12.2 remote 10.0.12.1 ttl 255
                ip link set gre_dev up
                ip link add gre6_dev type ip6gre local fd00:12::2 remote fd00:12::1
                ip link set gre6_dev up
                """);
        assertThat(b.inject("eth0", bpfGreV4(v4(64), 0x0800))).as("outer consumed").isEqualTo(Outcome.DELIVERED);
        net.run();
        assertThat(b.lastSent("lan")).isEqualTo(v4(63));
        b.inject("eth0", bpfGreV4(v6(64), 0x86dd));
        net.run();
        assertThat(b.lastSent("lan")).isEqualTo(v6(63));
        b.inject("eth0", bpfGreV6(v4(64), 0x0800));
        net.run();
        assertThat(b.lastSent("lan")).isEqualTo(v4(63));
        b.inject("eth0", bpfGreV6(v6(64), 0x86dd));
        net.run();
        assertThat(b.lastSent("lan")).isEqualTo(v6(63));
        assertThat(b.pipeline.counters().outcomes(Outcome.FORWARDED)).as("four inner packets").isEqualTo(4);
        assertThat(b.device("gre_dev").rxPackets).isEqualTo(2);
        assertThat(b.device("gre6_dev").rxPackets).isEqualTo(2);
    }

    @Test
    void shouldDeliverLocallyWhenTheInnerPacketIsForTheTunnelEndpoint() {
        b.config("""
                ip link add gre_dev type gre local 10.0.12.2 remote 10.0.12.1
                ip link set gre_dev up
                ip addr add 172.16.16.100/32 dev gre_dev
                """);
        byte[] ping = PacketBuilder.ipv4("10.0.1.5", "172.16.16.100").icmpEchoRequest(1, 1, 56);
        b.inject("eth0", bpfGreV4(ping, 0x0800));
        net.run();
        assertThat(b.pipeline.counters().outcomes(Outcome.DELIVERED)).as("outer decapsulated, inner echo answered")
                .isEqualTo(2);
        assertThat(b.device("gre_dev").rxPackets).isEqualTo(1);
    }

    // ------------------------------------------------------------------ MTU

    @Test
    void shouldReduceTheTunnelMtuByItsOverhead() {
        a.config("""
                ip link add gre1 type gre local 10.0.12.1 remote 10.0.12.2
                ip link add gre2 type gre local 10.0.12.1 remote 10.0.12.3 key 1
                ip link add ipip1 type ipip local 10.0.12.1 remote 10.0.12.2
                ip link add sit1 type sit local 10.0.12.1 remote 10.0.12.2
                ip link add ip6tnl1 type ip6tnl local fd00:12::1 remote fd00:12::2
                ip link add ip6gre1 type ip6gre local fd00:12::1 remote fd00:12::2
                ip link add vx1 type vxlan id 1 dstport 4789 remote 10.0.12.2
                ip link add vx2 type vxlan id 2 dstport 4789 remote 10.0.12.2 dev eth0
                ip link set eth0 mtu 1400
                ip link add gre3 type gre local 10.0.12.1 remote 10.0.12.2
                """);
        assertThat(a.device("gre1").mtu()).isEqualTo(1476);
        assertThat(a.device("gre2").mtu()).isEqualTo(1472);
        assertThat(a.device("ipip1").mtu()).isEqualTo(1480);
        assertThat(a.device("sit1").mtu()).isEqualTo(1480);
        assertThat(a.device("ip6tnl1").mtu()).isEqualTo(1452);
        assertThat(a.device("ip6gre1").mtu()).isEqualTo(1448);
        assertThat(a.device("vx1").mtu()).isEqualTo(1500);
        assertThat(a.device("vx2").mtu()).isEqualTo(1450);
        assertThat(a.device("gre3").mtu()).as("sized from the device of the route to the remote").isEqualTo(1376);
    }

    @Test
    void shouldAnswerFragNeededWithTheTunnelMtuForDfPackets() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        byte[] big = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").dontFragment().udp(1, 2, new byte[1500 - 28]);
        assertThat(a.inject("lan", big)).isEqualTo(Outcome.DROPPED);
        assertThat(a.pipeline.lastDropReason()).isEqualTo(DropReason.MTU);
        byte[] icmp = a.lastSent("lan");
        assertThat(icmp[20]).isEqualTo((byte) IcmpHeader.DEST_UNREACH);
        assertThat(icmp[21]).isEqualTo((byte) 4); // fragmentation needed
        assertThat(Bytes.u16(icmp, 26)).isEqualTo(1476);
        assertThat(a.sentOn("eth0")).isEmpty();
    }

    @Test
    void shouldAnswerFragNeededWhenThePathBehindTheTunnelShrank() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        a.config("ip route add 10.0.12.2/32 dev eth0 mtu 1300");
        byte[] big = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").dontFragment().udp(1, 2, new byte[1400 - 28]);
        assertThat(a.inject("lan", big)).isEqualTo(Outcome.DROPPED);
        assertThat(a.drops(DropReason.MTU)).isEqualTo(1);
        assertThat(Bytes.u16(a.lastSent("lan"), 26)).isEqualTo(1300 - 24);
        assertThat(a.device("t1").txDropped).isEqualTo(1);
    }

    @Test
    void shouldFragmentNonDfInnerPacketsToTheTunnelMtu() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        byte[] big = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").udp(1, 2, new byte[2000]);
        a.inject("lan", big);
        net.run();
        for (byte[] outer : a.sentOn("eth0")) {
            assertThat(outer.length).isLessThanOrEqualTo(1500);
        }
        assertThat(a.sentOn("eth0")).hasSize(2);
        assertThat(b.sentOn("lan")).hasSize(2);
    }

    // ------------------------------------------------------------------ errors on transmit

    @Test
    void shouldDropWhenTheRouteToTheRemoteGoesThroughTheTunnel() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        a.config("ip route add 10.0.12.2/32 dev t1");
        assertThat(a.inject("lan", v4(64))).isEqualTo(Outcome.DROPPED);
        assertThat(a.drops(DropReason.TUNNEL_LOOP)).isEqualTo(1);
        assertThat(a.tunnels.byName("t1").txErrors).isEqualTo(1);
    }

    @Test
    void shouldDropAndReportUnreachableWhenTheRemoteHasNoRoute() {
        tunnel("type ipip local 10.0.12.1 remote 192.0.2.1", "type ipip local 10.0.12.2 remote 10.0.12.1");
        assertThat(a.inject("lan", v4(64))).isEqualTo(Outcome.DROPPED);
        assertThat(a.pipeline.lastDropReason()).isEqualTo(DropReason.NO_ROUTE);
        byte[] icmp = a.lastSent("lan");
        assertThat(icmp[20]).isEqualTo((byte) IcmpHeader.DEST_UNREACH);
        assertThat(icmp[21]).isEqualTo((byte) IcmpHeader.HOST_UNREACH);
    }

    @Test
    void shouldRefuseIpv6OnAnIpipTunnel() {
        tunnel("type ipip local 10.0.12.1 remote 10.0.12.2", "type ipip local 10.0.12.2 remote 10.0.12.1");
        assertThat(a.inject("lan", v6(64))).isEqualTo(Outcome.DROPPED);
        assertThat(a.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_INNER);
    }

    // ------------------------------------------------------------------ checksums and ECN

    @Test
    void shouldSendAndVerifyGreChecksums() {
        for (TestNet.Router r : java.util.List.of(a, b)) {
            boolean isA = r == a;
            ConfigCommand.TunnelAdd add = (ConfigCommand.TunnelAdd) new IpCommandParser(null, false).parseLine(
                    "ip link add t1 type gre local "
                            + (isA ? "10.0.12.1 remote 10.0.12.2" : "10.0.12.2 remote 10.0.12.1"),
                    1);
            r.tunnels.add(TunnelConfig.of(add).withChecksums(true, true));
            r.config("ip link set t1 up\nip route add " + (isA ? "10.0.2.0/24" : "10.0.1.0/24") + " dev t1");
        }
        assertThat(a.device("t1").mtu()).isEqualTo(1472);
        byte[] outer = assertRoundTrip(true);
        assertThat(Bytes.u16(outer, 20)).isEqualTo(0x8000);
        assertThat(io.lwtemu.node.packet.InternetChecksum.verify(outer, 20, outer.length - 20)).isTrue();
        outer[outer.length - 1] ^= 1; // corrupt the payload: the GRE checksum no longer matches
        assertThat(b.inject("eth0", outer)).isEqualTo(Outcome.DROPPED);
        assertThat(b.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_HEADER);
    }

    @Test
    void shouldDropPacketsWithoutChecksumOnATunnelThatRequiresOne() {
        ConfigCommand.TunnelAdd add = (ConfigCommand.TunnelAdd) new IpCommandParser(null, false)
                .parseLine("ip link add gre_dev type gre local 10.0.12.2 remote 10.0.12.1", 1);
        b.tunnels.add(TunnelConfig.of(add).withChecksums(true, false));
        b.config("ip link set gre_dev up");
        assertThat(b.inject("eth0", bpfGreV4(v4(64), 0x0800))).isEqualTo(Outcome.DROPPED);
        assertThat(b.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_HEADER);
        assertThat(b.tunnels.byName("gre_dev").rxErrors).isEqualTo(1);
    }

    @Test
    void shouldCopyOuterCongestionToEcnCapableInnerPacketsAndDropOthers() {
        b.config("ip link add gre_dev type gre local 10.0.12.2 remote 10.0.12.1\nip link set gre_dev up");
        byte[] ect = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").ttl(64).tos(0x02).udp(1234, 5678, PAYLOAD);
        byte[] outer = bpfGreV4(ect, 0x0800);
        new Ipv4Header().wrap(outer, 0).tos(0x03).updateChecksum();
        assertThat(b.inject("eth0", outer)).isEqualTo(Outcome.DELIVERED);
        net.run();
        byte[] out = b.lastSent("lan");
        Ipv4Header ip = new Ipv4Header().wrap(out, 0);
        assertThat(ip.tos() & 3).as("CE").isEqualTo(3);
        assertThat(ip.verifyChecksum()).isTrue();
        byte[] notEct = bpfGreV4(v4(64), 0x0800);
        new Ipv4Header().wrap(notEct, 0).tos(0x03).updateChecksum();
        assertThat(b.inject("eth0", notEct)).isEqualTo(Outcome.DROPPED);
        assertThat(b.pipeline.lastDropReason()).isEqualTo(DropReason.TUNNEL_BAD_INNER);
    }

    @Test
    void shouldKeepTheInnerEcnBitsInTheOuterHeader() {
        tunnel("type gre local 10.0.12.1 remote 10.0.12.2", "type gre local 10.0.12.2 remote 10.0.12.1");
        a.inject("lan", PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").tos(0x03).udp(1, 2, PAYLOAD));
        assertThat(a.lastSent("eth0")[Ipv4Header.TOS]).as("CE inside becomes ECT(0) outside").isEqualTo((byte) 2);
        a.inject("lan", PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").tos(0xb9).udp(1, 2, PAYLOAD));
        assertThat(a.lastSent("eth0")[Ipv4Header.TOS]).as("DSCP not inherited, ECT(1) kept").isEqualTo((byte) 1);
    }

    @Test
    void shouldRefuseATunnelOnAMissingDevice() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> a.config("ip link add vx9 type vxlan id 9 dstport 4789 remote 10.0.12.2 dev nope"))
                .hasMessageContaining("Cannot find device \"nope\"");
    }

    @Test
    void shouldAdoptADeviceAnApplierAlreadyCreated() {
        a.devices.add("gre9", 1500).setUp(true);
        ConfigCommand.TunnelAdd add = (ConfigCommand.TunnelAdd) new IpCommandParser(null, false)
                .parseLine("ip link add gre9 type gre local 10.0.12.1 remote 10.0.12.2", 1);
        TunnelDevice t = a.tunnels.adopt(TunnelConfig.of(add));
        assertThat(t.device()).isSameAs(a.device("gre9"));
        assertThat(a.device("gre9").mtu()).isEqualTo(1476);
        assertThat(a.device("gre9").isUp()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.tunnels.adopt(TunnelConfig.of(add)))
                .hasMessageContaining("already a tunnel");
    }
}
