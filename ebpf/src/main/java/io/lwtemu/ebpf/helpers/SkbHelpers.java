package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.List;

import static io.lwtemu.ebpf.helpers.ArgType.*;
import static io.lwtemu.ebpf.helpers.CommonHelpers.EFAULT;
import static io.lwtemu.ebpf.helpers.CommonHelpers.EINVAL;
import static io.lwtemu.ebpf.helpers.CommonHelpers.errno;
import static io.lwtemu.ebpf.helpers.HelperIds.*;

/**
 * The socket-buffer helpers of net/core/filter.c that LWT programs may call, with the kernel's argument
 * checks and errno values. The skb model is a linear buffer ({@link SkBuff}); where the kernel's result
 * depends on skb state lwtemu does not carry, the choice is stated on the helper:
 * <ul>
 *   <li>checksum offload state: packets carry complete checksums, ip_summed is CHECKSUM_NONE (or
 *       CHECKSUM_UNNECESSARY after bpf_csum_level INC), never PARTIAL or COMPLETE;</li>
 *   <li>no socket is attached to forwarded packets;</li>
 *   <li>no tunnel metadata (collect_md) exists.</li>
 * </ul>
 * Helpers that move or resize the packet refresh the PACKET region ({@link LwtRun#refreshPacket}).
 */
public final class SkbHelpers {
    private SkbHelpers() {}

    /** IP_MAX_MTU: what __bpf_skb_max_len returns since Linux 5.12. */
    static final int SKB_MAX_LEN = 0xffff;
    static final int EACCES = 13;

    // ---- protos ----------------------------------------------------------------------------------

    public static final HelperProto SKB_LOAD_BYTES_P = new HelperProto(SKB_LOAD_BYTES, "skb_load_bytes",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE), SkbHelpers::skbLoadBytes);
    public static final HelperProto SKB_STORE_BYTES_P = new HelperProto(SKB_STORE_BYTES, "skb_store_bytes",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, PTR_TO_MEM, CONST_SIZE, ANYTHING), SkbHelpers::skbStoreBytes);
    public static final HelperProto L3_CSUM_REPLACE_P = new HelperProto(L3_CSUM_REPLACE, "l3_csum_replace",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING), SkbHelpers::l3CsumReplace);
    public static final HelperProto L4_CSUM_REPLACE_P = new HelperProto(L4_CSUM_REPLACE, "l4_csum_replace",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING), SkbHelpers::l4CsumReplace);
    public static final HelperProto CSUM_DIFF_P = new HelperProto(CSUM_DIFF, "csum_diff", RetType.INTEGER,
            List.of(PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, ANYTHING),
            SkbHelpers::csumDiff);
    public static final HelperProto CSUM_UPDATE_P = new HelperProto(CSUM_UPDATE, "csum_update", RetType.INTEGER,
            List.of(PTR_TO_CTX, ANYTHING), (c, skb, csum, a, b, d) -> errno(Errno.ENOTSUPP));
    public static final HelperProto CSUM_LEVEL_P = new HelperProto(CSUM_LEVEL, "csum_level", RetType.INTEGER,
            List.of(PTR_TO_CTX, ANYTHING), SkbHelpers::csumLevel);
    public static final HelperProto GET_HASH_RECALC_P = new HelperProto(GET_HASH_RECALC, "get_hash_recalc",
            RetType.INTEGER, List.of(PTR_TO_CTX), SkbHelpers::getHashRecalc);
    public static final HelperProto SET_HASH_INVALID_P = new HelperProto(SET_HASH_INVALID, "set_hash_invalid",
            RetType.INTEGER, List.of(PTR_TO_CTX), SkbHelpers::setHashInvalid);
    public static final HelperProto SKB_PULL_DATA_P = new HelperProto(SKB_PULL_DATA, "skb_pull_data",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING), SkbHelpers::skbPullData);
    public static final HelperProto SKB_CHANGE_HEAD_P = new HelperProto(SKB_CHANGE_HEAD, "skb_change_head",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING), SkbHelpers::skbChangeHead);
    public static final HelperProto SKB_CHANGE_TAIL_P = new HelperProto(SKB_CHANGE_TAIL, "skb_change_tail",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING), SkbHelpers::skbChangeTail);
    public static final HelperProto GET_ROUTE_REALM_P = new HelperProto(GET_ROUTE_REALM, "get_route_realm",
            RetType.INTEGER, List.of(PTR_TO_CTX), (c, a, b, d, e, f) -> skb(c).routeRealm & 0xffffffffL);
    public static final HelperProto GET_CGROUP_CLASSID_P = new HelperProto(GET_CGROUP_CLASSID, "get_cgroup_classid",
            RetType.INTEGER, List.of(PTR_TO_CTX), (c, a, b, d, e, f) -> skb(c).cgroupClassid & 0xffffffffL);
    public static final HelperProto REDIRECT_P = new HelperProto(REDIRECT, "redirect", RetType.INTEGER,
            List.of(ANYTHING, ANYTHING), SkbHelpers::redirect);
    public static final HelperProto CLONE_REDIRECT_P = new HelperProto(CLONE_REDIRECT, "clone_redirect",
            RetType.INTEGER, List.of(PTR_TO_CTX, ANYTHING, ANYTHING), SkbHelpers::cloneRedirect);
    /**
     * Forwarded packets have no full socket, which the kernel checks first: always -ENOENT (lwtemu has no
     * cgroup array maps either, so the verifier would not accept a map here anyway).
     */
    public static final HelperProto SKB_UNDER_CGROUP_P = new HelperProto(SKB_UNDER_CGROUP, "skb_under_cgroup",
            RetType.INTEGER, List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), (c, a, b, d, e, f) -> errno(Errno.ENOENT));
    public static final HelperProto PERF_EVENT_OUTPUT_P = new HelperProto(PERF_EVENT_OUTPUT, "perf_event_output",
            RetType.INTEGER, List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM, CONST_SIZE_OR_ZERO),
            PerfOutput::skbEventOutput);
    /** No tunnel metadata on lwtemu packets: -EINVAL with the buffer zeroed, as the kernel without info. */
    public static final HelperProto SKB_GET_TUNNEL_KEY_P = new HelperProto(SKB_GET_TUNNEL_KEY, "skb_get_tunnel_key",
            RetType.INTEGER, List.of(PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE, ANYTHING), (c, skb, to, size, f, x) -> {
                zero(c, to, (int) size);
                return EINVAL;
            });
    /** No tunnel metadata: -ENOENT with the buffer zeroed. */
    public static final HelperProto SKB_GET_TUNNEL_OPT_P = new HelperProto(SKB_GET_TUNNEL_OPT, "skb_get_tunnel_opt",
            RetType.INTEGER, List.of(PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE), (c, skb, to, size, f, x) -> {
                zero(c, to, (int) size);
                return errno(Errno.ENOENT);
            });
    /** Options need a tunnel key set first, which lwtemu does not support: -EINVAL. */
    public static final HelperProto SKB_SET_TUNNEL_OPT_P = new HelperProto(SKB_SET_TUNNEL_OPT, "skb_set_tunnel_opt",
            RetType.INTEGER, List.of(PTR_TO_CTX, PTR_TO_MEM, CONST_SIZE), (c, a, b, d, e, f) -> EINVAL);

    // ---- bodies -----------------------------------------------------------------------------------

    static SkBuff skb(ExecutionContext ctx) {
        SkBuff skb = ctx.skb;
        if (skb == null) {
            throw new BpfFault("skb helper called without a packet");
        }
        return skb;
    }

    private static void zero(ExecutionContext ctx, long to, int size) {
        MemoryRegion r = ctx.memory.resolve(to, size, true);
        java.util.Arrays.fill(r.bytes, Pointer.index(to), Pointer.index(to) + size, (byte) 0);
    }

    /** bpf_skb_load_bytes: offset and length within the packet, else the buffer is zeroed and -EFAULT. */
    static long skbLoadBytes(ExecutionContext ctx, long r1, long offset, long to, long len, long r5) {
        SkBuff skb = skb(ctx);
        int n = (int) len;
        MemoryRegion dst = ctx.memory.resolve(to, n, true);
        long off = offset & 0xffffffffL;
        long l = len & 0xffffffffL;
        if (off > Integer.MAX_VALUE || l > Integer.MAX_VALUE || off + l > skb.len) {
            java.util.Arrays.fill(dst.bytes, Pointer.index(to), Pointer.index(to) + n, (byte) 0);
            return EFAULT;
        }
        System.arraycopy(skb.head, skb.data + (int) off, dst.bytes, Pointer.index(to), n);
        return 0;
    }

    /** bpf_skb_store_bytes: flags RECOMPUTE_CSUM | INVALIDATE_HASH (else -EINVAL); range -EFAULT. */
    static long skbStoreBytes(ExecutionContext ctx, long r1, long offset, long from, long len, long flags) {
        SkBuff skb = skb(ctx);
        if ((flags & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) != 0) {
            return EINVAL;
        }
        long off = offset & 0xffffffffL;
        long l = len & 0xffffffffL;
        if (off > Integer.MAX_VALUE || l > Integer.MAX_VALUE) {
            return EFAULT;
        }
        if (((off + l) & 0xffffffffL) > skb.len) { // bpf_try_make_writable(skb, offset + len) fails
            return EFAULT;
        }
        MemoryRegion src = ctx.memory.resolve(from, (int) l, false);
        // BPF_F_RECOMPUTE_CSUM only adjusts skb->csum of CHECKSUM_COMPLETE packets: nothing to do here
        System.arraycopy(src.bytes, Pointer.index(from), skb.head, skb.data + (int) off, (int) l);
        if ((flags & BPF_F_INVALIDATE_HASH) != 0) {
            clearHash(skb);
        }
        return 0;
    }

    /** bpf_l3_csum_replace: size 0 (diff in {@code to}), 2 or 4 in the low flag bits; no other flags. */
    static long l3CsumReplace(ExecutionContext ctx, long r1, long offset, long from, long to, long flags) {
        SkBuff skb = skb(ctx);
        if ((flags & ~BPF_F_HDR_FIELD_MASK) != 0) {
            return EINVAL;
        }
        int at = checksumField(skb, offset);
        if (at < 0) {
            return EFAULT;
        }
        int sum = Checksums.le16(skb.head, at);
        int updated;
        switch ((int) (flags & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> {
                if (from != 0) {
                    return EINVAL;
                }
                updated = Checksums.replaceByDiff(sum, (int) to);
            }
            case 2 -> updated = Checksums.replace2(sum, (int) from, (int) to);
            case 4 -> updated = Checksums.replace4(sum, (int) from, (int) to);
            default -> {
                return EINVAL;
            }
        }
        Checksums.putLe16(skb.head, at, updated);
        return 0;
    }

    /**
     * bpf_l4_csum_replace: like l3 plus BPF_F_PSEUDO_HDR, BPF_F_MARK_MANGLED_0 (a zero UDP checksum stays
     * zero, a result of zero becomes 0xffff), BPF_F_MARK_ENFORCE and BPF_F_IPV6. With CHECKSUM_NONE the
     * pseudo-header flag changes nothing: the field holds a full checksum that is updated in place.
     */
    static long l4CsumReplace(ExecutionContext ctx, long r1, long offset, long from, long to, long flags) {
        SkBuff skb = skb(ctx);
        boolean mangled0 = (flags & BPF_F_MARK_MANGLED_0) != 0;
        boolean enforce = (flags & BPF_F_MARK_ENFORCE) != 0;
        if ((flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK
                | BPF_F_IPV6)) != 0) {
            return EINVAL;
        }
        int at = checksumField(skb, offset);
        if (at < 0) {
            return EFAULT;
        }
        int sum = Checksums.le16(skb.head, at);
        if (mangled0 && !enforce && sum == 0) {
            return 0;
        }
        int updated;
        switch ((int) (flags & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> {
                if (from != 0) {
                    return EINVAL;
                }
                updated = Checksums.replaceByDiff(sum, (int) to);
            }
            case 2 -> updated = Checksums.replace2(sum, (int) from, (int) to);
            case 4 -> updated = Checksums.replace4(sum, (int) from, (int) to);
            default -> {
                return EINVAL;
            }
        }
        if (mangled0 && updated == 0) {
            updated = 0xffff; // CSUM_MANGLED_0
        }
        Checksums.putLe16(skb.head, at, updated);
        return 0;
    }

    /** Index in skb.head of the 2-byte checksum at {@code offset}, or -1 for the kernel's -EFAULT cases. */
    private static int checksumField(SkBuff skb, long offset) {
        long off = offset & 0xffffffffL;
        if (off > 0xffff || (off & 1) != 0 || off + 2 > skb.len) {
            return -1;
        }
        return skb.data + (int) off;
    }

    /**
     * bpf_csum_diff as in Linux 6.13+: {@code seed + sum(to) - sum(from)} folded to 16 bits (not
     * complemented). The kernel no longer checks sizes (the verifier bounds them); a NULL buffer with size
     * 0 is allowed.
     */
    static long csumDiff(ExecutionContext ctx, long from, long fromSize, long to, long toSize, long seed) {
        int fs = (int) fromSize;
        int ts = (int) toSize;
        int ret = (int) seed;
        if (fs > 0 && ts > 0) {
            MemoryRegion f = ctx.memory.resolve(from, fs, false);
            MemoryRegion t = ctx.memory.resolve(to, ts, false);
            ret = Checksums.sub(Checksums.partial(t.bytes, Pointer.index(to), ts, ret),
                    Checksums.partial(f.bytes, Pointer.index(from), fs, 0));
        } else if (ts > 0) {
            MemoryRegion t = ctx.memory.resolve(to, ts, false);
            ret = Checksums.partial(t.bytes, Pointer.index(to), ts, ret);
        } else if (fs > 0) {
            MemoryRegion f = ctx.memory.resolve(from, fs, false);
            ret = ~Checksums.partial(f.bytes, Pointer.index(from), fs, ~ret);
        }
        return Checksums.from32to16(ret);
    }

    /** bpf_csum_level on the CHECKSUM_NONE / CHECKSUM_UNNECESSARY model of {@link ExecutionContext}. */
    static long csumLevel(ExecutionContext ctx, long r1, long level, long r3, long r4, long r5) {
        skb(ctx);
        if (level < 0 || level > BPF_CSUM_LEVEL_RESET) {
            return EINVAL;
        }
        switch ((int) level) {
            case BPF_CSUM_LEVEL_INC -> {
                if (ctx.csumUnnecessaryLevel < 0) {
                    ctx.csumUnnecessaryLevel = 0;
                } else if (ctx.csumUnnecessaryLevel < 3) {
                    ctx.csumUnnecessaryLevel++;
                }
            }
            case BPF_CSUM_LEVEL_DEC -> {
                if (ctx.csumUnnecessaryLevel == 0) {
                    ctx.csumUnnecessaryLevel = -1;
                } else if (ctx.csumUnnecessaryLevel > 0) {
                    ctx.csumUnnecessaryLevel--;
                }
            }
            case BPF_CSUM_LEVEL_RESET -> ctx.csumUnnecessaryLevel = -1;
            case BPF_CSUM_LEVEL_QUERY -> {
                return ctx.csumUnnecessaryLevel >= 0 ? ctx.csumUnnecessaryLevel : errno(EACCES);
            }
            default -> {
                return EINVAL;
            }
        }
        return 0;
    }

    /** bpf_get_hash_recalc: the valid hash, or a freshly computed flow hash (see {@link FlowHash}). */
    static long getHashRecalc(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        SkBuff skb = skb(ctx);
        if (!skb.hashValid) {
            skb.hash = FlowHash.of(skb);
            skb.hashValid = true;
        }
        return skb.hash & 0xffffffffL;
    }

    static long setHashInvalid(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        clearHash(skb(ctx));
        return 0;
    }

    static void clearHash(SkBuff skb) {
        skb.hash = 0;
        skb.hashValid = false;
    }

    /** bpf_skb_pull_data: the skb is linear, so only a length beyond the packet fails (-ENOMEM). */
    static long skbPullData(ExecutionContext ctx, long r1, long len, long r3, long r4, long r5) {
        SkBuff skb = skb(ctx);
        long l = len & 0xffffffffL;
        LwtRun.refreshPacket(ctx);
        return l > skb.len ? errno(Errno.ENOMEM) : 0;
    }

    /** bpf_skb_change_head: pushes {@code headRoom} zero bytes in front of the packet (e.g. an L2 header). */
    static long skbChangeHead(ExecutionContext ctx, long r1, long headRoom, long flags, long r4, long r5) {
        SkBuff skb = skb(ctx);
        long room = headRoom & 0xffffffffL;
        long newLen = (skb.len + room) & 0xffffffffL;
        boolean gso = skb.gsoSize > 0;
        if (flags != 0 || (!gso && newLen > SKB_MAX_LEN) || newLen < skb.len) {
            return EINVAL;
        }
        if (newLen > Integer.MAX_VALUE - 64) {
            return errno(Errno.ENOMEM);
        }
        int n = (int) room;
        skb.ensureHeadroom(n);
        skb.data -= n;
        skb.len += n;
        skb.macLen += n; // the network header stays where it was
        java.util.Arrays.fill(skb.head, skb.data, skb.data + n, (byte) 0);
        LwtRun.refreshPacket(ctx);
        return 0;
    }

    /**
     * bpf_skb_change_tail: trims or zero-extends the packet to {@code newLen}. Limits as the kernel's
     * __bpf_skb_min_len/max_len: not below the transport header (IPv4 ihl*4, IPv6 40 bytes; 0 for other
     * packets; 0 when {@link ExecutionContext#transportHeaderSet} is false, as under BPF_PROG_TEST_RUN), not
     * above IP_MAX_MTU; flags must be 0; encapsulated packets -ENOTSUPP.
     */
    static long skbChangeTail(ExecutionContext ctx, long r1, long newLen, long flags, long r4, long r5) {
        SkBuff skb = skb(ctx);
        long nl = newLen & 0xffffffffL;
        if (flags != 0 || nl > SKB_MAX_LEN || nl < (ctx.transportHeaderSet ? minLen(skb) : 0)) {
            return EINVAL;
        }
        if (skb.encapsulation) {
            return errno(Errno.ENOTSUPP);
        }
        int n = (int) nl;
        if (n > skb.len) {
            skb.ensureTailroom(n - skb.len);
            java.util.Arrays.fill(skb.head, skb.data + skb.len, skb.data + n, (byte) 0);
        }
        skb.len = n;
        LwtRun.refreshPacket(ctx);
        return 0;
    }

    /** The kernel's __bpf_skb_min_len for a packet whose transport header follows the IP header. */
    static int minLen(SkBuff skb) {
        if (skb.len < 1) {
            return 0;
        }
        int version = (skb.head[skb.data] & 0xff) >>> 4;
        if (skb.protocol == SkBuff.ETH_P_IP && version == 4) {
            return (skb.head[skb.data] & 0x0f) * 4;
        }
        if (skb.protocol == SkBuff.ETH_P_IPV6 && version == 6) {
            return 40;
        }
        return 0;
    }

    /** bpf_redirect: only BPF_F_INGRESS is allowed (else TC_ACT_SHOT); records the target, returns TC_ACT_REDIRECT. */
    static long redirect(ExecutionContext ctx, long ifindex, long flags, long r3, long r4, long r5) {
        if ((flags & ~BPF_F_INGRESS) != 0) {
            return TC_ACT_SHOT;
        }
        ctx.redirectIfindex = (int) ifindex;
        ctx.redirectFlags = flags;
        return TC_ACT_REDIRECT;
    }

    /**
     * bpf_clone_redirect: records a copy of the current packet for {@code ifindex}. -EINVAL for flags other
     * than BPF_F_INGRESS or an unknown device; -ERANGE for an empty packet (the kernel's
     * {@code skb->len == 0} check in __bpf_redirect_common / _no_mac). Mac-header checks are the router's.
     */
    static long cloneRedirect(ExecutionContext ctx, long r1, long ifindex, long flags, long r4, long r5) {
        SkBuff skb = skb(ctx);
        if ((flags & ~BPF_F_INGRESS) != 0) {
            return EINVAL;
        }
        if (!ctx.deviceExists.test((int) ifindex)) {
            return EINVAL;
        }
        if (skb.len == 0) {
            return errno(Errno.ERANGE);
        }
        ctx.clones.add(new ExecutionContext.ClonedPacket(skb.toByteArray(), skb.protocol, skb.mark, (int) ifindex,
                flags));
        return 0;
    }
}
