package io.lwtemu.node.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class NetemTest {
    private static final int N = 100_000;
    private final byte[] pkt = new byte[100];

    private static Netem netem(String spec, long seed) {
        return new Netem(new SplittableRandom(seed), NetemSpec.parse(spec));
    }

    /** Loss outcome of N packets, one every microsecond (nothing is held, so the limit never bites). */
    private boolean[] losses(String spec) {
        Netem n = netem(spec, 7);
        boolean[] lost = new boolean[N];
        for (int i = 0; i < N; i++) {
            lost[i] = n.enqueue(i * 1000L, pkt, 0, pkt.length) == Netem.LOST;
        }
        return lost;
    }

    private static double rate(boolean[] lost) {
        int c = 0;
        for (boolean b : lost) {
            c += b ? 1 : 0;
        }
        return (double) c / lost.length;
    }

    private static double meanBurst(boolean[] lost) {
        int bursts = 0;
        int losses = 0;
        for (int i = 0; i < lost.length; i++) {
            if (lost[i]) {
                losses++;
                if (i == 0 || !lost[i - 1]) {
                    bursts++;
                }
            }
        }
        return (double) losses / bursts;
    }

    @Test
    void shouldLoseTheGivenFractionAtRandom() {
        assertThat(rate(losses("loss 10%"))).isCloseTo(0.10, within(0.005));
        assertThat(rate(losses("loss 0%"))).isZero();
        assertThat(rate(losses("loss 100%"))).isEqualTo(1.0);
    }

    @Test
    void shouldMakeALossMoreLikelyAfterALossWithCorrelation() {
        // netem mixes each draw with the previous one; like the kernel's, this also lowers the overall rate.
        assertThat(lossAfterLoss(losses("loss 30% 50%"))).isGreaterThan(1.5 * rate(losses("loss 30% 50%")));
        assertThat(lossAfterLoss(losses("loss 30%"))).isCloseTo(0.30, within(0.01));
    }

    private static double lossAfterLoss(boolean[] lost) {
        int prev = 0;
        int both = 0;
        for (int i = 1; i < lost.length; i++) {
            if (lost[i - 1]) {
                prev++;
                both += lost[i] ? 1 : 0;
            }
        }
        return (double) both / prev;
    }

    @Test
    void shouldFollowTheSimpleGilbertModel() {
        // p = 1 %, r = 10 %, loss only in the bad state: loss = p/(p+r), bursts of mean 1/r.
        boolean[] lost = losses("loss gemodel 1% 10%");
        assertThat(rate(lost)).isCloseTo(0.01 / 0.11, within(0.015));
        assertThat(meanBurst(lost)).isCloseTo(10.0, within(1.5));
    }

    @Test
    void shouldFollowTheGilbertElliottModelWithLossInBothStates() {
        double p = 0.05;
        double r = 0.20;
        double bad = p / (p + r);
        double expected = (1 - bad) * 0.02 + bad * 0.70;
        assertThat(rate(losses("loss gemodel 5% 20% 70% 2%"))).isCloseTo(expected, within(0.01));
    }

    @Test
    void shouldFollowTheFourStateModel() {
        double p13 = 0.02;
        double p31 = 0.30;
        double p32 = 0.20;
        double p23 = 0.50;
        double p14 = 0.01;
        // Stationary distribution of the chain by power iteration (index = state - 1).
        double[][] m = {
            {1 - p13 - p14, 0, p13, p14},
            {0, 1 - p23, p23, 0},
            {p31, p32, 1 - p31 - p32, 0},
            {1, 0, 0, 0}};
        double[] pi = {1, 0, 0, 0};
        for (int it = 0; it < 10_000; it++) {
            double[] nx = new double[4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    nx[j] += pi[i] * m[i][j];
                }
            }
            pi = nx;
        }
        double lossRate = pi[2] + pi[3];
        double burstStarts = pi[0] * (p13 + p14) + pi[1] * p23;
        boolean[] lost = losses("loss state 2% 30% 20% 50% 1%");
        assertThat(rate(lost)).isCloseTo(lossRate, within(0.01));
        assertThat(meanBurst(lost)).isCloseTo(lossRate / burstStarts, within(0.15));
    }

    @Test
    void shouldDuplicateTheGivenFractionWithAnUncorruptedCopy() {
        Netem n = netem("duplicate 5% corrupt 50%", 3);
        int dups = 0;
        for (int i = 0; i < N; i++) {
            byte[] b = new byte[64];
            n.enqueue(i * 1000L, b, 0, b.length);
            if (n.duplicateData() != null) {
                dups++;
                assertThat(n.duplicateData()).hasSize(64);
            }
        }
        assertThat((double) dups / N).isCloseTo(0.05, within(0.003));
        assertThat(n.duplicated).isEqualTo(dups);
    }

    @Test
    void shouldFlipExactlyOneBitAtARandomOffsetOfCorruptedPackets() {
        Netem n = netem("corrupt 1%", 5);
        int corrupted = 0;
        boolean[] offsets = new boolean[64];
        for (int i = 0; i < N; i++) {
            byte[] b = new byte[64];
            n.enqueue(i * 1000L, b, 0, b.length);
            int bits = 0;
            for (int k = 0; k < b.length; k++) {
                bits += Integer.bitCount(b[k] & 0xff);
                if (b[k] != 0) {
                    offsets[k] = true;
                }
            }
            assertThat(bits).isLessThanOrEqualTo(1);
            corrupted += bits;
        }
        assertThat((double) corrupted / N).isCloseTo(0.01, within(0.002));
        for (boolean o : offsets) {
            assertThat(o).isTrue();
        }
    }

    @Test
    void shouldSendEveryGapthPacketAtOnceWithFullReorderProbability() {
        Netem n = netem("delay 10ms reorder 100% gap 5", 1);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            delays.add(n.enqueue(0, pkt, 0, pkt.length));
        }
        long d = 10_000_000L;
        assertThat(delays).containsExactly(d, d, d, d, 0L, d, d, d, d, 0L, d, d, d, d, 0L);
        assertThat(n.reordered).isEqualTo(3);
    }

    @Test
    void shouldReorderTheGivenFraction() {
        Netem n = netem("delay 10ms reorder 25% limit 1000000", 9);
        int immediate = 0;
        for (int i = 0; i < N; i++) {
            if (n.enqueue(i, pkt, 0, pkt.length) == i) {
                immediate++;
            }
        }
        assertThat((double) immediate / N).isCloseTo(0.25, within(0.01));
    }

    @Test
    void shouldSerialiseAtTheRateWithPacketAndCellOverhead() {
        Netem plain = netem("rate 8mbit", 1);
        assertThat(plain.enqueue(0, new byte[1000], 0, 1000)).isEqualTo(1_000_000L);
        assertThat(plain.enqueue(0, new byte[1000], 0, 1000)).isEqualTo(2_000_000L);
        // Idle again later: the next packet starts at its own enqueue time.
        assertThat(plain.enqueue(5_000_000L, new byte[500], 0, 500)).isEqualTo(5_500_000L);

        assertThat(netem("rate 8mbit 20", 1).enqueue(0, new byte[1000], 0, 1000)).isEqualTo(1_020_000L);
        // 1000 bytes in 48-byte cells: 21 cells of 48 + 5 = 1113 bytes.
        assertThat(netem("rate 8mbit 0 48 5", 1).enqueue(0, new byte[1000], 0, 1000)).isEqualTo(1_113_000L);
        // With a delay, the delay runs from the enqueue and the serialisation follows the last packet.
        Netem delayed = netem("delay 10ms rate 8mbit", 1);
        assertThat(delayed.enqueue(0, new byte[1000], 0, 1000)).isEqualTo(11_000_000L);
        assertThat(delayed.enqueue(0, new byte[1000], 0, 1000)).isEqualTo(12_000_000L);
    }

    @Test
    void shouldTailDropBeyondTheLimitOfHeldPackets() {
        Netem n = netem("delay 10ms limit 3", 1);
        for (int i = 0; i < 3; i++) {
            assertThat(n.enqueue(0, pkt, 0, pkt.length)).isEqualTo(10_000_000L);
        }
        assertThat(n.enqueue(1, pkt, 0, pkt.length)).isEqualTo(Netem.QUEUE_FULL);
        assertThat(n.limitDrops).isEqualTo(1);
        assertThat(n.backlog(1)).isEqualTo(3);
        assertThat(n.enqueue(10_000_000L, pkt, 0, pkt.length)).isEqualTo(20_000_000L);
        assertThat(n.backlog(10_000_000L)).isEqualTo(1);
    }

    @Test
    void shouldDrawUniformJitterWithinLatencyPlusMinusJitter() {
        double[] ms = delays("delay 100ms 10ms limit 1000000");
        assertThat(Arrays.stream(ms).min().orElseThrow()).isGreaterThanOrEqualTo(90.0);
        assertThat(Arrays.stream(ms).max().orElseThrow()).isLessThan(110.0);
        assertThat(mean(ms)).isCloseTo(100.0, within(0.1));
        assertThat(stddev(ms)).isCloseTo(10.0 / Math.sqrt(3), within(0.1));
    }

    @Test
    void shouldDrawNormalJitter() {
        double[] ms = delays("delay 100ms 10ms distribution normal limit 1000000");
        assertThat(mean(ms)).isCloseTo(100.0, within(0.15));
        assertThat(stddev(ms)).isCloseTo(10.0, within(0.15));
        // Tables hold about +-4 sigma.
        assertThat(Arrays.stream(ms).min().orElseThrow()).isGreaterThanOrEqualTo(60.0);
    }

    @Test
    void shouldDrawParetoAndParetonormalJitterLikeIproute2Tables() {
        // Moments of the table shapes (pareto.c, paretonormal.c), integrated over the quantile.
        double[] pareto = moments(q -> Math.min(4, (Math.pow(1 - q, -1.0 / 3) - 1.5) * 4 / 3));
        double[] pn = moments(q -> {
            double normal = Math.sqrt(2) * Erf.erfInv(2 * q - 1);
            double par = Math.min(4, (Math.pow(1 - q, -1.0 / 3) - 1.5) * 4 / 3);
            return (normal + 3 * par) / 4;
        });
        double[] ms = delays("delay 100ms 10ms distribution pareto limit 1000000");
        assertThat(mean(ms)).isCloseTo(100 + 10 * pareto[0], within(0.15));
        assertThat(stddev(ms)).isCloseTo(10 * pareto[1], within(0.2));
        assertThat(Arrays.stream(ms).max().orElseThrow()).isLessThanOrEqualTo(140.0);
        ms = delays("delay 100ms 10ms distribution paretonormal limit 1000000");
        assertThat(mean(ms)).isCloseTo(100 + 10 * pn[0], within(0.15));
        assertThat(stddev(ms)).isCloseTo(10 * pn[1], within(0.2));
    }

    @Test
    void shouldGiveTheSameDecisionsForTheSameSeedOnly() {
        String spec = "delay 10ms 5ms distribution normal loss 5% duplicate 5% corrupt 5% reorder 10% limit 100000";
        assertThat(trace(spec, 42)).isEqualTo(trace(spec, 42)).isNotEqualTo(trace(spec, 43));
    }

    private long[] trace(String spec, long seed) {
        Netem n = netem(spec, seed);
        long[] out = new long[2 * 10_000];
        for (int i = 0; i < 10_000; i++) {
            byte[] b = new byte[64];
            out[2 * i] = n.enqueue(i * 1000L, b, 0, b.length);
            out[2 * i + 1] = Arrays.hashCode(b) * 31L + (n.duplicateData() == null ? 0 : n.duplicateTimeToSend());
        }
        return out;
    }

    private double[] delays(String spec) {
        Netem n = netem(spec, 11);
        double[] ms = new double[N];
        for (int i = 0; i < N; i++) {
            long now = i * 1000L;
            ms[i] = (n.enqueue(now, pkt, 0, pkt.length) - now) / 1e6;
        }
        return ms;
    }

    /** Mean and standard deviation of f(q) for q uniform in (0, 1), by the midpoint rule. */
    private static double[] moments(java.util.function.DoubleUnaryOperator f) {
        int steps = 2_000_000;
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < steps; i++) {
            double v = f.applyAsDouble((i + 0.5) / steps);
            s += v;
            s2 += v * v;
        }
        double mean = s / steps;
        return new double[] {mean, Math.sqrt(s2 / steps - mean * mean)};
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double stddev(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
    }
}
