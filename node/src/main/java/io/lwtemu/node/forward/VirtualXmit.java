package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * Transmit function of a virtual (tunnel) device: build the outer packet around {@code skb} and hand it to
 * {@link ForwardingPipeline#localOut}; {@code skb} itself is left as it was so the pipeline can report it as sent
 * on the tunnel. Returns null when the outer packet was sent on, or why the inner packet has to be dropped.
 */
@FunctionalInterface
public interface VirtualXmit {
    DropReason xmit(SkBuff skb, NetDevice dev);
}
