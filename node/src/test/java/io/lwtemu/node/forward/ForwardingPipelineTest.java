package io.lwtemu.node.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain forwarding without LWT: validation, routing, TTL, MTU, ICMP, local delivery, counters. */
class ForwardingPipelineTest {
    private TestRouter r;

    @BeforeEach
    void setUp() {
        r = new TestRouter();
        r.route("10.0.9.0/24", "10.0.2.1", "eth1", null);
        r.route("2001:db8:9::/64", "2001:db8:2::1", "eth1", null);
    }

    private static byte[] ping(int ttl) {
        return PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").ttl(ttl).icmpEchoRequest(1, 1, 56);
    }

    @Test
    void shouldForwardAndDecrementTtl() {
        assertThat(r.receive(r.eth0, ping(64))).isEqualTo(Outcome.FORWARDED);
        TestRouter.Sent s = r.only();
        assertThat(s.dev()).isEqualTo("eth1");
        Ipv4Header ip = new Ipv4Header().wrap(s.packet(), 0);
        assertThat(ip.ttl()).isEqualTo(63);
        assertThat(ip.verifyChecksum()).isTrue();
        assertThat(s.route().gateway.toString()).isEqualTo("10.0.2.1");
        assertThat(r.eth0.rxPackets).isEqualTo(1);
        assertThat(r.eth1.txPackets).isEqualTo(1);
        assertThat(r.pipeline.counters().outcomes(Outcome.FORWARDED)).isEqualTo(1);
        assertThat(r.pipeline.counters().routeHits(s.route())).isEqualTo(1);
    }

    @Test
    void shouldDropWhenTtlExpiresAndSendTimeExceeded() {
        assertThat(r.receive(r.eth0, ping(1))).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
        TestRouter.Sent err = r.only();
        assertThat(err.dev()).isEqualTo("eth0");
        Ipv4Header ip = new Ipv4Header().wrap(err.packet(), 0);
        assertThat(Ipv4Header.format(ip.src())).isEqualTo("10.0.1.254");
        assertThat(Ipv4Header.format(ip.dst())).isEqualTo("10.0.1.1");
        assertThat(new IcmpHeader().wrap(err.packet(), 20).type()).isEqualTo(IcmpHeader.TIME_EXCEEDED);
        assertThat(r.outcomes).containsExactly("gen FORWARDED eth0", "DROPPED ttl_expired eth0");
        assertThat(r.pipeline.counters().drops(DropReason.TTL_EXPIRED)).isEqualTo(1);
        assertThat(r.eth0.rxDropped).isEqualTo(1);
    }

    @Test
    void shouldRateLimitTimeExceededPerSenderLikeLinux() {
        for (int i = 0; i < 10; i++) {
            r.receive(r.eth0, ping(1));
        }
        assertThat(r.sent).as("burst of 6 at the same instant").hasSize(6);
        assertThat(r.pipeline.counters().drops(DropReason.TTL_EXPIRED)).isEqualTo(10);
        r.now += 1_000_000_000L;
        r.receive(r.eth0, ping(1));
        assertThat(r.sent).hasSize(7);
    }

    @Test
    void shouldAnswerMissingAndErrorRoutesLikeIpError() {
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "192.168.7.7").icmpEchoRequest(1, 1, 8));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.NO_ROUTE);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).code()).isEqualTo(IcmpHeader.NET_UNREACH);

        r.fib.addRoute(Route.builder(Prefix.parse("192.168.1.0/24", null)).type(RouteType.UNREACHABLE).build());
        r.fib.addRoute(Route.builder(Prefix.parse("192.168.2.0/24", null)).type(RouteType.PROHIBIT).build());
        r.fib.addRoute(Route.builder(Prefix.parse("192.168.3.0/24", null)).type(RouteType.BLACKHOLE).build());
        r.sent.clear();
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "192.168.1.1").udp(1, 2, new byte[4]));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.UNREACHABLE);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).code()).isEqualTo(IcmpHeader.HOST_UNREACH);
        r.sent.clear();
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "192.168.2.1").udp(1, 2, new byte[4]));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.PROHIBITED);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).code()).isEqualTo(IcmpHeader.PKT_FILTERED);
        r.sent.clear();
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "192.168.3.1").udp(1, 2, new byte[4]));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BLACKHOLE);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldAnswerAnUnreachableRuleWithNetUnreachable() {
        // iif eth0: the router's own ICMP answer is looked up with iif lo and escapes the rule, as on Linux.
        r.fib.addRule(new io.lwtemu.node.fib.RoutingRule(Family.INET, 10, null, null, 0, 0, "eth0", null,
                io.lwtemu.node.fib.RoutingRule.Action.UNREACHABLE, 0));
        r.receive(r.eth0, ping(64));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.UNREACHABLE);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).code()).isEqualTo(IcmpHeader.NET_UNREACH);
    }

    @Test
    void shouldSendFragNeededForDontFragmentPacketsAboveTheMtu() {
        r.eth1.mtu(1400);
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 1472);
        r.receive(r.eth0, big);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MTU);
        IcmpHeader icmp = new IcmpHeader().wrap(r.only().packet(), 20);
        assertThat(icmp.code()).isEqualTo(IcmpHeader.FRAG_NEEDED);
        assertThat(icmp.mtu()).isEqualTo(1400);
    }

    @Test
    void shouldFragmentPacketsWithoutDontFragment() {
        r.eth1.mtu(1000);
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 2000);
        assertThat(r.receive(r.eth0, big)).isEqualTo(Outcome.FORWARDED);
        assertThat(r.sent).hasSize(3);
        assertThat(r.sent).allSatisfy(s -> {
            assertThat(s.packet().length).isLessThanOrEqualTo(1000);
            assertThat(new Ipv4Header().wrap(s.packet(), 0).ttl()).isEqualTo(63);
        });
    }

    @Test
    void shouldUseTheRouteMtuBeforeTheDeviceMtu() {
        r.route("10.0.8.0/24", null, "eth1", null);
        r.fib.replaceRoute(Route.builder(Prefix.parse("10.0.8.0/24", null)).dev("eth1").mtu(1300).build());
        byte[] p = PacketBuilder.ipv4("10.0.1.1", "10.0.8.8").dontFragment().icmpEchoRequest(1, 1, 1300);
        r.receive(r.eth0, p);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).mtu()).isEqualTo(1300);
    }

    @Test
    void shouldAnswerEchoRequestsForOwnAddresses() {
        byte[] p = PacketBuilder.ipv4("10.0.1.1", "10.0.2.254").icmpEchoRequest(3, 4, 56);
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.DELIVERED);
        TestRouter.Sent reply = r.only();
        assertThat(reply.dev()).isEqualTo("eth0");
        Ipv4Header ip = new Ipv4Header().wrap(reply.packet(), 0);
        assertThat(Ipv4Header.format(ip.src())).isEqualTo("10.0.2.254");
        assertThat(new IcmpHeader().wrap(reply.packet(), 20).type()).isEqualTo(IcmpHeader.ECHO_REPLY);

        r.sent.clear();
        byte[] p6 = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::fe").icmpEchoRequest(3, 4, 56);
        assertThat(r.receive(r.eth0, p6)).isEqualTo(Outcome.DELIVERED);
        assertThat(new Icmpv6Header().wrap(r.only().packet(), 40).type()).isEqualTo(Icmpv6Header.ECHO_REPLY);
    }

    @Test
    void shouldAnswerUdpToAClosedPortWithPortUnreachable() {
        byte[] p = PacketBuilder.ipv4("10.0.1.1", "10.0.1.254").udp(3333, 33434, new byte[8]);
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.NO_SOCKET);
        byte[] err = r.only().packet();
        assertThat(new IcmpHeader().wrap(err, 20).code()).isEqualTo(IcmpHeader.PORT_UNREACH);
        assertThat(Ipv4Header.format(new Ipv4Header().wrap(err, 0).src())).isEqualTo("10.0.1.254");

        r.acceptLocal = true;
        r.sent.clear();
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.DELIVERED);
        assertThat(r.delivered).hasSize(1);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldPassLocalTunnelPacketsToProtocolHandlers() {
        int[] seenOffset = new int[1];
        r.pipeline.setProtocolHandler(47, (skb, in, l4) -> {
            seenOffset[0] = l4 - skb.data;
            return true;
        });
        byte[] gre = PacketBuilder.ipv4("10.0.2.1", "10.0.2.254").raw(47, Bytes.fromHex("00000800"));
        assertThat(r.receive(r.eth1, gre)).isEqualTo(Outcome.DELIVERED);
        assertThat(seenOffset[0]).isEqualTo(20);
    }

    @Test
    void shouldDropMalformedPackets() {
        byte[] p = ping(64);
        p[10] ^= 1;
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.CHECKSUM);
        r.receive(r.eth0, new byte[] {0x45, 0, 0});
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MALFORMED);
        r.receive(r.eth0, new byte[] {0x10, 0, 0, 0});
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MALFORMED);
        byte[] longer = ping(64);
        new Ipv4Header().wrap(longer, 0).totalLength(200).updateChecksum();
        r.receive(r.eth0, longer);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MALFORMED);
        assertThat(r.pipeline.counters().drops(DropReason.MALFORMED)).isEqualTo(3);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldTrimTrailingBytesBeyondTheIpLength() {
        byte[] p = ping(64);
        byte[] padded = java.util.Arrays.copyOf(p, p.length + 10);
        r.receive(r.eth0, padded);
        assertThat(r.only().packet()).hasSize(p.length);
    }

    @Test
    void shouldDropOnLinkDownAndFullQueues() {
        r.eth1.setUp(false);
        r.receive(r.eth0, ping(64));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LINK_DOWN);
        assertThat(r.eth1.txDropped).isEqualTo(1);
        r.eth1.setUp(true);
        r.acceptTransmit = false;
        r.receive(r.eth0, ping(64));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.QUEUE_FULL);
        r.acceptTransmit = true;
        r.eth0.setUp(false);
        r.receive(r.eth0, ping(64));
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LINK_DOWN);
        assertThat(r.pipeline.counters().dropsByReason())
                .containsEntry(DropReason.LINK_DOWN, 2L).containsEntry(DropReason.QUEUE_FULL, 1L);
    }

    @Test
    void shouldForwardIpv6AndSendPacketTooBig() {
        byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:9::9").ttl(5).udp(1, 2, new byte[10]);
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.FORWARDED);
        assertThat(new Ipv6Header().wrap(r.only().packet(), 0).hopLimit()).isEqualTo(4);

        r.sent.clear();
        byte[] big = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:9::9").udp(1, 2, new byte[1600]);
        r.receive(r.eth0, big);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MTU);
        byte[] ptb = r.only().packet();
        assertThat(new Icmpv6Header().wrap(ptb, 40).type()).isEqualTo(Icmpv6Header.PKT_TOOBIG);
        assertThat(new Icmpv6Header().wrap(ptb, 40).mtu()).isEqualTo(1500);
        assertThat(Ipv6Header.format(ptb, 8)).isEqualTo("2001:db8:1::fe");

        r.sent.clear();
        byte[] expiring = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:9::9").ttl(1).udp(1, 2, new byte[10]);
        r.receive(r.eth0, expiring);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
        assertThat(new Icmpv6Header().wrap(r.only().packet(), 40).type()).isEqualTo(Icmpv6Header.TIME_EXCEED);
    }

    @Test
    void shouldReassembleFragmentsAddressedToTheRouter() {
        r.acceptLocal = true;
        byte[] whole = PacketBuilder.ipv4("10.0.1.1", "10.0.1.254").id(9).udp(1, 2, new byte[3000]);
        var frags = new io.lwtemu.node.icmp.Ipv4Fragmenter().fragment(whole, 0, whole.length, 1500);
        assertThat(r.receive(r.eth0, frags.get(1))).isEqualTo(Outcome.DELIVERED);
        assertThat(r.delivered).isEmpty();
        r.receive(r.eth0, frags.get(0));
        r.receive(r.eth0, frags.get(2));
        assertThat(r.delivered).hasSize(1);
        assertThat(r.delivered.get(0)).isEqualTo(whole);
    }

    @Test
    void shouldAnswerReassemblyTimeoutsWithTimeExceededFragtime() {
        byte[] whole = PacketBuilder.ipv4("10.0.1.1", "10.0.1.254").id(9).udp(1, 2, new byte[3000]);
        var frags = new io.lwtemu.node.icmp.Ipv4Fragmenter().fragment(whole, 0, whole.length, 1500);
        r.receive(r.eth0, frags.get(0));
        r.now = 29_000_000_000L;
        assertThat(r.pipeline.expireFragments()).isZero();
        r.now = 30_000_000_000L;
        assertThat(r.pipeline.expireFragments()).isEqualTo(1);
        byte[] err = r.only().packet();
        assertThat(new IcmpHeader().wrap(err, 20).type()).isEqualTo(IcmpHeader.TIME_EXCEEDED);
        assertThat(new IcmpHeader().wrap(err, 20).code()).isEqualTo(IcmpHeader.EXC_FRAGTIME);
        assertThat(Ipv4Header.format(new Ipv4Header().wrap(err, 0).src())).isEqualTo("10.0.1.254");
    }

    @Test
    void shouldReassembleIpv6FragmentsAddressedToTheRouter() {
        r.acceptLocal = true;
        byte[] whole = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:1::fe").udp(1, 2, new byte[3000]);
        var frags = io.lwtemu.node.icmp.Ipv6ReassemblyTest.fragmentV6(whole, 1232, 77);
        for (byte[] f : frags) {
            assertThat(r.receive(r.eth0, f)).isEqualTo(Outcome.DELIVERED);
        }
        assertThat(r.delivered).hasSize(1);
        assertThat(r.delivered.get(0)).isEqualTo(whole);
    }

    @Test
    void shouldResolveTheDeviceOfAGatewayOnlyRoute() {
        r.fib.addRoute(Route.builder(Prefix.parse("10.0.7.0/24", null)).via(io.lwtemu.node.fib.IpAddress.parse("10.0.3.1"))
                .build());
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "10.0.7.7").udp(1, 2, new byte[1]));
        assertThat(r.only().dev()).isEqualTo("eth2");
    }

    @Test
    void shouldKeepSkbFamilyFromTheVersionNibble() {
        SkBuff skb = SkBuff.of(ping(64), 0);
        skb.protocol = 0;
        r.pipeline.receive(r.eth0, skb);
        assertThat(skb.protocol).isEqualTo(SkBuff.ETH_P_IP);
        assertThat(Family.INET.af).isEqualTo(2);
    }
}
