package io.lwtemu.node.impair;

import java.util.SplittableRandom;

/**
 * netem's {@code loss_event}: random loss with correlation (CLG_RANDOM), the 4-state Markov model (CLG_4_STATES)
 * and Gilbert-Elliott (CLG_GILB_ELL), with the kernel's state numbering, thresholds as 32-bit fractions and the
 * order of its comparisons, so a tc user's parameters give the kernel's loss pattern statistics.
 */
final class LossGenerator {
    static final int TX_IN_GAP_PERIOD = 1;
    static final int TX_IN_BURST_PERIOD = 2;
    static final int LOST_IN_BURST_PERIOD = 3;
    static final int LOST_IN_GAP_PERIOD = 4;
    static final int GOOD_STATE = 1;
    static final int BAD_STATE = 2;

    private enum Model { RANDOM, FOUR_STATE, GILBERT_ELLIOTT }

    private final Model model;
    private final long loss;
    private final CorrelatedRandom lossCor;
    /** a1..a5 as in struct clgstate: 4-state p13, p31, p32, p14, p23; GE p, r, h, 1-k. */
    private final long a1;
    private final long a2;
    private final long a3;
    private final long a4;
    private final long a5;
    private int state = 1;

    LossGenerator(NetemSpec.Loss spec, SplittableRandom rng) {
        if (spec instanceof NetemSpec.Loss.FourState s) {
            model = Model.FOUR_STATE;
            a1 = Netem.u32(s.p13());
            a2 = Netem.u32(s.p31());
            a3 = Netem.u32(s.p32());
            a4 = Netem.u32(s.p14());
            a5 = Netem.u32(s.p23());
            loss = 0;
            lossCor = null;
        } else if (spec instanceof NetemSpec.Loss.GilbertElliott g) {
            model = Model.GILBERT_ELLIOTT;
            a1 = Netem.u32(g.p());
            a2 = Netem.u32(g.r());
            a3 = Netem.U32_MAX - Netem.u32(g.oneMinusH()); // tc passes h, the user writes 1-h
            a4 = Netem.u32(g.oneMinusK());
            a5 = 0;
            loss = 0;
            lossCor = null;
        } else {
            NetemSpec.Loss.Random r = (NetemSpec.Loss.Random) spec;
            model = Model.RANDOM;
            loss = Netem.u32(r.probability());
            lossCor = new CorrelatedRandom(r.correlation(), rng);
            a1 = a2 = a3 = a4 = a5 = 0;
        }
    }

    /** Whether the next packet is lost; advances the model's state. */
    boolean lossEvent(SplittableRandom rng) {
        return switch (model) {
            case RANDOM -> loss != 0 && loss >= lossCor.next(rng);
            case FOUR_STATE -> fourState(rng);
            case GILBERT_ELLIOTT -> gilbertElliott(rng);
        };
    }

    int state() {
        return state;
    }

    private boolean fourState(SplittableRandom rng) {
        long rnd = Netem.next32(rng);
        switch (state) {
            case TX_IN_GAP_PERIOD -> {
                if (rnd < a4) {
                    state = LOST_IN_GAP_PERIOD;
                    return true;
                } else if (rnd < a1 + a4) {
                    state = LOST_IN_BURST_PERIOD;
                    return true;
                }
                return false;
            }
            case TX_IN_BURST_PERIOD -> {
                if (rnd < a5) {
                    state = LOST_IN_BURST_PERIOD;
                    return true;
                }
                return false;
            }
            case LOST_IN_BURST_PERIOD -> {
                if (rnd < a3) {
                    state = TX_IN_BURST_PERIOD;
                    return false;
                } else if (rnd < a2 + a3) {
                    state = TX_IN_GAP_PERIOD;
                    return false;
                }
                return true;
            }
            default -> {
                state = TX_IN_GAP_PERIOD;
                return false;
            }
        }
    }

    private boolean gilbertElliott(SplittableRandom rng) {
        if (state == GOOD_STATE) {
            if (Netem.next32(rng) < a1) {
                state = BAD_STATE;
            }
            return Netem.next32(rng) < a4;
        }
        if (Netem.next32(rng) < a2) {
            state = GOOD_STATE;
        }
        return Netem.next32(rng) > a3;
    }
}
