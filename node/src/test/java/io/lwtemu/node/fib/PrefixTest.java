package io.lwtemu.node.fib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrefixTest {

    @Test
    void shouldParseIpv4AndIpv6Prefixes() {
        Prefix p4 = Prefix.parse("10.0.0.0/24", null);
        assertThat(p4.family()).isEqualTo(Family.INET);
        assertThat(p4.length()).isEqualTo(24);
        assertThat(p4.toString()).isEqualTo("10.0.0.0/24");
        assertThat(p4.contains(IpAddress.parse("10.0.0.77"))).isTrue();
        assertThat(p4.contains(IpAddress.parse("10.0.1.1"))).isFalse();

        Prefix p6 = Prefix.parse("2001:db8::/64", null);
        assertThat(p6.family()).isEqualTo(Family.INET6);
        assertThat(p6.toString()).isEqualTo("2001:db8::/64");
        assertThat(p6.contains(IpAddress.parse("2001:db8::1:2"))).isTrue();
        assertThat(p6.contains(IpAddress.parse("2001:db9::1"))).isFalse();
    }

    @Test
    void shouldTreatABareAddressAsHostPrefixAndDefaultAsZeroLength() {
        assertThat(Prefix.parse("10.1.2.3", null).length()).isEqualTo(32);
        assertThat(Prefix.parse("fc00::1", null).length()).isEqualTo(128);
        assertThat(Prefix.parse("default", Family.INET6)).isEqualTo(Prefix.defaultRoute(Family.INET6));
        assertThat(Prefix.parse("default", Family.INET).toString()).isEqualTo("0.0.0.0/0");
    }

    @Test
    void shouldRejectHostBitsLikeIpRoute() {
        assertThatThrownBy(() -> Prefix.parse("10.0.0.1/24", null))
                .hasMessage("Invalid prefix for given prefix length");
        assertThatThrownBy(() -> Prefix.parse("2001:db8::1/64", null))
                .hasMessage("Invalid prefix for given prefix length");
        assertThatThrownBy(() -> Prefix.parse("2001:db8::/129", null)).hasMessageContaining("invalid prefix length");
        assertThatThrownBy(() -> Prefix.parse("10.0.0.0/33", null)).hasMessageContaining("invalid prefix length");
        assertThatThrownBy(() -> Prefix.parse("10.0.0.0/x", null)).hasMessageContaining("invalid prefix length 'x'");
    }
}
