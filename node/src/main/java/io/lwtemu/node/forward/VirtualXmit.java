package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * Transmit function of a virtual (tunnel) device: encapsulate {@code skb} in place and hand the outer packet to
 * {@link ForwardingPipeline#localOut}. Returns null when the outer packet was sent on, or why the inner packet
 * has to be dropped (it then must not have been handed on).
 */
@FunctionalInterface
public interface VirtualXmit {
    DropReason xmit(SkBuff skb, NetDevice dev);
}
