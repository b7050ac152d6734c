package io.lwtemu.ebpf.helpers;

/**
 * Helper numbers ({@code enum bpf_func_id}, include/uapi/linux/bpf.h: position in
 * {@code __BPF_FUNC_MAPPER}) of the helpers lwtemu knows, and the flag values they take.
 */
public final class HelperIds {
    private HelperIds() {}

    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int KTIME_GET_NS = 5;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int SKB_STORE_BYTES = 9;
    public static final int L3_CSUM_REPLACE = 10;
    public static final int L4_CSUM_REPLACE = 11;
    public static final int TAIL_CALL = 12;
    public static final int CLONE_REDIRECT = 13;
    public static final int GET_CGROUP_CLASSID = 17;
    public static final int SKB_VLAN_PUSH = 18;
    public static final int SKB_VLAN_POP = 19;
    public static final int SKB_GET_TUNNEL_KEY = 20;
    public static final int SKB_SET_TUNNEL_KEY = 21;
    public static final int REDIRECT = 23;
    public static final int GET_ROUTE_REALM = 24;
    public static final int PERF_EVENT_OUTPUT = 25;
    public static final int SKB_LOAD_BYTES = 26;
    public static final int CSUM_DIFF = 28;
    public static final int SKB_GET_TUNNEL_OPT = 29;
    public static final int SKB_SET_TUNNEL_OPT = 30;
    public static final int SKB_CHANGE_PROTO = 31;
    public static final int SKB_UNDER_CGROUP = 33;
    public static final int GET_HASH_RECALC = 34;
    public static final int SKB_CHANGE_TAIL = 38;
    public static final int SKB_PULL_DATA = 39;
    public static final int CSUM_UPDATE = 40;
    public static final int SET_HASH_INVALID = 41;
    public static final int GET_NUMA_NODE_ID = 42;
    public static final int SKB_CHANGE_HEAD = 43;
    public static final int SKB_ADJUST_ROOM = 50;
    public static final int SKB_LOAD_BYTES_RELATIVE = 68;
    public static final int FIB_LOOKUP = 69;
    public static final int LWT_PUSH_ENCAP = 73;
    public static final int LWT_SEG6_STORE_BYTES = 74;
    public static final int LWT_SEG6_ADJUST_SRH = 75;
    public static final int LWT_SEG6_ACTION = 76;
    public static final int MAP_PUSH_ELEM = 87;
    public static final int MAP_POP_ELEM = 88;
    public static final int MAP_PEEK_ELEM = 89;
    public static final int JIFFIES64 = 118;
    public static final int KTIME_GET_BOOT_NS = 125;
    public static final int RINGBUF_OUTPUT = 130;
    public static final int RINGBUF_RESERVE = 131;
    public static final int RINGBUF_SUBMIT = 132;
    public static final int RINGBUF_DISCARD = 133;
    public static final int RINGBUF_QUERY = 134;
    public static final int CSUM_LEVEL = 135;
    public static final int KTIME_GET_COARSE_NS = 160;
    public static final int FOR_EACH_MAP_ELEM = 164;
    public static final int SNPRINTF = 165;
    public static final int TIMER_INIT = 169;
    public static final int TIMER_SET_CALLBACK = 170;
    public static final int TIMER_START = 171;
    public static final int TIMER_CANCEL = 172;
    public static final int LOOP = 181;
    public static final int STRNCMP = 182;

    /** One past the highest helper id lwtemu tables cover. */
    public static final int MAX_ID = 212;

    // ---- flags (include/uapi/linux/bpf.h) ----
    public static final long BPF_F_RECOMPUTE_CSUM = 1L << 0;
    public static final long BPF_F_INVALIDATE_HASH = 1L << 1;
    public static final long BPF_F_HDR_FIELD_MASK = 0xfL;
    public static final long BPF_F_PSEUDO_HDR = 1L << 4;
    public static final long BPF_F_MARK_MANGLED_0 = 1L << 5;
    public static final long BPF_F_MARK_ENFORCE = 1L << 6;
    public static final long BPF_F_IPV6 = 1L << 7;
    public static final long BPF_F_INGRESS = 1L << 0;
    public static final long BPF_F_INDEX_MASK = 0xffffffffL;
    public static final long BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;
    public static final long BPF_F_CTXLEN_MASK = 0xfffffL << 32;
    public static final long BPF_RB_NO_WAKEUP = 1L << 0;
    public static final long BPF_RB_FORCE_WAKEUP = 1L << 1;
    public static final int BPF_RB_AVAIL_DATA = 0;
    public static final int BPF_RB_RING_SIZE = 1;
    public static final int BPF_RB_CONS_POS = 2;
    public static final int BPF_RB_PROD_POS = 3;
    public static final int BPF_CSUM_LEVEL_QUERY = 0;
    public static final int BPF_CSUM_LEVEL_INC = 1;
    public static final int BPF_CSUM_LEVEL_DEC = 2;
    public static final int BPF_CSUM_LEVEL_RESET = 3;
    public static final int BPF_LWT_ENCAP_SEG6 = 0;
    public static final int BPF_LWT_ENCAP_SEG6_INLINE = 1;
    public static final int BPF_LWT_ENCAP_IP = 2;

    /** TC action codes bpf_redirect returns. */
    public static final int TC_ACT_SHOT = 2;
    public static final int TC_ACT_REDIRECT = 7;
}
