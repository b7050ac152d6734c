package io.lwtemu.ebpf.prog;

import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ContextAccess;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.Pointer;

import static io.lwtemu.ebpf.prog.SkBuffLayout.*;

/**
 * {@code struct __sk_buff} as LWT programs see it, backed by the run's {@link SkBuff}: what the kernel's
 * {@code bpf_convert_ctx_access} rewrites loads and stores into. Access rules follow
 * {@code lwt_is_valid_access} / {@code bpf_skb_is_valid_access}: aligned, narrow (1/2-byte) loads of
 * 4-byte fields, full-size {@code data}/{@code data_end}/{@code sk}, writes only to mark, priority and
 * cb (cb at any aligned size). The verifier rejects everything else statically; here it is a
 * {@link BpfFault}, the runtime's safety net.
 *
 * <p>{@code ifindex} and {@code ingress_ifindex} are per-hook values set by {@link LwtRun}, not fields of
 * the skb (the kernel derives them from skb->dev and skb->skb_iif, which differ per hook).
 *
 * <p>{@code cb} is a view of its own, not {@link SkBuff#cb}: the kernel saves skb->cb, clears it for the
 * program and restores it afterwards ({@code bpf_prog_run_save_cb}), so the program starts from zeros and its
 * writes are gone after the run. Keeping the program's cb here has the same effect without copying the skb's
 * cb twice per run; {@link LwtRun} clears it before a run after the program wrote it.
 *
 * <p>Besides the checked {@link #load}/{@link #store}, the static {@code verified*} accessors serve the
 * {@link io.lwtemu.ebpf.vm.JitCompiler}: it calls them for accesses the verifier already allowed
 * ({@link #verifiedLoad}), so they only read the field, as the kernel's rewritten instructions do.
 */
public final class SkBuffContext implements ContextAccess {
    private final ExecutionContext ctx;
    int ifindex;
    int ingressIfindex;
    /** The program's cb[0..4]. */
    final int[] cb = new int[5];
    /** True once the program may have written {@link #cb} since it was last cleared. */
    boolean cbDirty;

    public SkBuffContext(ExecutionContext ctx) {
        this.ctx = ctx;
    }

    /** Clears the program's cb for a new run (only when a run wrote it). */
    void clearCb() {
        if (cbDirty) {
            java.util.Arrays.fill(cb, 0);
            cbDirty = false;
        }
    }

    @Override
    public long load(int offset, int size) {
        SkBuff skb = skb();
        if (offset < 0 || offset >= SIZE || size <= 0 || offset % size != 0) {
            throw fault("load", offset, size);
        }
        if (offset >= CB && offset < CB_END) {
            if (offset + size > CB_END) {
                throw fault("load", offset, size);
            }
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | cbByte(offset - CB + i);
            }
            return v;
        }
        switch (offset) {
            case DATA:
            case DATA_END:
                if (size != 4) {
                    throw fault("load", offset, size);
                }
                return Pointer.of(AddressSpace.PACKET, offset == DATA ? skb.data : skb.data + skb.len);
            case SK:
                if (size != 8) {
                    throw fault("load", offset, size);
                }
                return 0; // LWT packets carry no socket the program may see: PTR_TO_SOCK_COMMON_OR_NULL is NULL
            default:
                break;
        }
        if (size > 4) {
            throw fault("load", offset, size);
        }
        int field = offset & ~3;
        long value = field(skb, field, offset, size) & 0xffffffffL;
        int shift = (offset - field) * 8;
        return (value >>> shift) & (size == 4 ? 0xffffffffL : (1L << (size * 8)) - 1);
    }

    @Override
    public void store(int offset, int size, long value) {
        SkBuff skb = skb();
        if (offset < 0 || offset >= SIZE || size <= 0 || offset % size != 0) {
            throw fault("store", offset, size);
        }
        if (offset >= CB && offset < CB_END) {
            if (offset + size > CB_END) {
                throw fault("store", offset, size);
            }
            cbDirty = true;
            for (int i = 0; i < size; i++) {
                int b = offset - CB + i;
                int shift = (b & 3) * 8;
                cb[b >> 2] = (cb[b >> 2] & ~(0xff << shift)) | (int) (((value >>> (8 * i)) & 0xff) << shift);
            }
            return;
        }
        if (size != 4) {
            throw fault("store", offset, size);
        }
        switch (offset) {
            case MARK -> skb.mark = (int) value;
            case PRIORITY -> skb.priority = (int) value;
            default -> throw fault("store", offset, size);
        }
    }

    private int field(SkBuff skb, int field, int offset, int size) {
        return switch (field) {
            case LEN -> skb.len;
            case PKT_TYPE -> skb.pktType;
            case MARK -> skb.mark;
            case QUEUE_MAPPING -> skb.queueMapping;
            // skb->protocol is __be16; the u32 field holds it as stored, so 0x0800 reads as 0x0008 here
            case PROTOCOL -> Integer.reverseBytes(skb.protocol & 0xffff) >>> 16;
            case VLAN_PRESENT -> skb.vlanPresent;
            case VLAN_TCI -> skb.vlanTci;
            case VLAN_PROTO -> Integer.reverseBytes(skb.vlanProto & 0xffff) >>> 16;
            case PRIORITY -> skb.priority;
            case INGRESS_IFINDEX -> ingressIfindex;
            case IFINDEX -> ifindex;
            case TC_INDEX -> skb.tcIndex;
            case HASH -> skb.hash;
            case NAPI_ID -> skb.napiId;
            case GSO_SEGS -> skb.gsoSegs;
            case GSO_SIZE -> skb.gsoSize;
            default -> throw fault("load", offset, size);
        };
    }

    private int cbByte(int i) {
        return (cb[i >> 2] >>> ((i & 3) * 8)) & 0xff;
    }

    private SkBuff skb() {
        SkBuff skb = ctx.skb;
        if (skb == null) {
            throw new BpfFault("context access without a packet");
        }
        return skb;
    }

    // ---- accessors for loads and stores the verifier allowed (see class doc) ----

    /**
     * The static {@code (ExecutionContext) -> long} method of this class that yields the 4-byte field at
     * {@code offset} as {@link #load} does, or null for fields left to {@link #load} (cb, narrow loads, the
     * per-hook ifindex view, sk).
     */
    public static String verifiedLoad(int offset, int size) {
        if (size != 4) {
            return null;
        }
        return switch (offset) {
            case LEN -> "len";
            case PKT_TYPE -> "pktType";
            case MARK -> "mark";
            case QUEUE_MAPPING -> "queueMapping";
            case PROTOCOL -> "protocol";
            case VLAN_PRESENT -> "vlanPresent";
            case VLAN_TCI -> "vlanTci";
            case VLAN_PROTO -> "vlanProto";
            case PRIORITY -> "priority";
            case TC_INDEX -> "tcIndex";
            case HASH -> "hash";
            case DATA -> "data";
            case DATA_END -> "dataEnd";
            case NAPI_ID -> "napiId";
            case GSO_SEGS -> "gsoSegs";
            case GSO_SIZE -> "gsoSize";
            default -> null;
        };
    }

    /** The static {@code (ExecutionContext, long) -> void} method storing the field at {@code offset}, or null. */
    public static String verifiedStore(int offset, int size) {
        if (size != 4) {
            return null;
        }
        return switch (offset) {
            case MARK -> "storeMark";
            case PRIORITY -> "storePriority";
            default -> null;
        };
    }

    private static final long M32 = 0xffff_ffffL;

    private static SkBuff skb(ExecutionContext c) {
        SkBuff skb = c.skb;
        if (skb == null) {
            throw new BpfFault("context access without a packet");
        }
        return skb;
    }

    public static long len(ExecutionContext c) {
        return skb(c).len & M32;
    }

    public static long pktType(ExecutionContext c) {
        return skb(c).pktType & M32;
    }

    public static long mark(ExecutionContext c) {
        return skb(c).mark & M32;
    }

    public static long queueMapping(ExecutionContext c) {
        return skb(c).queueMapping & M32;
    }

    public static long protocol(ExecutionContext c) {
        return Integer.reverseBytes(skb(c).protocol & 0xffff) >>> 16;
    }

    public static long vlanPresent(ExecutionContext c) {
        return skb(c).vlanPresent & M32;
    }

    public static long vlanTci(ExecutionContext c) {
        return skb(c).vlanTci & M32;
    }

    public static long vlanProto(ExecutionContext c) {
        return Integer.reverseBytes(skb(c).vlanProto & 0xffff) >>> 16;
    }

    public static long priority(ExecutionContext c) {
        return skb(c).priority & M32;
    }

    public static long tcIndex(ExecutionContext c) {
        return skb(c).tcIndex & M32;
    }

    public static long hash(ExecutionContext c) {
        return skb(c).hash & M32;
    }

    public static long data(ExecutionContext c) {
        return Pointer.of(AddressSpace.PACKET, skb(c).data);
    }

    public static long dataEnd(ExecutionContext c) {
        SkBuff skb = skb(c);
        return Pointer.of(AddressSpace.PACKET, skb.data + skb.len);
    }

    public static long napiId(ExecutionContext c) {
        return skb(c).napiId & M32;
    }

    public static long gsoSegs(ExecutionContext c) {
        return skb(c).gsoSegs & M32;
    }

    public static long gsoSize(ExecutionContext c) {
        return skb(c).gsoSize & M32;
    }

    public static void storeMark(ExecutionContext c, long value) {
        skb(c).mark = (int) value;
    }

    public static void storePriority(ExecutionContext c, long value) {
        skb(c).priority = (int) value;
    }

    private static BpfFault fault(String what, int offset, int size) {
        return new BpfFault("invalid bpf_context access: " + what + " of " + size + " byte(s) at __sk_buff offset "
                + offset + " (" + fieldName(offset) + ")");
    }

    /** The __sk_buff field at {@code offset}, for messages. */
    public static String fieldName(int offset) {
        String[] names = {"len", "pkt_type", "mark", "queue_mapping", "protocol", "vlan_present", "vlan_tci",
                "vlan_proto", "priority", "ingress_ifindex", "ifindex", "tc_index", "cb[0]", "cb[1]", "cb[2]",
                "cb[3]", "cb[4]", "hash", "tc_classid", "data", "data_end", "napi_id", "family", "remote_ip4",
                "local_ip4"};
        if (offset >= 0 && offset < 100) {
            return names[offset / 4];
        }
        if (offset < REMOTE_PORT) {
            return offset < LOCAL_IP6 ? "remote_ip6" : "local_ip6";
        }
        if (offset < FLOW_KEYS) {
            return offset < LOCAL_PORT ? "remote_port" : offset < DATA_META ? "local_port" : "data_meta";
        }
        if (offset < TSTAMP) {
            return "flow_keys";
        }
        if (offset < WIRE_LEN) {
            return "tstamp";
        }
        if (offset < GSO_SEGS) {
            return "wire_len";
        }
        if (offset < SK) {
            return "gso_segs";
        }
        if (offset < GSO_SIZE) {
            return "sk";
        }
        if (offset < TSTAMP_TYPE) {
            return "gso_size";
        }
        if (offset < HWTSTAMP) {
            return "tstamp_type";
        }
        return offset < SIZE ? "hwtstamp" : "beyond __sk_buff";
    }
}
