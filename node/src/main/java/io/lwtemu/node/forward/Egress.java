package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Route;

/**
 * Where packets leave the pipeline. The router's actor implements it: links with impairments, TUN devices,
 * the host stack. Ownership of the skb passes to the callee.
 */
public interface Egress {
    /**
     * Sends {@code skb} out of {@code dev}. The next hop is {@code route.gateway} when set, otherwise the packet's
     * current destination (for an on-link route after an encap push that is the OUTER destination); {@code route}
     * is null after a bpf_redirect. Returns false when the device queue is full (the packet is then dropped).
     */
    boolean transmit(NetDevice dev, SkBuff skb, Route route);

    /**
     * Hands a packet for this host that the pipeline does not consume itself (UDP/TCP, unknown protocols) to the
     * host stack or TUN; false when nobody takes it (the pipeline then answers with ICMP unreachable).
     */
    default boolean deliverLocal(NetDevice ingress, SkBuff skb, int protocol) {
        return false;
    }

    /** A bpf_redirect with BPF_F_INGRESS: the packet appears as received on {@code dev} (netif_rx: queued, later). */
    default void receiveLater(NetDevice dev, SkBuff skb) {
    }

    /**
     * build_skb: an skb over {@code head[data, data+len)} (every other field as a new SkBuff has it) that the caller
     * passes on to {@link #receiveLater}. A router recycles the skbs it queued once their packet has ended, so a
     * decapsulation allocates no skb per packet.
     */
    default SkBuff buildSkb(byte[] head, int data, int len) {
        return new SkBuff(head, data, len);
    }
}
