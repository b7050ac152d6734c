package io.lwtemu.node.icmp;

import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-destination ICMP error rate limit as Linux applies it (icmpv4_xrlim_allow / icmpv6_xrlim_allow with
 * inet_peer_xrlim_allow): a token bucket per peer address refilled in real (here: caller-supplied) time,
 * capped at {@code 6 * ratelimit}, one {@code ratelimit} spent per message. A new peer starts full, so a burst
 * of 6 passes, then one message per {@code ratelimit} (default 1000 ms).
 *
 * <p>Only the types of the default ratemasks are limited: IPv4 destination unreachable (except fragmentation
 * needed, which path MTU discovery relies on), source quench, time exceeded, parameter problem; IPv6 every error
 * except packet too big. For IPv6 the interval shrinks for short routes ({@code tmo >>= (128 - plen) >> 5}).
 * The global limit (icmp_msgs_per_sec) is not modelled.
 */
public final class IcmpRateLimiter {
    /** XRLIM_BURST_FACTOR. */
    public static final int BURST_FACTOR = 6;
    /** net.ipv4.icmp_ratelimit / net.ipv6.icmp.ratelimit default, 1000 ms. */
    public static final long DEFAULT_RATELIMIT_NANOS = 1_000_000_000L;
    /** net.ipv4.icmp_ratemask default 6168: dest unreach (3), source quench (4), time exceeded (11), param problem (12). */
    public static final int DEFAULT_RATEMASK_V4 = 6168;

    private record Peer(boolean v6, long hi, long lo) {}

    private static final class Bucket {
        long tokens;
        long last;
    }

    private final long ratelimitNanos;
    private final Map<Peer, Bucket> peers = new HashMap<>();
    private boolean enabled = true;
    public long suppressed;

    public IcmpRateLimiter(long ratelimitNanos) {
        this.ratelimitNanos = ratelimitNanos;
    }

    public static IcmpRateLimiter linuxDefaults() {
        return new IcmpRateLimiter(DEFAULT_RATELIMIT_NANOS);
    }

    /** Turns the limiter off (sysctl icmp_ratelimit=0). */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** True when an ICMPv4 error of this type/code to {@code dst} may be sent at {@code nowNanos}. */
    public boolean allowV4(int type, int code, int dst, long nowNanos) {
        if (!enabled || type > 31 || (DEFAULT_RATEMASK_V4 & (1 << type)) == 0
                || type == IcmpHeader.DEST_UNREACH && code == IcmpHeader.FRAG_NEEDED) {
            return true;
        }
        return allow(new Peer(false, dst & 0xffffffffL, 0), ratelimitNanos, nowNanos);
    }

    /**
     * True when an ICMPv6 error of this type to the address {@code dstHi/dstLo} may be sent; {@code routePlen}
     * is the prefix length of the route towards it.
     */
    public boolean allowV6(int type, long dstHi, long dstLo, int routePlen, long nowNanos) {
        if (!enabled || !Icmpv6Header.isError(type) || type == Icmpv6Header.PKT_TOOBIG) {
            return true;
        }
        long tmo = ratelimitNanos;
        if (routePlen < 128) {
            tmo >>= (128 - routePlen) >> 5;
        }
        return allow(new Peer(true, dstHi, dstLo), tmo, nowNanos);
    }

    private boolean allow(Peer peer, long timeout, long now) {
        Bucket b = peers.get(peer);
        if (b == null) {
            b = new Bucket();
            b.tokens = BURST_FACTOR * timeout;
            b.last = now;
            peers.put(peer, b);
        }
        long token = b.tokens + (now - b.last);
        b.last = now;
        if (token > BURST_FACTOR * timeout) {
            token = BURST_FACTOR * timeout;
        }
        boolean ok = false;
        if (token >= timeout) {
            token -= timeout;
            ok = true;
        }
        b.tokens = token;
        if (!ok) {
            suppressed++;
        }
        return ok;
    }
}
