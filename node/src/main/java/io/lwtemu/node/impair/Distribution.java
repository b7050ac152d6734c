package io.lwtemu.node.impair;

import java.util.Locale;
import org.apache.commons.math3.special.Erf;

/**
 * Delay jitter distributions of netem. iproute2 ships normal, pareto and paretonormal as generated tables (inverse
 * CDFs in units of the jitter, scaled by NETEM_DIST_SCALE into s16, so values are clipped to about +-4); here the
 * same inverse CDFs are computed directly from the uniform draw instead of looked up, with the same scaling and
 * clipping. Without a table netem draws uniformly from [latency - jitter, latency + jitter).
 */
public enum Distribution {
    UNIFORM,
    NORMAL,
    PARETO,
    PARETONORMAL;

    /** The s16 range of a netem table divided by NETEM_DIST_SCALE (8192). */
    static final double MIN = -32768 / 8192.0;
    static final double MAX = 32767 / 8192.0;
    /** pareto.c's shape parameter. */
    private static final double PARETO_ALPHA = 3.0;

    public String tcName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The distribution named as in {@code distribution NAME}, or null. */
    public static Distribution byTcName(String name) {
        for (Distribution d : values()) {
            if (d.tcName().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * The table value for the uniform draw {@code u} in [0, 1): a deviate in units of the jitter (sigma). Not used
     * for {@link #UNIFORM}, which netem computes from the raw 32-bit draw.
     */
    public double deviate(double u) {
        return switch (this) {
            case UNIFORM -> 2 * u - 1;
            case NORMAL -> clip(normal(u));
            case PARETO -> clip(pareto(1 - u));
            // paretonormal.c pairs the normal quantile q with the pareto value at 1 - q (both rise with q) and
            // mixes them 1:3 after clipping the pareto part.
            case PARETONORMAL -> clip((clip(normal(u)) + 3 * clip(pareto(1 - u))) / 4);
        };
    }

    /** Standard normal quantile. */
    static double normal(double q) {
        if (q <= 0) {
            return MIN;
        }
        return Math.sqrt(2) * Erf.erfInv(2 * q - 1);
    }

    /** pareto.c: (v^(-1/alpha) - 1.5) * 4/3 for v in (0, 1]: a Pareto(3) deviate shifted by its mean 1.5. */
    static double pareto(double v) {
        if (v <= 0) {
            return MAX;
        }
        return (Math.pow(v, -1.0 / PARETO_ALPHA) - 1.5) * (4.0 / 3.0);
    }

    private static double clip(double x) {
        return x < MIN ? MIN : x > MAX ? MAX : x;
    }
}
