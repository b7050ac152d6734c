package io.lwtemu.node.icmp;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;

/**
 * Builds ICMP and ICMPv6 error messages and echo replies the way Linux does ({@code __icmp_send} in
 * net/ipv4/icmp.c, {@code icmp6_send} in net/ipv6/icmp.c), including when it stays silent.
 *
 * <p>IPv4 errors are suppressed for: a destination that is multicast or limited broadcast, a source that is
 * 0.0.0.0, multicast or broadcast, a non-first fragment, an offending ICMP error (or unknown type > 18). The
 * message quotes the offending packet from its IP header so that the whole error is at most 576 bytes, gets
 * TOS {@code (tos & 0x1e) | 0xc0} (precedence "internetwork control"), TTL 64 and no DF.
 *
 * <p>IPv6 errors are suppressed for: a source that is unspecified or multicast, a multicast destination
 * (except packet-too-big and parameter-problem code 2), an offending ICMPv6 error or a non-first fragment of an
 * ICMPv6 message (is_ineligible). The error is at most 1280 bytes (IPV6_MIN_MTU), hop limit 64.
 *
 * <p>The source address is chosen by the caller, as Linux does it from routing: the offending packet's
 * destination when that is one of our addresses, else the preferred source of the route back to the sender
 * (see {@link #chooseSourceV4}). Whoever sends the message first checks the route back ({@link IcmpRouteBack})
 * and the per-peer rate limit ({@link IcmpRateLimiter}), as the kernel does before it builds one. Errors are new
 * packets, so these methods allocate; they are not on the per-packet fast path.
 */
public final class IcmpSender {
    /** Linux's ip_default_ttl and the IPv6 default hop limit. */
    public static final int DEFAULT_TTL = 64;
    /** RFC 1812 4.3.2.3 / Linux: an ICMPv4 error is at most 576 bytes. */
    public static final int MAX_ERROR_V4 = 576;
    /** IPV6_MIN_MTU: an ICMPv6 error is at most 1280 bytes. */
    public static final int MAX_ERROR_V6 = 1280;
    /** Highest ICMPv4 type the kernel knows (NR_ICMP_TYPES). */
    public static final int NR_ICMP_TYPES = 18;
    private static final int IPTOS_TOS_MASK = 0x1e;
    private static final int IPTOS_PREC_INTERNETCONTROL = 0xc0;

    private final Ipv4Header ip = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private int nextId = 1;

    /**
     * The source Linux puts on an ICMPv4 error: the offending packet's destination when it was addressed to us
     * (RTCF_LOCAL), otherwise the preferred source of the route back ({@code routeBackSrc}).
     */
    public static int chooseSourceV4(boolean destinedLocally, int offendingDst, int routeBackSrc) {
        return destinedLocally ? offendingDst : routeBackSrc;
    }

    /** True when Linux would answer this IPv4 packet with an ICMP error at all. */
    public boolean mayReplyV4(byte[] pkt, int off, int len) {
        if (len < Ipv4Header.MIN_LENGTH) {
            return false;
        }
        ip.wrap(pkt, off);
        int hlen = ip.headerLength();
        if (hlen < Ipv4Header.MIN_LENGTH || hlen > len) {
            return false;
        }
        int dst = ip.dst();
        int src = ip.src();
        if (Ipv4Header.isMulticast(dst) || Ipv4Header.isLimitedBroadcast(dst)) {
            return false;
        }
        if (src == 0 || Ipv4Header.isMulticast(src) || Ipv4Header.isLimitedBroadcast(src)) {
            return false;
        }
        if (ip.fragmentOffset() != 0) {
            return false;
        }
        if (ip.protocol() == IpProtocol.ICMP) {
            if (len < hlen + 1) {
                return false;
            }
            int type = pkt[off + hlen] & 0xff;
            if (type > NR_ICMP_TYPES || IcmpHeader.isError(type)) {
                return false;
            }
        }
        return true;
    }

    /**
     * An ICMPv4 error about the packet {@code pkt[off, off+len)}, or null when Linux would not send one.
     *
     * @param info next-hop MTU for FRAG_NEEDED, otherwise the rest-of-header word (usually 0)
     * @param src source address of the error (see {@link #chooseSourceV4})
     */
    public byte[] icmpSend(byte[] pkt, int off, int len, int type, int code, int info, int src) {
        if (!mayReplyV4(pkt, off, len)) {
            return null;
        }
        ip.wrap(pkt, off);
        int tos = (ip.tos() & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
        int dst = ip.src();
        int room = MAX_ERROR_V4 - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH;
        int quote = Math.min(len, room);
        byte[] out = new byte[Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH + quote];
        int icmpLen = IcmpHeader.LENGTH + quote;
        System.arraycopy(pkt, off, out, Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH, quote);
        IcmpHeader icmp = new IcmpHeader().wrap(out, Ipv4Header.MIN_LENGTH).type(type).code(code);
        if (type == IcmpHeader.DEST_UNREACH && code == IcmpHeader.FRAG_NEEDED) {
            icmp.rest(info & 0xffff);
        } else {
            icmp.rest(info);
        }
        icmp.updateChecksum(icmpLen);
        writeIpv4(out, tos, IpProtocol.ICMP, src, dst, icmpLen);
        return out;
    }

    /** Time exceeded in transit (TTL reached 0 on forwarding). */
    public byte[] timeExceeded(byte[] pkt, int off, int len, int src) {
        return icmpSend(pkt, off, len, IcmpHeader.TIME_EXCEEDED, IcmpHeader.EXC_TTL, 0, src);
    }

    /** Destination unreachable with {@code code} (NET_UNREACH, HOST_UNREACH, PORT_UNREACH, PKT_FILTERED ...). */
    public byte[] destUnreachable(byte[] pkt, int off, int len, int code, int src) {
        return icmpSend(pkt, off, len, IcmpHeader.DEST_UNREACH, code, 0, src);
    }

    /** Fragmentation needed and DF set, announcing the next-hop MTU (RFC 1191). */
    public byte[] fragNeeded(byte[] pkt, int off, int len, int mtu, int src) {
        return icmpSend(pkt, off, len, IcmpHeader.DEST_UNREACH, IcmpHeader.FRAG_NEEDED, mtu, src);
    }

    /**
     * icmp_echo(): the reply to an echo request addressed to us, from the request's destination back to its
     * source, same identifier, sequence, payload and TOS; null when the packet is not an echo request or was
     * sent to a broadcast/multicast address (icmp_echo_ignore_broadcasts).
     */
    public byte[] echoReply(byte[] pkt, int off, int len) {
        ip.wrap(pkt, off);
        int hlen = ip.headerLength();
        int total = Math.min(len, ip.totalLength());
        if (total < hlen + IcmpHeader.LENGTH || ip.protocol() != IpProtocol.ICMP
                || (pkt[off + hlen] & 0xff) != IcmpHeader.ECHO) {
            return null;
        }
        if (Ipv4Header.isMulticast(ip.dst()) || Ipv4Header.isLimitedBroadcast(ip.dst())) {
            return null;
        }
        int icmpLen = total - hlen;
        byte[] out = new byte[Ipv4Header.MIN_LENGTH + icmpLen];
        System.arraycopy(pkt, off + hlen, out, Ipv4Header.MIN_LENGTH, icmpLen);
        new IcmpHeader().wrap(out, Ipv4Header.MIN_LENGTH).type(IcmpHeader.ECHO_REPLY).code(0)
                .updateChecksum(icmpLen);
        writeIpv4(out, ip.tos(), IpProtocol.ICMP, ip.dst(), ip.src(), icmpLen);
        return out;
    }

    private void writeIpv4(byte[] out, int tos, int protocol, int src, int dst, int payloadLen) {
        new Ipv4Header().wrap(out, 0).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(tos)
                .totalLength(Ipv4Header.MIN_LENGTH + payloadLen).id(nextId++ & 0xffff).fragOff(0)
                .ttl(DEFAULT_TTL).protocol(protocol).src(src).dst(dst).updateChecksum();
    }

    // ------------------------------------------------------------------ IPv6

    /** True when Linux would answer this IPv6 packet with an ICMPv6 error of {@code type}/{@code code}. */
    public boolean mayReplyV6(byte[] pkt, int off, int len, int type, int code) {
        if (len < Ipv6Header.LENGTH) {
            return false;
        }
        ip6.wrap(pkt, off);
        if (Ipv6Header.isUnspecified(pkt, ip6.srcOffset()) || Ipv6Header.isMulticast(pkt, ip6.srcOffset())) {
            return false;
        }
        if (Ipv6Header.isMulticast(pkt, ip6.dstOffset())
                && !(type == Icmpv6Header.PKT_TOOBIG || type == Icmpv6Header.PARAMPROB && code == 2)) {
            return false;
        }
        return !isIneligible(pkt, off, len);
    }

    /** is_ineligible(): the offending packet is an ICMPv6 error, a truncated ICMPv6 header or a later fragment of one. */
    private boolean isIneligible(byte[] pkt, int off, int len) {
        int limit = off + len;
        int nexthdr = ip6.nextHeader();
        int pos = off + Ipv6Header.LENGTH;
        boolean laterFragment = false;
        while (Ipv6Header.isExtensionHeader(nexthdr)) {
            if (pos + 8 > limit) {
                return false;
            }
            int next = pkt[pos] & 0xff;
            int hlen;
            if (nexthdr == IpProtocol.FRAGMENT) {
                hlen = Ipv6Header.FRAG_HEADER_LENGTH;
                if ((Bytes.u16(pkt, pos + 2) & 0xfff8) != 0) {
                    laterFragment = true;
                    pos += hlen;
                    nexthdr = next;
                    break;
                }
            } else if (nexthdr == IpProtocol.AH) {
                hlen = ((pkt[pos + 1] & 0xff) + 2) * 4;
            } else {
                hlen = ((pkt[pos + 1] & 0xff) + 1) * 8;
            }
            pos += hlen;
            nexthdr = next;
        }
        if (nexthdr != IpProtocol.ICMPV6) {
            return false;
        }
        if (laterFragment || pos >= limit) {
            return true;
        }
        return Icmpv6Header.isError(pkt[pos] & 0xff);
    }

    /**
     * An ICMPv6 error about {@code pkt[off, off+len)}, or null when Linux would not send one.
     *
     * @param info MTU for PKT_TOOBIG, pointer for PARAMPROB, else 0
     * @param src 16-byte source address of the error
     */
    public byte[] icmpv6Send(byte[] pkt, int off, int len, int type, int code, long info, byte[] src) {
        if (!mayReplyV6(pkt, off, len, type, code)) {
            return null;
        }
        int quote = Math.min(len, MAX_ERROR_V6 - Ipv6Header.LENGTH - Icmpv6Header.LENGTH);
        int icmpLen = Icmpv6Header.LENGTH + quote;
        byte[] out = new byte[Ipv6Header.LENGTH + icmpLen];
        System.arraycopy(pkt, off, out, Ipv6Header.LENGTH + Icmpv6Header.LENGTH, quote);
        byte[] dst = new byte[16];
        System.arraycopy(pkt, off + Ipv6Header.SRC, dst, 0, 16);
        new Ipv6Header().wrap(out, 0).versionClassFlow(0, 0).payloadLength(icmpLen).nextHeader(IpProtocol.ICMPV6)
                .hopLimit(DEFAULT_TTL).src(src).dst(dst);
        new Icmpv6Header().wrap(out, Ipv6Header.LENGTH).type(type).code(code).mtu(info)
                .updateChecksum(out, 0, icmpLen);
        return out;
    }

    public byte[] timeExceededV6(byte[] pkt, int off, int len, byte[] src) {
        return icmpv6Send(pkt, off, len, Icmpv6Header.TIME_EXCEED, Icmpv6Header.EXC_HOPLIMIT, 0, src);
    }

    public byte[] destUnreachableV6(byte[] pkt, int off, int len, int code, byte[] src) {
        return icmpv6Send(pkt, off, len, Icmpv6Header.DEST_UNREACH, code, 0, src);
    }

    public byte[] packetTooBig(byte[] pkt, int off, int len, int mtu, byte[] src) {
        return icmpv6Send(pkt, off, len, Icmpv6Header.PKT_TOOBIG, 0, mtu & 0xffffffffL, src);
    }

    /**
     * icmpv6_echo_reply(): reply from the request's destination (or {@code srcIfMulticast} when the request went
     * to a multicast group), traffic class reflected, hop limit 64; null for anything but an echo request.
     */
    public byte[] echoReplyV6(byte[] pkt, int off, int len, byte[] srcIfMulticast) {
        ip6.wrap(pkt, off);
        int total = Math.min(len, Ipv6Header.LENGTH + ip6.payloadLength());
        long ul = ip6.upperLayer(off + total);
        if (ul < 0 || (ul >>> 32) != IpProtocol.ICMPV6) {
            return null;
        }
        int icmpOff = (int) ul;
        if (icmpOff + Icmpv6Header.LENGTH > off + total || (pkt[icmpOff] & 0xff) != Icmpv6Header.ECHO_REQUEST) {
            return null;
        }
        int icmpLen = off + total - icmpOff;
        byte[] out = new byte[Ipv6Header.LENGTH + icmpLen];
        System.arraycopy(pkt, icmpOff, out, Ipv6Header.LENGTH, icmpLen);
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        System.arraycopy(pkt, ip6.dstOffset(), src, 0, 16);
        System.arraycopy(pkt, ip6.srcOffset(), dst, 0, 16);
        if (Ipv6Header.isMulticast(src, 0)) {
            if (srcIfMulticast == null) {
                return null;
            }
            src = srcIfMulticast;
        }
        new Ipv6Header().wrap(out, 0).versionClassFlow(ip6.trafficClass(), 0).payloadLength(icmpLen)
                .nextHeader(IpProtocol.ICMPV6).hopLimit(DEFAULT_TTL).src(src).dst(dst);
        new Icmpv6Header().wrap(out, Ipv6Header.LENGTH).type(Icmpv6Header.ECHO_REPLY).code(0)
                .updateChecksum(out, 0, icmpLen);
        return out;
    }
}
