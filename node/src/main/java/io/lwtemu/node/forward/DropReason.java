package io.lwtemu.node.forward;

import java.util.Locale;

/**
 * Why a packet was dropped, named after the kernel's {@code enum skb_drop_reason} where one exists so a report
 * can be held next to {@code perf trace -e skb:kfree_skb}. {@link #label()} is the lower-case name users see.
 */
public enum DropReason {
    /** Header too short, bad version/IHL, lengths inconsistent (IP_INHDR / PKT_TOO_SMALL). */
    MALFORMED,
    /** IPv4 header checksum wrong (IP_CSUM). */
    CHECKSUM,
    /** Source address that can never be a sender: multicast, broadcast (IP_INADDRERRORS / martian source). */
    MARTIAN_SOURCE,
    /** No route matched (-ENETUNREACH; IP_INNOROUTES). */
    NO_ROUTE,
    /** An unreachable route or rule matched. */
    UNREACHABLE,
    /** A prohibit route or rule matched. */
    PROHIBITED,
    /** A blackhole route or rule matched: silent drop. */
    BLACKHOLE,
    /** TTL / hop limit would reach 0 (IP_INHDR after ICMP time exceeded). */
    TTL_EXPIRED,
    /** Larger than the path MTU and not fragmentable: DF set or IPv6 (PKT_TOO_BIG). */
    MTU,
    /** An LWT program returned BPF_DROP (-EPERM). */
    BPF_DROP,
    /** An LWT program returned a value the hook does not know (-EINVAL, "Illegal return value"). */
    BPF_ILLEGAL_RETURN,
    /** The program could not complete in the emulator (runtime fault the kernel's verifier would have prevented). */
    BPF_FAULT,
    /** BPF_REDIRECT without a usable bpf_redirect() target, or the redirect failed. */
    BPF_REDIRECT_FAILED,
    /** LWT xmit returned BPF_OK after changing skb->protocol (-EINVAL; BPF_LWT_REROUTE was required). */
    LWT_PROTOCOL_CHANGED,
    /** lwtunnel_{input,output,xmit}(): recursion limit reached on datapath. */
    LWT_RECURSION_LIMIT,
    /** The route carries an encap type this pipeline does not model. */
    UNSUPPORTED_ENCAP,
    /** A tunnel device cannot carry the packet (inner family not allowed by its mode, no remote address). */
    TUNNEL_ENCAP,
    /** seg6/seg6local could not process the packet: no valid SRH, segments left 0 (or not 0 for decap), wrong family. */
    SEG6,
    /** The egress (or redirect target) device is down. */
    LINK_DOWN,
    /** The route names a device that does not exist. */
    NO_DEVICE,
    /** The egress queue refused the packet. */
    QUEUE_FULL,
    /** Local delivery: no listener on the UDP/TCP port (ICMP port unreachable sent). */
    NO_SOCKET,
    /** Local delivery: no handler for the IP protocol (ICMP protocol unreachable sent). */
    UNHANDLED_PROTO,
    /** Local delivery: fragment queued, overlapping, over memory or timed out (IP_FRAG*). */
    FRAG_REASM;

    /** Lower-case name as shown in reports ("bpf_drop"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
