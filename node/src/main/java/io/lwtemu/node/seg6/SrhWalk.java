package io.lwtemu.node.seg6;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.Srh;

/** ipv6_find_hdr for SRv6: where the SRH and the inner packet of an IPv6 packet start. */
final class SrhWalk {
    private SrhWalk() {
    }

    /**
     * Absolute offset of the first routing header of the packet at {@code off} (IPv6, {@code len} bytes), or -1.
     * With {@code skipFinished} routing headers whose segments left is 0 are passed over (IP6_FH_F_SKIP_RH).
     */
    static int findRouting(byte[] b, int off, int len, boolean skipFinished) {
        int limit = off + len;
        int nexthdr = Bytes.u8(b, off + Ipv6Header.NEXT_HEADER);
        int pos = off + Ipv6Header.LENGTH;
        while (Ipv6Header.isExtensionHeader(nexthdr)) {
            if (pos + 8 > limit) {
                return -1;
            }
            int hlen = nexthdr == IpProtocol.FRAGMENT ? 8
                    : nexthdr == IpProtocol.AH ? (Bytes.u8(b, pos + 1) + 2) * 4
                    : (Bytes.u8(b, pos + 1) + 1) * 8;
            if (nexthdr == IpProtocol.ROUTING && !(skipFinished && Bytes.u8(b, pos + Srh.SEGMENTS_LEFT) == 0)) {
                return pos;
            }
            if (nexthdr == IpProtocol.FRAGMENT) {
                return -1;
            }
            nexthdr = Bytes.u8(b, pos);
            pos += hlen;
        }
        return -1;
    }

    /**
     * get_srh: the routing header found by {@link #findRouting}, when it fits the packet and passes
     * seg6_validate_srh; else -1.
     */
    static int validSrh(Srh srh, byte[] b, int off, int len, boolean skipFinished) {
        int at = findRouting(b, off, len, skipFinished);
        if (at < 0 || at + 8 > off + len) {
            return -1;
        }
        srh.wrap(b, at);
        int srhLen = srh.length();
        if (at + srhLen > off + len || !srh.isValid(srhLen)) {
            return -1;
        }
        return at;
    }

    /**
     * Absolute offset of the first header of protocol {@code proto} after the extension headers (the inner packet
     * of an encapsulation, IPPROTO_IPIP or IPPROTO_IPV6), or -1.
     */
    static int findInner(byte[] b, int off, int len, int proto) {
        int limit = off + len;
        int nexthdr = Bytes.u8(b, off + Ipv6Header.NEXT_HEADER);
        int pos = off + Ipv6Header.LENGTH;
        while (true) {
            if (nexthdr == proto) {
                return pos;
            }
            if (!Ipv6Header.isExtensionHeader(nexthdr) || nexthdr == IpProtocol.FRAGMENT || pos + 8 > limit) {
                return -1;
            }
            int hlen = nexthdr == IpProtocol.AH ? (Bytes.u8(b, pos + 1) + 2) * 4 : (Bytes.u8(b, pos + 1) + 1) * 8;
            nexthdr = Bytes.u8(b, pos);
            pos += hlen;
        }
    }
}
