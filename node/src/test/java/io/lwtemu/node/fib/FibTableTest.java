package io.lwtemu.node.fib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FibTableTest {

    private static Route route(String prefix, String dev) {
        return Route.builder(Prefix.parse(prefix, null)).dev(dev).build();
    }

    @Test
    void shouldPreferTheLongestMatchingPrefix() {
        FibTable t = new FibTable(254);
        t.add(route("0.0.0.0/0", "eth0"));
        t.add(route("10.0.0.0/8", "eth1"));
        t.add(route("10.1.0.0/16", "eth2"));
        t.add(route("10.1.2.3/32", "eth3"));
        assertThat(t.lookup(IpAddress.parse("10.1.2.3")).dev).isEqualTo("eth3");
        assertThat(t.lookup(IpAddress.parse("10.1.2.4")).dev).isEqualTo("eth2");
        assertThat(t.lookup(IpAddress.parse("10.2.0.1")).dev).isEqualTo("eth1");
        assertThat(t.lookup(IpAddress.parse("192.168.0.1")).dev).isEqualTo("eth0");
        assertThat(t.lookup(IpAddress.parse("2001:db8::1"))).isNull();
    }

    @Test
    void shouldPickTheLowestMetricAndRefuseDuplicates() {
        FibTable t = new FibTable(254);
        t.add(Route.builder(Prefix.parse("10.0.0.0/24", null)).dev("a").metric(100).build());
        t.add(Route.builder(Prefix.parse("10.0.0.0/24", null)).dev("b").metric(10).build());
        assertThat(t.lookup(IpAddress.parse("10.0.0.1")).dev).isEqualTo("b");
        assertThatThrownBy(() -> t.add(Route.builder(Prefix.parse("10.0.0.0/24", null)).dev("c").metric(10).build()))
                .isInstanceOf(FibException.class).hasMessage("File exists");
        t.replace(Route.builder(Prefix.parse("10.0.0.0/24", null)).dev("c").metric(10).build());
        assertThat(t.lookup(IpAddress.parse("10.0.0.1")).dev).isEqualTo("c");
        t.delete(Prefix.parse("10.0.0.0/24", null), 10, null, null, null);
        assertThat(t.lookup(IpAddress.parse("10.0.0.1")).dev).isEqualTo("a");
        t.delete(Prefix.parse("10.0.0.0/24", null), -1, null, null, null);
        assertThat(t.lookup(IpAddress.parse("10.0.0.1"))).isNull();
        assertThatThrownBy(() -> t.delete(Prefix.parse("10.0.0.0/24", null), -1, null, null, null))
                .hasMessage("No such process");
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void shouldMatchABruteForceReferenceForRandomIpv4Prefixes() {
        checkAgainstBruteForce(Family.INET, 7);
    }

    @Test
    void shouldMatchABruteForceReferenceForRandomIpv6Prefixes() {
        checkAgainstBruteForce(Family.INET6, 11);
    }

    /** Random prefixes clustered on few top bits so they nest; random inserts, deletes and lookups. */
    private static void checkAgainstBruteForce(Family family, long seed) {
        Random rnd = new Random(seed);
        FibTable t = new FibTable(254);
        List<Route> reference = new ArrayList<>();
        for (int round = 0; round < 2000; round++) {
            if (reference.isEmpty() || rnd.nextInt(4) != 0) {
                Prefix p = randomPrefix(family, rnd);
                if (!t.routes(p).isEmpty()) {
                    continue;
                }
                Route r = Route.builder(p).dev("r" + round).build();
                t.add(r);
                reference.add(r);
            } else {
                Route victim = reference.remove(rnd.nextInt(reference.size()));
                assertThat(t.delete(victim.prefix, -1, null, null, null)).isSameAs(victim);
            }
            for (int q = 0; q < 5; q++) {
                IpAddress a = randomAddress(family, rnd);
                Route expected = null;
                for (Route r : reference) {
                    if (r.prefix.contains(a) && (expected == null || r.prefix.length() > expected.prefix.length())) {
                        expected = r;
                    }
                }
                assertThat(t.lookup(a)).as("round %d lookup %s", round, a).isSameAs(expected);
            }
        }
        assertThat(t.routes(family)).hasSameSizeAs(reference);
    }

    private static IpAddress randomAddress(Family family, Random rnd) {
        // Few distinct high bits so that random prefixes nest and share paths.
        long hi = ((long) rnd.nextInt(4) << 62) | (rnd.nextLong() >>> 2 & (rnd.nextBoolean() ? -1L : 0xffL));
        if (family == Family.INET) {
            return IpAddress.v4((int) (hi >>> 32));
        }
        return new IpAddress(Family.INET6, hi, rnd.nextBoolean() ? rnd.nextLong() : 0);
    }

    private static Prefix randomPrefix(Family family, Random rnd) {
        IpAddress a = randomAddress(family, rnd);
        int len = rnd.nextInt(family.bits + 1);
        return new Prefix(family, a.hi() & Prefix.maskHi(len), a.lo() & Prefix.maskLo(len), len);
    }
}
