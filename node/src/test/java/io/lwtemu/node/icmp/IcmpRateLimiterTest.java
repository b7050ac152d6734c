package io.lwtemu.node.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import org.junit.jupiter.api.Test;

class IcmpRateLimiterTest {
    private static final long MS = 1_000_000L;
    private final IcmpRateLimiter limiter = IcmpRateLimiter.linuxDefaults();

    private int allowedTimeExceeded(int dst, long now, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.allowV4(IcmpHeader.TIME_EXCEEDED, 0, dst, now)) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void shouldAllowABurstOfSixThenOnePerSecondPerPeer() {
        assertThat(allowedTimeExceeded(1, 0, 20)).isEqualTo(6);
        assertThat(allowedTimeExceeded(1, 999 * MS, 1)).isZero();
        assertThat(allowedTimeExceeded(1, 1000 * MS, 5)).isEqualTo(1);
        assertThat(allowedTimeExceeded(2, 1000 * MS, 20)).as("another peer has its own bucket").isEqualTo(6);
        assertThat(allowedTimeExceeded(1, 60_000 * MS, 20)).as("refilled only up to the burst").isEqualTo(6);
        assertThat(limiter.suppressed).isGreaterThan(0);
    }

    @Test
    void shouldNeverLimitFragNeededOrTypesOutsideTheMask() {
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.allowV4(IcmpHeader.DEST_UNREACH, IcmpHeader.FRAG_NEEDED, 1, 0)).isTrue();
            assertThat(limiter.allowV4(IcmpHeader.ECHO_REPLY, 0, 1, 0)).isTrue();
            assertThat(limiter.allowV6(Icmpv6Header.PKT_TOOBIG, 0, 1, 128, 0)).isTrue();
        }
        assertThat(limiter.allowV4(IcmpHeader.DEST_UNREACH, IcmpHeader.PORT_UNREACH, 1, 0)).isTrue();
    }

    @Test
    void shouldShortenTheIpv6IntervalForShortRoutes() {
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            ok += limiter.allowV6(Icmpv6Header.TIME_EXCEED, 0, 9, 64, 0) ? 1 : 0;
        }
        assertThat(ok).isEqualTo(6);
        // plen 64: tmo = 1000 ms >> 2 = 250 ms
        assertThat(limiter.allowV6(Icmpv6Header.TIME_EXCEED, 0, 9, 64, 250 * MS)).isTrue();
        assertThat(limiter.allowV6(Icmpv6Header.TIME_EXCEED, 0, 9, 64, 260 * MS)).isFalse();
    }

    @Test
    void shouldAllowEverythingWhenDisabled() {
        limiter.setEnabled(false);
        assertThat(allowedTimeExceeded(1, 0, 50)).isEqualTo(50);
    }
}
