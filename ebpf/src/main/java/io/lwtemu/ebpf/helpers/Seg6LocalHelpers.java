package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.List;

import static io.lwtemu.ebpf.helpers.ArgType.*;
import static io.lwtemu.ebpf.helpers.CommonHelpers.EFAULT;
import static io.lwtemu.ebpf.helpers.CommonHelpers.EINVAL;
import static io.lwtemu.ebpf.helpers.CommonHelpers.errno;

/**
 * The seg6local End.BPF helpers (net/core/filter.c): bpf_lwt_seg6_store_bytes, bpf_lwt_seg6_adjust_srh,
 * bpf_lwt_seg6_action, over the SRH state kept in {@link ExecutionContext} ({@code seg6Srh*}).
 *
 * <p>The router's End.BPF action calls {@link #prepare} before the run (after advancing the segment, as
 * the kernel's input_action_end_bpf does) and {@link #hasValidSrh} after it (drop when false). Next-hop
 * lookups are returned in {@link ExecutionContext#seg6Route}.
 */
public final class Seg6LocalHelpers {
    private Seg6LocalHelpers() {}

    public static final int SEG6_LOCAL_ACTION_END_X = 2;
    public static final int SEG6_LOCAL_ACTION_END_T = 3;
    public static final int SEG6_LOCAL_ACTION_END_DT6 = 9;
    public static final int SEG6_LOCAL_ACTION_END_B6 = 13;
    public static final int SEG6_LOCAL_ACTION_END_B6_ENCAP = 14;

    public static final HelperProto LWT_SEG6_STORE_BYTES = new HelperProto(HelperIds.LWT_SEG6_STORE_BYTES,
            "lwt_seg6_store_bytes", RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE),
            (c, skb, off, from, len, x) -> storeBytes(c, off, from, len));
    public static final HelperProto LWT_SEG6_ADJUST_SRH = new HelperProto(HelperIds.LWT_SEG6_ADJUST_SRH,
            "lwt_seg6_adjust_srh", RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING),
            (c, skb, off, delta, a, b) -> adjustSrh(c, off, (int) delta));
    public static final HelperProto LWT_SEG6_ACTION = new HelperProto(HelperIds.LWT_SEG6_ACTION, "lwt_seg6_action",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE),
            (c, skb, action, param, len, x) -> action(c, action, param, (int) len));

    /** Sets the SRH state for an End.BPF run: the packet's SRH, valid. */
    public static void prepare(ExecutionContext ctx) {
        updateSrhState(ctx);
    }

    /** seg6_bpf_has_valid_srh: re-validates the SRH after the program changed it. */
    public static boolean hasValidSrh(ExecutionContext ctx) {
        if (ctx.seg6SrhOffset < 0) {
            return false;
        }
        if (!ctx.seg6SrhValid) {
            if ((ctx.seg6SrhHdrLen & 7) != 0) {
                return false;
            }
            SkBuff skb = ctx.skb;
            int at = skb.data + ctx.seg6SrhOffset;
            skb.head[at + 1] = (byte) (ctx.seg6SrhHdrLen >> 3);
            int len = ((skb.head[at + 1] & 0xff) + 1) << 3;
            if (ctx.seg6SrhOffset + len > skb.len || !LwtEncap.validateSrh(skb.head, at, len, true)) {
                return false;
            }
            ctx.seg6SrhValid = true;
        }
        return true;
    }

    private static void updateSrhState(ExecutionContext ctx) {
        SkBuff skb = ctx.skb;
        int off = findHeader(skb, LwtEncap.IPPROTO_ROUTING);
        if (off < 0 || off + 8 > skb.len || (skb.head[skb.data + off + 2] & 0xff) != LwtEncap.IPV6_SRCRT_TYPE_4) {
            ctx.seg6SrhOffset = -1;
            return;
        }
        ctx.seg6SrhOffset = off;
        ctx.seg6SrhHdrLen = (skb.head[skb.data + off + 1] & 0xff) << 3;
        ctx.seg6SrhValid = true;
    }

    /**
     * ipv6_find_hdr, reduced: offset from the packet start of the first header of type {@code target} in
     * the IPv6 extension header chain (hop-by-hop, routing, destination options), or -1.
     */
    static int findHeader(SkBuff skb, int target) {
        byte[] b = skb.head;
        if (skb.len < 40 || (b[skb.data] & 0xf0) != 0x60) {
            return -1;
        }
        int next = b[skb.data + 6] & 0xff;
        int off = 40;
        while (true) {
            if (next == target) {
                return off;
            }
            if ((next != 0 && next != 43 && next != 60) || off + 2 > skb.len) {
                return -1;
            }
            next = b[skb.data + off] & 0xff;
            off += ((b[skb.data + off + 1] & 0xff) + 1) << 3;
        }
    }

    /** Writes allowed only to the SRH flags/tag and TLV area; a TLV write marks the SRH for re-validation. */
    static long storeBytes(ExecutionContext ctx, long offset, long from, long length) {
        SkBuff skb = SkbHelpers.skb(ctx);
        if (ctx.seg6SrhOffset < 0) {
            return EINVAL;
        }
        int srh = ctx.seg6SrhOffset;
        int first = skb.head[skb.data + srh + 4] & 0xff;
        long tlvs = srh + ((long) (first + 1) << 4); // sic: the kernel leaves out the 8-byte fixed header here
        long end = srh + 8L + ctx.seg6SrhHdrLen;
        long off = offset & 0xffffffffL;
        long len = length & 0xffffffffL;
        if (off >= tlvs && off + len <= end) {
            ctx.seg6SrhValid = false;
        } else if (off < srh + 5 || off + len > srh + 8) {
            return EFAULT;
        }
        if (off + len > skb.len) {
            return EFAULT;
        }
        if (findHeader(skb, LwtEncap.IPPROTO_ROUTING) < 0) {
            return EINVAL;
        }
        MemoryRegion r = ctx.memory.resolve(from, (int) len, false);
        System.arraycopy(r.bytes, Pointer.index(from), skb.head, skb.data + (int) off, (int) len);
        return 0;
    }

    /** Inserts ({@code delta} > 0, zeroed) or removes bytes at {@code offset} within the SRH's TLV area. */
    static long adjustSrh(ExecutionContext ctx, long offset, int delta) {
        SkBuff skb = SkbHelpers.skb(ctx);
        if (ctx.seg6SrhOffset < 0) {
            return EINVAL;
        }
        int srh = ctx.seg6SrhOffset;
        int first = skb.head[skb.data + srh + 4] & 0xff;
        long tlvs = srh + 8L + ((long) (first + 1) << 4);
        long end = srh + 8L + ctx.seg6SrhHdrLen;
        long off = offset & 0xffffffffL;
        if (off < tlvs || off > end) {
            return EFAULT;
        }
        if (delta < 0 && end - off < -delta) {
            return EFAULT;
        }
        int at = (int) off;
        if (delta > 0) {
            // bpf_skb_net_hdr_push: headers before offset move forward, delta zero bytes appear at offset
            skb.ensureHeadroom(delta);
            byte[] b = skb.head;
            System.arraycopy(b, skb.data, b, skb.data - delta, at);
            skb.data -= delta;
            skb.len += delta;
            java.util.Arrays.fill(b, skb.data + at, skb.data + at + delta, (byte) 0);
        } else if (delta < 0) {
            int n = -delta;
            if (at + n > skb.len) {
                return EFAULT;
            }
            byte[] b = skb.head;
            System.arraycopy(b, skb.data, b, skb.data + n, at);
            skb.data += n;
            skb.len -= n;
        }
        LwtEncap.putBe16(skb.head, skb.data + 4, skb.len - 40);
        LwtRun.refreshPacket(ctx);
        int srhoff = findHeader(skb, LwtEncap.IPPROTO_ROUTING);
        if (srhoff < 0) {
            return EINVAL;
        }
        ctx.seg6SrhOffset = srhoff;
        ctx.seg6SrhHdrLen += delta;
        ctx.seg6SrhValid = false;
        return 0;
    }

    static long action(ExecutionContext ctx, long action, long param, int len) {
        SkBuff skb = SkbHelpers.skb(ctx);
        switch ((int) action) {
            case SEG6_LOCAL_ACTION_END_X -> {
                if (!hasValidSrh(ctx)) {
                    return errno(Errno.EBADMSG);
                }
                if (len != 16) {
                    return EINVAL;
                }
                byte[] nh = new byte[16];
                ctx.memory.read(param, nh, 0, 16);
                ctx.seg6Route = new ExecutionContext.Seg6Route(SEG6_LOCAL_ACTION_END_X, 0, nh);
                return 0;
            }
            case SEG6_LOCAL_ACTION_END_T, SEG6_LOCAL_ACTION_END_DT6 -> {
                if (!hasValidSrh(ctx)) {
                    return errno(Errno.EBADMSG);
                }
                if (len != 4) {
                    return EINVAL;
                }
                int table = (int) ctx.memory.load(param, 4);
                if (action == SEG6_LOCAL_ACTION_END_DT6) {
                    int inner = findHeader(skb, LwtEncap.IPPROTO_IPV6);
                    if (inner < 0 || inner > skb.len) {
                        return errno(Errno.EBADMSG);
                    }
                    skb.data += inner;
                    skb.len -= inner;
                    skb.encapsulation = false;
                    LwtRun.refreshPacket(ctx);
                    updateSrhState(ctx);
                }
                ctx.seg6Route = new ExecutionContext.Seg6Route((int) action, table, null);
                return 0;
            }
            case SEG6_LOCAL_ACTION_END_B6, SEG6_LOCAL_ACTION_END_B6_ENCAP -> {
                if (ctx.seg6SrhOffset >= 0 && !hasValidSrh(ctx)) {
                    return errno(Errno.EBADMSG);
                }
                long err = LwtEncap.pushSeg6Encap(ctx, action == SEG6_LOCAL_ACTION_END_B6
                        ? HelperIds.BPF_LWT_ENCAP_SEG6_INLINE : HelperIds.BPF_LWT_ENCAP_SEG6, param, len);
                if (err == 0) {
                    updateSrhState(ctx);
                }
                return err;
            }
            default -> {
                return EINVAL;
            }
        }
    }
}
