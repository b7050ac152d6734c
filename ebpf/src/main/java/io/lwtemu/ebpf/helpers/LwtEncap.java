package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.List;

import static io.lwtemu.ebpf.helpers.ArgType.*;
import static io.lwtemu.ebpf.helpers.CommonHelpers.EINVAL;
import static io.lwtemu.ebpf.helpers.CommonHelpers.errno;
import static io.lwtemu.ebpf.helpers.HelperIds.*;

/**
 * bpf_lwt_push_encap: {@code bpf_lwt_in_push_encap} (SEG6, SEG6_INLINE, IP) and
 * {@code bpf_lwt_xmit_push_encap} (IP only) of net/core/filter.c, with {@code bpf_lwt_push_ip_encap}
 * (net/core/lwt_bpf.c) and the SRH push of net/ipv6/seg6_iptunnel.c.
 *
 * <p>Routing side effects are data: after an SRH push the kernel looks up the new destination's route
 * inside the helper; lwtemu sets {@link ExecutionContext#seg6Route} to
 * {@link ExecutionContext.Seg6Route#LOOKUP_NEXTHOP} for the router instead.
 */
public final class LwtEncap {
    private LwtEncap() {}

    /** LWT_BPF_MAX_HEADROOM. */
    public static final int MAX_HEADROOM = 256;
    /** LL_RESERVED_SPACE of an Ethernet device: room the kernel keeps for the link-layer header on xmit. */
    static final int LL_RESERVED = 16;
    static final int IPPROTO_IPIP = 4;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ROUTING = 43;
    static final int IPPROTO_GRE = 47;
    static final int IPV6_SRCRT_TYPE_4 = 4;

    public static final HelperProto LWT_IN_PUSH_ENCAP = new HelperProto(LWT_PUSH_ENCAP, "lwt_push_encap",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE),
            (c, skb, type, hdr, len, x) -> inPushEncap(c, type, hdr, len));
    public static final HelperProto LWT_XMIT_PUSH_ENCAP = new HelperProto(LWT_PUSH_ENCAP, "lwt_push_encap",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE),
            (c, skb, type, hdr, len, x) -> type == BPF_LWT_ENCAP_IP ? pushIpEncap(c, hdr, len, false) : EINVAL);

    static long inPushEncap(ExecutionContext ctx, long type, long hdr, long len) {
        if (type == BPF_LWT_ENCAP_SEG6 || type == BPF_LWT_ENCAP_SEG6_INLINE) {
            return pushSeg6Encap(ctx, (int) type, hdr, len);
        }
        if (type == BPF_LWT_ENCAP_IP) {
            return pushIpEncap(ctx, hdr, len, true);
        }
        return EINVAL;
    }

    /** Copies the helper's header argument: it may point into the packet, which the push moves. */
    private static byte[] header(ExecutionContext ctx, long hdr, int len) {
        MemoryRegion r = ctx.memory.resolve(hdr, len, false);
        byte[] h = new byte[len];
        System.arraycopy(r.bytes, Pointer.index(hdr), h, 0, len);
        return h;
    }

    /** bpf_lwt_push_ip_encap. On a checking error the packet is untouched. */
    static long pushIpEncap(ExecutionContext ctx, long hdrPtr, long length, boolean ingress) {
        SkBuff skb = SkbHelpers.skb(ctx);
        long len = length & 0xffffffffL;
        if (len < 20 || len > MAX_HEADROOM) {
            return EINVAL;
        }
        int n = (int) len;
        // Read in place, not copied: the header may lie in the packet, but the push below copies it with
        // arraycopy (overlap-safe) from the array it is in now, which a headroom reallocation leaves intact.
        MemoryRegion r = ctx.memory.resolve(hdrPtr, n, false);
        byte[] h = r.bytes;
        int hOff = Pointer.index(hdrPtr);
        int version = (h[hOff] & 0xff) >>> 4;
        boolean ipv4;
        if (version == 4) {
            ipv4 = true;
            if (n < (h[hOff] & 0x0f) * 4) {
                return EINVAL;
            }
        } else if (version == 6) {
            ipv4 = false;
            if (n < 40) {
                return EINVAL;
            }
        } else {
            return EINVAL;
        }
        // The outer IPv4 checksum (filled in when the program left it 0) is summed from the source before the
        // copy: the same bytes, and the copy's fresh stores are not read back.
        int csum = ipv4 && h[hOff + 10] == 0 && h[hOff + 11] == 0 ? Checksums.ipFast(h, hOff, h[hOff] & 0x0f) : -1;
        skb.ensureHeadroom(n + (ingress ? 0 : LL_RESERVED));
        skb.innerProtocol = skb.protocol;
        skb.encapsulation = true;
        skb.data -= n;
        skb.len += n;
        skb.macLen = 0; // skb_reset_network_header: the pushed header is the network header now
        System.arraycopy(h, hOff, skb.head, skb.data, n);
        SkbHelpers.clearHash(skb);
        if (ipv4) {
            skb.protocol = SkBuff.ETH_P_IP;
            if (csum >= 0) {
                Checksums.putLe16(skb.head, skb.data + 10, csum);
            }
        } else {
            skb.protocol = SkBuff.ETH_P_IPV6;
        }
        LwtRun.refreshPacket(ctx);
        if (skb.gsoSize > 0) {
            return gsoEncap(skb, ipv4, n);
        }
        return 0;
    }

    /**
     * handle_gso_encap: only TCP GSO packets (lwtemu: the inner packet is TCP) may be encapsulated
     * (-ENOTSUPP); the outer header's next protocol must be GRE, UDP or IP-in-IP (-EPROTONOSUPPORT), and a
     * GRE/UDP header must be inside the pushed bytes (-EINVAL). The packet stays pushed on these errors,
     * as in the kernel. gso_size shrinks by the pushed length.
     */
    private static long gsoEncap(SkBuff skb, boolean ipv4, int encapLen) {
        byte[] b = skb.head;
        int inner = skb.data + encapLen;
        int innerProto = -1;
        if (skb.innerProtocol == SkBuff.ETH_P_IP && skb.len - encapLen >= 20) {
            innerProto = b[inner + 9] & 0xff;
        } else if (skb.innerProtocol == SkBuff.ETH_P_IPV6 && skb.len - encapLen >= 40) {
            innerProto = b[inner + 6] & 0xff;
        }
        if (innerProto != IPPROTO_TCP) {
            return errno(Errno.ENOTSUPP);
        }
        int protocol = ipv4 ? b[skb.data + 9] & 0xff : b[skb.data + 6] & 0xff;
        int next = ipv4 ? 20 : 40;
        switch (protocol) {
            case IPPROTO_GRE -> {
                if (next + 4 > encapLen) {
                    return EINVAL;
                }
            }
            case IPPROTO_UDP -> {
                if (next + 8 > encapLen) {
                    return EINVAL;
                }
            }
            case IPPROTO_IPIP, IPPROTO_IPV6 -> { }
            default -> {
                return errno(Errno.EPROTONOSUPPORT);
            }
        }
        skb.gsoSize -= encapLen;
        skb.gsoSegs = 0;
        return 0;
    }

    /**
     * seg6_validate_srh (net/ipv6/seg6.c): routing type 4, length (hdrlen+1)*8 equal to {@code len},
     * segments_left within the list ({@code reduced}: first_segment may be one past, as after
     * bpf_lwt_seg6_adjust_srh), and TLVs exactly filling the rest.
     */
    public static boolean validateSrh(byte[] b, int off, int len, boolean reduced) {
        if (len < 8) {
            return false;
        }
        int hdrlen = b[off + 1] & 0xff;
        int type = b[off + 2] & 0xff;
        int segmentsLeft = b[off + 3] & 0xff;
        int firstSegment = b[off + 4] & 0xff;
        if (type != IPV6_SRCRT_TYPE_4) {
            return false;
        }
        if (((hdrlen + 1) << 3) != len) {
            return false;
        }
        if (!reduced && segmentsLeft > firstSegment) {
            return false;
        } else {
            int maxLastEntry = hdrlen / 2 - 1;
            if (firstSegment > maxLastEntry) {
                return false;
            }
            if (segmentsLeft > firstSegment + 1) {
                return false;
            }
        }
        int tlvOffset = 8 + ((firstSegment + 1) << 4);
        int trailing = len - tlvOffset;
        if (trailing < 0) {
            return false;
        }
        while (trailing > 0) {
            if (trailing < 2) {
                return false;
            }
            int tlvLen = 2 + (b[off + tlvOffset + 1] & 0xff);
            trailing -= tlvLen;
            if (trailing < 0) {
                return false;
            }
            tlvOffset += tlvLen;
        }
        return true;
    }

    /** bpf_push_seg6_encap. */
    static long pushSeg6Encap(ExecutionContext ctx, int type, long hdrPtr, long length) {
        SkBuff skb = SkbHelpers.skb(ctx);
        int len = (int) length;
        byte[] srh = header(ctx, hdrPtr, len);
        if (!validateSrh(srh, 0, len, false)) {
            return EINVAL;
        }
        if (type == BPF_LWT_ENCAP_SEG6_INLINE) {
            if (skb.protocol != SkBuff.ETH_P_IPV6 || skb.len < 40) {
                return errno(Errno.EBADMSG);
            }
            srhInline(skb, srh);
        } else {
            skb.encapsulation = true;
            srhEncap(ctx, skb, srh);
        }
        LwtRun.refreshPacket(ctx);
        ctx.seg6Route = new ExecutionContext.Seg6Route(ExecutionContext.Seg6Route.LOOKUP_NEXTHOP, 0, null);
        return 0;
    }

    /** seg6_do_srh_inline: SRH inserted after the IPv6 header; segments[0] = old destination. */
    static void srhInline(SkBuff skb, byte[] srh) {
        int hdrlen = srh.length;
        skb.ensureHeadroom(hdrlen);
        byte[] b = skb.head;
        int old = skb.data;
        skb.data -= hdrlen;
        skb.len += hdrlen;
        System.arraycopy(b, old, b, skb.data, 40);
        int s = skb.data + 40;
        System.arraycopy(srh, 0, b, s, hdrlen);
        b[s] = b[skb.data + 6];
        b[skb.data + 6] = (byte) IPPROTO_ROUTING;
        System.arraycopy(b, skb.data + 24, b, s + 8, 16);
        int first = b[s + 4] & 0xff;
        System.arraycopy(b, s + 8 + 16 * first, b, skb.data + 24, 16);
        putBe16(b, skb.data + 4, skb.len - 40);
    }

    /**
     * seg6_do_srh_encap: a new outer IPv6 header (traffic class and hop limit of an IPv6 inner packet,
     * flow label copied as the kernel does with seg6_flowlabel = 0, hop limit 64 for IPv4 inner packets,
     * source = {@link ExecutionContext#seg6TunnelSource}) followed by the SRH with next header IPv6 (the
     * BPF path always passes IPPROTO_IPV6).
     */
    static void srhEncap(ExecutionContext ctx, SkBuff skb, byte[] srh) {
        int hdrlen = srh.length;
        int tot = hdrlen + 40;
        skb.ensureHeadroom(tot);
        byte[] b = skb.head;
        int inner = skb.data;
        boolean innerV6 = skb.protocol == SkBuff.ETH_P_IPV6;
        int firstWord = skb.len >= 4 ? getBe32(b, inner) : 0;
        int flowLabel = firstWord & 0xfffff;
        int tclass = innerV6 ? (firstWord >>> 20) & 0xff : 0;
        int hopLimit = innerV6 && skb.len >= 8 ? b[inner + 7] & 0xff : 64;
        skb.innerProtocol = skb.protocol;
        skb.data -= tot;
        skb.len += tot;
        int h = skb.data;
        putBe32(b, h, 0x60000000 | (tclass << 20) | flowLabel);
        putBe16(b, h + 4, skb.len - 40);
        b[h + 6] = (byte) IPPROTO_ROUTING;
        b[h + 7] = (byte) hopLimit;
        System.arraycopy(ctx.seg6TunnelSource, 0, b, h + 8, 16);
        int s = h + 40;
        System.arraycopy(srh, 0, b, s, hdrlen);
        b[s] = (byte) IPPROTO_IPV6;
        int first = b[s + 4] & 0xff;
        System.arraycopy(b, s + 8 + 16 * first, b, h + 24, 16);
        skb.protocol = SkBuff.ETH_P_IPV6;
    }

    static int getBe32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static void putBe32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void putBe16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
