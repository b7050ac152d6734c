package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * Receives locally addressed packets of one IP protocol (IPIP 4, IPv6 41, GRE 47, UDP 17 for FOU/VXLAN): the
 * place where tunnel decapsulation plugs in. A handler that decapsulates re-injects the inner packet with
 * {@link ForwardingPipeline#receive}; the outer packet then counts as delivered.
 */
@FunctionalInterface
public interface LocalProtocolHandler {
    /** Returns true when the packet was consumed; false lets the pipeline continue as if no handler existed. */
    boolean handle(SkBuff skb, NetDevice ingress, int l4Offset);
}
