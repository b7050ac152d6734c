package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * Sees packets where tcpdump and friends would: set on a {@link ForwardingPipeline} only while a capture runs, so
 * a pipeline without a tap pays one null check per point. The callee must copy what it keeps; the skb goes on.
 */
@FunctionalInterface
public interface PacketTap {
    /** Where on an interface a packet is seen. */
    enum Point {
        /** As received on the interface, before routing (tcpdump -i IF -Q in). */
        INGRESS,
        /** Routed out of the interface, before the route's LWT out/xmit programs run. */
        EGRESS,
        /** Handed to the device after the xmit program: what goes on the wire (tcpdump -i IF -Q out). */
        AFTER_XMIT
    }

    void tap(Point point, NetDevice dev, SkBuff skb);
}
