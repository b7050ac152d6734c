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
    FRAG_REASM,
    /** Tunnel decap: no tunnel device (up) matches the outer addresses (ICMP port unreachable sent, like gre_rcv). */
    TUNNEL_NO_MATCH,
    /** Tunnel decap: a tunnel matches the outer addresses but not the GRE key (ip_tunnel_lookup fails). */
    TUNNEL_KEY_MISMATCH,
    /** Tunnel decap: bad GRE header (version, flags), GRE checksum wrong or checksum flag not as configured. */
    TUNNEL_BAD_HEADER,
    /** Tunnel decap: the inner packet is not of a kind the tunnel carries (mode, inner EtherType). */
    TUNNEL_BAD_INNER,
    /** Tunnel xmit: the outer packet would go back into the tunnel, or tunnels nest too deep (dead loop). */
    TUNNEL_LOOP,
    /** Tunnel xmit: no remote to send to (NBMA tunnel without a destination). */
    TUNNEL_NO_REMOTE,
    /** VXLAN decap: no vxlan device has the packet's VNI (VXLAN_VNI_NOT_FOUND), or the I flag is missing. */
    VXLAN_VNI_NOT_FOUND,
    /** SRv6: no valid Segment Routing Header where the action needs one, or segments left is 0 (seg6local). */
    SEG6_INVALID_SRH,
    /** SRv6 End.DX4/End.DX6: segments left not 0 or no inner packet of the expected family to decapsulate. */
    SEG6_DECAP_FAILED,
    /** SRv6 encap: the packet cannot take this encapsulation (inline needs IPv6, headers do not fit). */
    SEG6_ENCAP_FAILED,
    // Causes outside one router's pipeline: links, faults, the cluster and TUN devices.
    /** A link impairment (netem-style loss model) dropped the packet on the wire. */
    LOSS,
    /** The router crashed or is stopped: packets to it, queued in it or in flight inside it are lost. */
    ROUTER_DOWN,
    /** The router is paused and its configuration drops (rather than queues) what arrives meanwhile. */
    ROUTER_PAUSED,
    /** The cluster member hosting the router (or the link's far end) left or crashed. */
    MEMBER_DOWN,
    /** A network partition between cluster members cut the link. */
    PARTITIONED,
    /** A TUN device refused the packet (device down, host side not reading, queue full). */
    TUN_DROP;

    /** Lower-case name as shown in reports ("bpf_drop"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
