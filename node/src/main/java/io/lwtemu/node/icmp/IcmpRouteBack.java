package io.lwtemu.node.icmp;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;

/**
 * The route lookup Linux makes before it sends an ICMP message: {@code icmp_route_lookup} in {@code __icmp_send}
 * and the output route in {@code icmp_reply} (net/ipv4/icmp.c), {@code icmpv6_xrlim_allow} and
 * {@code icmpv6_route_lookup} in {@code icmp6_send} / {@code icmpv6_echo_reply} (net/ipv6/icmp.c). When it fails
 * (no route back to the offending packet's sender, or an unreachable, prohibit or blackhole route or rule) the
 * kernel gives up before building anything: no message exists, so there is nothing to count, while the offending
 * packet keeps its own outcome (ttl_expired, no_route, ...).
 */
public final class IcmpRouteBack {
    private IcmpRouteBack() {
    }

    /**
     * Whether the output route lookup (from "lo", mark 0, as for every locally generated packet) for the message
     * {@code packet}, already addressed to the offending packet's sender, succeeds. A packet too short to carry
     * addresses counts as routable, so that ip_local_out drops it as malformed with a reason.
     *
     * @param scratch result holder, overwritten
     */
    public static boolean routable(Fib fib, byte[] packet, FibResult scratch) {
        int version = packet.length < 1 ? 0 : (packet[0] & 0xff) >>> 4;
        if (version == 4 && packet.length >= Ipv4Header.MIN_LENGTH) {
            fib.fibLookup(Family.INET, packet, Ipv4Header.DST, Ipv4Header.SRC, 0, "lo", null, scratch);
        } else if (version == 6 && packet.length >= Ipv6Header.LENGTH) {
            fib.fibLookup(Family.INET6, packet, Ipv6Header.DST, Ipv6Header.SRC, 0, "lo", null, scratch);
        } else {
            return true;
        }
        return !scratch.status.isError();
    }
}
