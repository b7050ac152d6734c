package io.lwtemu.node.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpSenderTest {
    private static final int ROUTER = Ipv4Header.parse("10.0.1.254");
    private static final byte[] ROUTER6 = Ipv6Header.parse("2001:db8:1::fe");
    private final IcmpSender sender = new IcmpSender();

    @Test
    void shouldQuoteTheWholeSmallPacketInTimeExceeded() {
        byte[] ping = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").ttl(1).tos(0x10).icmpEchoRequest(7, 3, 56);
        byte[] err = sender.timeExceeded(ping, 0, ping.length, ROUTER);
        assertThat(err).hasSize(20 + 8 + 84);
        Ipv4Header ip = new Ipv4Header().wrap(err, 0);
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(ip.src()).isEqualTo(ROUTER);
        assertThat(Ipv4Header.format(ip.dst())).isEqualTo("10.0.1.1");
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.tos()).isEqualTo(0xc0 | 0x10);
        assertThat(ip.dontFragment()).isFalse();
        assertThat(ip.protocol()).isEqualTo(IpProtocol.ICMP);
        IcmpHeader icmp = new IcmpHeader().wrap(err, 20);
        assertThat(icmp.type()).isEqualTo(IcmpHeader.TIME_EXCEEDED);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.verifyChecksum(8 + 84)).isTrue();
        assertThat(Arrays.copyOfRange(err, 28, err.length)).isEqualTo(ping);
    }

    @Test
    void shouldLimitIpv4ErrorsTo576Bytes() {
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 1400);
        byte[] err = sender.destUnreachable(big, 0, big.length, IcmpHeader.HOST_UNREACH, ROUTER);
        assertThat(err).hasSize(576);
        assertThat(new Ipv4Header().wrap(err, 0).totalLength()).isEqualTo(576);
        assertThat(Arrays.copyOfRange(err, 28, 576)).isEqualTo(Arrays.copyOfRange(big, 0, 548));
    }

    @Test
    void shouldAnnounceNextHopMtuInFragNeeded() {
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 1472);
        byte[] err = sender.fragNeeded(big, 0, big.length, 1400, ROUTER);
        IcmpHeader icmp = new IcmpHeader().wrap(err, 20);
        assertThat(icmp.type()).isEqualTo(IcmpHeader.DEST_UNREACH);
        assertThat(icmp.code()).isEqualTo(IcmpHeader.FRAG_NEEDED);
        assertThat(icmp.mtu()).isEqualTo(1400);
        assertThat(Bytes.u16(err, 24)).isZero();
    }

    @Test
    void shouldNeverSendAnErrorAboutAnIcmpError() {
        byte[] ping = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 8);
        byte[] err = sender.timeExceeded(ping, 0, ping.length, ROUTER);
        // the error itself expires on its way back
        assertThat(sender.timeExceeded(err, 0, err.length, ROUTER)).isNull();
        // but an echo request (informational) does get one
        assertThat(sender.timeExceeded(ping, 0, ping.length, ROUTER)).isNotNull();
    }

    @Test
    void shouldNotAnswerLaterFragmentsOrMulticastOrBroadcast() {
        byte[] frag = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").udp(1, 2, new byte[16]);
        new Ipv4Header().wrap(frag, 0).fragOff(2).updateChecksum();
        assertThat(sender.timeExceeded(frag, 0, frag.length, ROUTER)).isNull();
        new Ipv4Header().wrap(frag, 0).fragOff(Ipv4Header.FLAG_MF).updateChecksum();
        assertThat(sender.timeExceeded(frag, 0, frag.length, ROUTER)).as("first fragment").isNotNull();

        byte[] mcast = PacketBuilder.ipv4("10.0.1.1", "224.0.0.5").udp(1, 2, new byte[4]);
        assertThat(sender.timeExceeded(mcast, 0, mcast.length, ROUTER)).isNull();
        byte[] bcast = PacketBuilder.ipv4("10.0.1.1", "255.255.255.255").udp(1, 2, new byte[4]);
        assertThat(sender.destUnreachable(bcast, 0, bcast.length, IcmpHeader.PORT_UNREACH, ROUTER)).isNull();
        byte[] zeroSrc = PacketBuilder.ipv4("0.0.0.0", "10.0.0.1").udp(68, 67, new byte[4]);
        assertThat(sender.destUnreachable(zeroSrc, 0, zeroSrc.length, IcmpHeader.PORT_UNREACH, ROUTER)).isNull();
    }

    @Test
    void shouldChooseTheLocalDestinationAsSourceWhenAddressedToUs() {
        int dst = Ipv4Header.parse("10.0.2.1");
        assertThat(IcmpSender.chooseSourceV4(true, dst, ROUTER)).isEqualTo(dst);
        assertThat(IcmpSender.chooseSourceV4(false, dst, ROUTER)).isEqualTo(ROUTER);
    }

    @Test
    void shouldReplyToEchoRequests() {
        byte[] ping = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").tos(0x20).icmpEchoRequest(0x77, 9, 56);
        byte[] reply = sender.echoReply(ping, 0, ping.length);
        Ipv4Header ip = new Ipv4Header().wrap(reply, 0);
        assertThat(Ipv4Header.format(ip.src())).isEqualTo("10.0.2.1");
        assertThat(Ipv4Header.format(ip.dst())).isEqualTo("10.0.1.1");
        assertThat(ip.tos()).isEqualTo(0x20);
        assertThat(ip.verifyChecksum()).isTrue();
        IcmpHeader icmp = new IcmpHeader().wrap(reply, 20);
        assertThat(icmp.type()).isEqualTo(IcmpHeader.ECHO_REPLY);
        assertThat(icmp.id()).isEqualTo(0x77);
        assertThat(icmp.sequence()).isEqualTo(9);
        assertThat(icmp.verifyChecksum(64)).isTrue();
        assertThat(Arrays.copyOfRange(reply, 28, 84)).isEqualTo(Arrays.copyOfRange(ping, 28, 84));
        byte[] expected = PacketBuilder.ipv4("10.0.2.1", "10.0.1.1").tos(0x20).icmpEchoReply(0x77, 9, 56);
        assertThat(Arrays.copyOfRange(reply, 20, 84)).isEqualTo(Arrays.copyOfRange(expected, 20, 84));
        assertThat(sender.echoReply(reply, 0, reply.length)).as("no reply to a reply").isNull();
    }

    @Test
    void shouldSendIcmpv6ErrorsUpTo1280Bytes() {
        byte[] big = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:9::9").udp(1000, 2000, new byte[1400]);
        byte[] err = sender.packetTooBig(big, 0, big.length, 1280, ROUTER6);
        assertThat(err).hasSize(1280);
        Ipv6Header ip6 = new Ipv6Header().wrap(err, 0);
        assertThat(ip6.payloadLength()).isEqualTo(1240);
        assertThat(ip6.hopLimit()).isEqualTo(64);
        assertThat(Ipv6Header.format(err, ip6.dstOffset())).isEqualTo("2001:db8:1::1");
        Icmpv6Header icmp = new Icmpv6Header().wrap(err, 40);
        assertThat(icmp.type()).isEqualTo(Icmpv6Header.PKT_TOOBIG);
        assertThat(icmp.mtu()).isEqualTo(1280);
        assertThat(icmp.verifyChecksum(err, 0, 1240)).isTrue();
        assertThat(Arrays.copyOfRange(err, 48, 1280)).isEqualTo(Arrays.copyOfRange(big, 0, 1232));

        byte[] small = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:9::9").icmpEchoRequest(1, 1, 8);
        byte[] te = sender.timeExceededV6(small, 0, small.length, ROUTER6);
        assertThat(te).hasSize(40 + 8 + small.length);
        assertThat(new Icmpv6Header().wrap(te, 40).type()).isEqualTo(Icmpv6Header.TIME_EXCEED);
        assertThat(sender.timeExceededV6(te, 0, te.length, ROUTER6)).as("error about error").isNull();
    }

    @Test
    void shouldApplyIcmpv6MulticastAndSourceRules() {
        byte[] toGroup = PacketBuilder.ipv6("2001:db8:1::1", "ff02::1").udp(1, 2, new byte[4]);
        assertThat(sender.timeExceededV6(toGroup, 0, toGroup.length, ROUTER6)).isNull();
        assertThat(sender.packetTooBig(toGroup, 0, toGroup.length, 1280, ROUTER6)).as("PTB to multicast allowed")
                .isNotNull();
        byte[] anySrc = PacketBuilder.ipv6("::", "2001:db8::1").udp(1, 2, new byte[4]);
        assertThat(sender.destUnreachableV6(anySrc, 0, anySrc.length, Icmpv6Header.NOROUTE, ROUTER6)).isNull();
    }

    @Test
    void shouldReplyToIcmpv6EchoReflectingTrafficClass() {
        byte[] ping = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").tos(0xb8).icmpEchoRequest(5, 6, 32);
        byte[] reply = sender.echoReplyV6(ping, 0, ping.length, null);
        Ipv6Header ip6 = new Ipv6Header().wrap(reply, 0);
        assertThat(ip6.trafficClass()).isEqualTo(0xb8);
        assertThat(Ipv6Header.format(reply, ip6.srcOffset())).isEqualTo("2001:db8:2::1");
        Icmpv6Header icmp = new Icmpv6Header().wrap(reply, 40);
        assertThat(icmp.type()).isEqualTo(Icmpv6Header.ECHO_REPLY);
        assertThat(icmp.id()).isEqualTo(5);
        assertThat(icmp.verifyChecksum(reply, 0, 40)).isTrue();
    }
}
