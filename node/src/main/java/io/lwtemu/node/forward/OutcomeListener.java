package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/** Sees every packet's final outcome on a router: the raw material of hop-by-hop reports and traces. */
@FunctionalInterface
public interface OutcomeListener {
    /**
     * @param dev egress device for FORWARDED, ingress (or null) otherwise
     * @param generated true for packets this router created (ICMP errors, echo replies, clones)
     */
    void onOutcome(SkBuff skb, Outcome outcome, DropReason reason, NetDevice dev, boolean generated);
}
