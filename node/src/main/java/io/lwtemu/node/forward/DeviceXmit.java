package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * The transmit function of a virtual device ({@code ndo_start_xmit} of a tunnel): when a {@link NetDevice} has
 * one, the pipeline hands packets routed to that device here instead of to the {@link Egress}. The function owns
 * the packet's outcome: a tunnel encapsulates and continues the same packet with
 * {@link ForwardingPipeline#localOut} (ip_tunnel_xmit routes the outer packet again), or ends it with
 * {@link ForwardingPipeline#dropPacket}. It also keeps the device's tx counters.
 */
@FunctionalInterface
public interface DeviceXmit {
    /**
     * @param in the device the packet came in on, or null for a packet this router generated
     * @param dev the device the packet is transmitted on (the one this function belongs to)
     */
    void xmit(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, NetDevice dev);
}
