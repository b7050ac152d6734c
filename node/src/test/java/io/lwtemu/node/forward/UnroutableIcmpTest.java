package io.lwtemu.node.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.PacketBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ICMP message the router cannot route back to the offending packet's sender is never built, as in Linux
 * (icmp_route_lookup fails before __icmp_send builds anything; icmp6_send likewise): the offending packet is
 * counted once with its own reason and no no_route drop appears for a message that does not exist.
 */
class UnroutableIcmpTest {
    /** 172.16.5.5 and 2001:db8:77::5 are not reachable from the test router (no default route). */
    private static final String STRANGER = "172.16.5.5";
    private static final String STRANGER6 = "2001:db8:77::5";

    private TestRouter r;

    @BeforeEach
    void setUp() {
        r = new TestRouter();
        r.route("10.0.9.0/24", "10.0.2.1", "eth1", null);
        r.route("2001:db8:9::/64", "2001:db8:2::1", "eth1", null);
    }

    @Test
    void shouldNotSendOrCountATimeExceededItCannotRouteBack() {
        r.receive(r.eth0, PacketBuilder.ipv4(STRANGER, "10.0.9.9").ttl(1).icmpEchoRequest(1, 1, 56));

        assertThat(r.outcomes).containsExactly("DROPPED ttl_expired eth0");
        assertThat(r.sent).isEmpty();
        assertThat(r.pipeline.counters().drops(DropReason.TTL_EXPIRED)).isEqualTo(1);
        assertThat(r.pipeline.counters().drops(DropReason.NO_ROUTE)).isZero();
    }

    @Test
    void shouldStillSendTheTimeExceededWhenTheSenderIsRoutable() {
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").ttl(1).icmpEchoRequest(1, 1, 56));

        assertThat(r.outcomes).containsExactly("gen FORWARDED eth0", "DROPPED ttl_expired eth0");
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).type()).isEqualTo(IcmpHeader.TIME_EXCEEDED);
    }

    @Test
    void shouldCountAnUnroutablePacketOnceWhenItsSenderIsUnroutableToo() {
        r.receive(r.eth0, PacketBuilder.ipv4(STRANGER, "192.168.7.7").udp(1, 2, new byte[8]));

        assertThat(r.outcomes).containsExactly("DROPPED no_route eth0");
        assertThat(r.pipeline.counters().drops(DropReason.NO_ROUTE)).isEqualTo(1);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldNotSendAnErrorThroughAnErrorRouteBack() {
        r.fib.addRoute(Route.builder(Prefix.parse("172.16.0.0/16", null)).type(RouteType.BLACKHOLE).build());
        r.fib.addRoute(Route.builder(Prefix.parse("172.17.0.0/16", null)).type(RouteType.UNREACHABLE).build());

        r.receive(r.eth0, PacketBuilder.ipv4(STRANGER, "10.0.9.9").ttl(1).udp(1, 2, new byte[8]));
        r.receive(r.eth0, PacketBuilder.ipv4("172.17.0.1", "10.0.9.9").ttl(1).udp(1, 2, new byte[8]));

        assertThat(r.outcomes).containsExactly("DROPPED ttl_expired eth0", "DROPPED ttl_expired eth0");
        assertThat(r.pipeline.counters().drops(DropReason.BLACKHOLE)).isZero();
        assertThat(r.pipeline.counters().drops(DropReason.UNREACHABLE)).isZero();
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldNotSendOrCountAnIpv6TimeExceededItCannotRouteBack() {
        r.receive(r.eth0, PacketBuilder.ipv6(STRANGER6, "2001:db8:9::9").ttl(1).udp(1, 2, new byte[10]));

        assertThat(r.outcomes).containsExactly("DROPPED ttl_expired eth0");
        assertThat(r.pipeline.counters().drops(DropReason.NO_ROUTE)).isZero();
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldNotAnswerAnEchoRequestFromASenderItCannotRouteBack() {
        assertThat(r.receive(r.eth0, PacketBuilder.ipv4(STRANGER, "10.0.1.254").icmpEchoRequest(7, 1, 8)))
                .isEqualTo(Outcome.DELIVERED);

        assertThat(r.outcomes).containsExactly("DELIVERED eth0");
        assertThat(r.pipeline.counters().drops(DropReason.NO_ROUTE)).isZero();
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldStillCountAnApplicationsPacketWithoutRouteAsNoRoute() {
        r.pipeline.sendOriginated(PacketBuilder.ipv4("10.0.1.254", STRANGER).udp(1, 2, new byte[8]));

        assertThat(r.outcomes).containsExactly("gen DROPPED no_route");
        assertThat(r.pipeline.counters().drops(DropReason.NO_ROUTE)).isEqualTo(1);
    }
}
