package io.lwtemu.node.impair;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings of one netem instance, as {@code tc qdisc add dev X root netem ...} takes them (tc-netem(8)), so a
 * user can paste their tc options: {@code delay 100ms 10ms 25% distribution normal loss 0.3% 25% duplicate 1%
 * corrupt 0.1% reorder 25% 50% gap 5 rate 10mbit limit 1000}. Immutable; {@link #parse} reads the tc syntax and
 * {@link #toString} writes it back. Probabilities and correlations are fractions in [0, 1].
 *
 * @param limit packets netem may hold (delayed or waiting for its rate); beyond it: tail drop (queue_full)
 * @param latencyNs the added delay ({@code delay TIME})
 * @param jitterNs its spread ({@code delay TIME JITTER}); the standard deviation for table distributions
 * @param delayCorrelation {@code delay TIME JITTER CORRELATION}
 * @param distribution how the jitter is distributed ({@code distribution NAME}, uniform by default)
 * @param loss the loss model ({@code loss [random] P [CORR] | loss state ... | loss gemodel ...})
 * @param reorderGap {@code gap N}; with a reorder probability and no gap, tc sets gap 1 (every packet may jump)
 * @param rateBps {@code rate RATE} in bits per second; 0 = no rate limit
 */
public record NetemSpec(int limit, long latencyNs, long jitterNs, double delayCorrelation, Distribution distribution,
        Loss loss, double duplicate, double duplicateCorrelation, double corrupt, double corruptCorrelation,
        double reorder, double reorderCorrelation, int reorderGap, long rateBps, int packetOverhead, int cellSize,
        int cellOverhead) {

    /** tc's default {@code limit}. */
    public static final int DEFAULT_LIMIT = 1000;
    /** No impairment at all (netem with only its default limit). */
    public static final NetemSpec NONE = new NetemSpec(DEFAULT_LIMIT, 0, 0, 0, Distribution.UNIFORM, Loss.NONE, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** A loss generator's parameters: netem's CLG_RANDOM, CLG_4_STATES and CLG_GILB_ELL models. */
    public sealed interface Loss {
        Loss NONE = new Random(0, 0);

        /** {@code loss [random] PERCENT [CORRELATION]}: independent (or correlated) random loss. */
        record Random(double probability, double correlation) implements Loss {}

        /**
         * {@code loss state p13 [p31 [p32 [p23 [p14]]]]}: the 4-state Markov model of Salsano et al. (GI model):
         * 1 = received in a gap, 2 = received in a burst, 3 = lost in a burst, 4 = isolated loss.
         */
        record FourState(double p13, double p31, double p32, double p23, double p14) implements Loss {}

        /**
         * {@code loss gemodel p [r [1-h [1-k]]]}: Gilbert-Elliott with good/bad states; {@code p} = good to bad,
         * {@code r} = bad to good, {@code 1-h} = loss probability in the bad state, {@code 1-k} in the good one.
         */
        record GilbertElliott(double p, double r, double oneMinusH, double oneMinusK) implements Loss {}
    }

    /** Reads netem options in tc syntax; throws {@link NetemSyntaxException} naming the token and what was expected. */
    public static NetemSpec parse(String text) {
        return new NetemParser(text).parse();
    }

    /** True when these settings change nothing a packet would see (no delay, loss, ... only a limit). */
    public boolean isNoop() {
        return latencyNs == 0 && jitterNs == 0 && loss.equals(Loss.NONE) && duplicate == 0 && corrupt == 0
                && reorder == 0 && rateBps == 0;
    }

    public NetemSpec withLimit(int newLimit) {
        return new NetemSpec(newLimit, latencyNs, jitterNs, delayCorrelation, distribution, loss, duplicate,
                duplicateCorrelation, corrupt, corruptCorrelation, reorder, reorderCorrelation, reorderGap, rateBps,
                packetOverhead, cellSize, cellOverhead);
    }

    public NetemSpec withLoss(Loss newLoss) {
        return new NetemSpec(limit, latencyNs, jitterNs, delayCorrelation, distribution, newLoss, duplicate,
                duplicateCorrelation, corrupt, corruptCorrelation, reorder, reorderCorrelation, reorderGap, rateBps,
                packetOverhead, cellSize, cellOverhead);
    }

    /** The options in tc syntax; {@code parse(toString())} gives an equal spec. */
    @Override
    public String toString() {
        List<String> o = new ArrayList<>();
        o.add("limit " + limit);
        if (latencyNs != 0 || jitterNs != 0) {
            String d = "delay " + time(latencyNs);
            if (jitterNs != 0) {
                d += " " + time(jitterNs);
                if (delayCorrelation != 0) {
                    d += " " + pct(delayCorrelation);
                }
                if (distribution != Distribution.UNIFORM) {
                    d += " distribution " + distribution.tcName();
                }
            }
            o.add(d);
        }
        if (loss instanceof Loss.Random r && r.probability() != 0) {
            o.add("loss random " + pct(r.probability()) + (r.correlation() != 0 ? " " + pct(r.correlation()) : ""));
        } else if (loss instanceof Loss.FourState s) {
            o.add("loss state " + pct(s.p13()) + " " + pct(s.p31()) + " " + pct(s.p32()) + " " + pct(s.p23()) + " "
                    + pct(s.p14()));
        } else if (loss instanceof Loss.GilbertElliott g) {
            o.add("loss gemodel " + pct(g.p()) + " " + pct(g.r()) + " " + pct(g.oneMinusH()) + " "
                    + pct(g.oneMinusK()));
        }
        if (duplicate != 0) {
            o.add("duplicate " + pct(duplicate) + (duplicateCorrelation != 0 ? " " + pct(duplicateCorrelation) : ""));
        }
        if (corrupt != 0) {
            o.add("corrupt " + pct(corrupt) + (corruptCorrelation != 0 ? " " + pct(corruptCorrelation) : ""));
        }
        if (reorder != 0) {
            o.add("reorder " + pct(reorder) + (reorderCorrelation != 0 ? " " + pct(reorderCorrelation) : "")
                    + (reorderGap > 1 ? " gap " + reorderGap : ""));
        }
        if (rateBps != 0) {
            String r = "rate " + rateBps + "bit";
            if (packetOverhead != 0 || cellSize != 0 || cellOverhead != 0) {
                r += " " + packetOverhead;
                if (cellSize != 0 || cellOverhead != 0) {
                    r += " " + cellSize + (cellOverhead != 0 ? " " + cellOverhead : "");
                }
            }
            o.add(r);
        }
        return String.join(" ", o);
    }

    private static String time(long ns) {
        if (ns % 1_000_000 == 0) {
            return ns / 1_000_000 + "ms";
        }
        if (ns % 1_000 == 0) {
            return ns / 1_000 + "us";
        }
        return ns + "ns";
    }

    private static String pct(double f) {
        String s = String.format(Locale.ROOT, "%.10f", f * 100).replaceAll("0+$", "");
        return (s.endsWith(".") ? s.substring(0, s.length() - 1) : s) + "%";
    }
}
