package io.lwtemu.node.forward;

/** The one way every packet that entered a router ends there. */
public enum Outcome {
    /** Handed to an egress interface (including a bpf_redirect target). */
    FORWARDED,
    /** Consumed by this host: echo answered, tunnel decapsulated, handed to the host stack/TUN. */
    DELIVERED,
    /** Dropped with a {@link DropReason}. */
    DROPPED
}
