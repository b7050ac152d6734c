package io.lwtemu.node.impair;

import java.util.SplittableRandom;

/**
 * netem's {@code crndstate}: 32-bit random numbers where each value leans on the previous one by the correlation
 * rho ({@code next = (u * (2^32 - rho) + last * rho) >> 32}). Like netem's, the mixed values are no longer uniform
 * (their spread shrinks as rho grows); users who pass a correlation get what the kernel gives them.
 */
final class CorrelatedRandom {
    private final long rho;
    private long last;

    /** {@code correlation} in [0, 1]; the first {@code last} is drawn from {@code rng} (netem: init_crandom). */
    CorrelatedRandom(double correlation, SplittableRandom rng) {
        this.rho = Netem.u32(correlation);
        this.last = rho == 0 ? 0 : Netem.next32(rng);
    }

    /** The next value in [0, 2^32). */
    long next(SplittableRandom rng) {
        long value = Netem.next32(rng);
        if (rho == 0) {
            return value;
        }
        long r = rho + 1;
        // value * (2^32 - r) + last * r < 2^64: unsigned shift of the (possibly sign-wrapped) sum is exact.
        long answer = (value * ((1L << 32) - r) + last * r) >>> 32;
        last = answer;
        return answer;
    }
}
