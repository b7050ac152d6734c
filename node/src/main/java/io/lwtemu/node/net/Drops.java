package io.lwtemu.node.net;

import io.lwtemu.node.forward.DropReason;

/**
 * Drop causes as counter indexes: the pipeline's {@link DropReason}s, then the causes only the network layer
 * sees. Reports print {@link #label(int)}.
 */
public final class Drops {
    private static final DropReason[] REASONS = DropReason.values();
    /** A host (ip_forward=0) received a packet that is not for it. */
    public static final int NOT_FORWARDING = REASONS.length;
    /** A packet entered a router and left no outcome: an accounting defect, reported loudly. */
    public static final int LOST = REASONS.length + 1;
    public static final int COUNT = REASONS.length + 2;

    private Drops() {
    }

    public static int of(DropReason r) {
        return r.ordinal();
    }

    public static String label(int index) {
        if (index < REASONS.length) {
            return REASONS[index].label();
        }
        return index == NOT_FORWARDING ? "not_forwarding" : "lost";
    }
}
