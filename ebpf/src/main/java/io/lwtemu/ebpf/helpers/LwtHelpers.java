package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.prog.ProgramType;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which helpers each program type may call, as probed on Linux 6.18 (LWT-FACTS "Helpers per type";
 * {@code lwt_in_func_proto}, {@code lwt_out_func_proto}, {@code lwt_xmit_func_proto},
 * {@code lwt_seg6local_func_proto} and {@code bpf_base_func_proto}).
 *
 * <p>Not provided although the kernel offers them: bpf_timer_*, map push/pop/peek, for_each_map_elem,
 * snprintf/strncmp and the other generic helpers LWT programs rarely use, and bpf_skb_set_tunnel_key
 * (lwtemu has no tunnel metadata). Programs calling them are rejected by the verifier as unknown helpers.
 */
public final class LwtHelpers {
    private LwtHelpers() {}

    private static final Map<ProgramType, HelperProto[]> TABLES = new EnumMap<>(ProgramType.class);

    static {
        for (ProgramType t : ProgramType.values()) {
            TABLES.put(t, build(t));
        }
    }

    /** Helpers {@code type} may call, indexed by helper id; null where it may not. A fresh copy. */
    public static HelperProto[] forType(ProgramType type) {
        return TABLES.get(type).clone();
    }

    /** The helper {@code id} for {@code type}, or null. */
    public static HelperProto lookup(ProgramType type, int id) {
        HelperProto[] t = TABLES.get(type);
        return id >= 0 && id < t.length ? t[id] : null;
    }

    /**
     * True for helpers after which the verifier must forget packet pointers (the kernel's
     * {@code bpf_helper_changes_pkt_data}): they may move or resize the packet.
     */
    public static boolean changesPacketData(int id) {
        return switch (id) {
            case HelperIds.SKB_STORE_BYTES, HelperIds.SKB_CHANGE_HEAD, HelperIds.SKB_CHANGE_TAIL,
                 HelperIds.SKB_ADJUST_ROOM, HelperIds.SKB_CHANGE_PROTO, HelperIds.SKB_VLAN_PUSH,
                 HelperIds.SKB_VLAN_POP, HelperIds.SKB_PULL_DATA, HelperIds.CLONE_REDIRECT,
                 HelperIds.L3_CSUM_REPLACE, HelperIds.L4_CSUM_REPLACE, HelperIds.LWT_PUSH_ENCAP,
                 HelperIds.LWT_SEG6_STORE_BYTES, HelperIds.LWT_SEG6_ADJUST_SRH, HelperIds.LWT_SEG6_ACTION -> true;
            default -> false;
        };
    }

    private static HelperProto[] build(ProgramType type) {
        HelperProto[] t = new HelperProto[HelperIds.MAX_ID];
        put(t, CommonHelpers.MAP_LOOKUP_ELEM, CommonHelpers.MAP_UPDATE_ELEM, CommonHelpers.MAP_DELETE_ELEM,
                CommonHelpers.KTIME_GET_NS, CommonHelpers.GET_PRANDOM_U32, CommonHelpers.TRACE_PRINTK,
                CommonHelpers.GET_SMP_PROCESSOR_ID);
        if (type == ProgramType.UNSPEC) {
            return t;
        }
        put(t, CommonHelpers.KTIME_GET_BOOT_NS, CommonHelpers.KTIME_GET_COARSE_NS, CommonHelpers.JIFFIES64,
                CommonHelpers.GET_NUMA_NODE_ID, CommonHelpers.TAIL_CALL, CommonHelpers.LOOP,
                RingBufHelpers.RINGBUF_OUTPUT, RingBufHelpers.RINGBUF_RESERVE, RingBufHelpers.RINGBUF_SUBMIT,
                RingBufHelpers.RINGBUF_DISCARD, RingBufHelpers.RINGBUF_QUERY,
                SkbHelpers.SKB_LOAD_BYTES_P, SkbHelpers.SKB_PULL_DATA_P, SkbHelpers.CSUM_DIFF_P,
                SkbHelpers.GET_CGROUP_CLASSID_P, SkbHelpers.GET_ROUTE_REALM_P, SkbHelpers.GET_HASH_RECALC_P,
                SkbHelpers.PERF_EVENT_OUTPUT_P, SkbHelpers.SKB_UNDER_CGROUP_P);
        switch (type) {
            case LWT_IN -> put(t, LwtEncap.LWT_IN_PUSH_ENCAP);
            case LWT_XMIT -> put(t, LwtEncap.LWT_XMIT_PUSH_ENCAP, SkbHelpers.SKB_STORE_BYTES_P,
                    SkbHelpers.L3_CSUM_REPLACE_P, SkbHelpers.L4_CSUM_REPLACE_P, SkbHelpers.CSUM_UPDATE_P,
                    SkbHelpers.CSUM_LEVEL_P, SkbHelpers.SET_HASH_INVALID_P, SkbHelpers.SKB_CHANGE_HEAD_P,
                    SkbHelpers.SKB_CHANGE_TAIL_P, SkbHelpers.REDIRECT_P, SkbHelpers.CLONE_REDIRECT_P,
                    SkbHelpers.SKB_GET_TUNNEL_KEY_P, SkbHelpers.SKB_GET_TUNNEL_OPT_P, SkbHelpers.SKB_SET_TUNNEL_OPT_P);
            case LWT_SEG6LOCAL -> put(t, Seg6LocalHelpers.LWT_SEG6_STORE_BYTES, Seg6LocalHelpers.LWT_SEG6_ADJUST_SRH,
                    Seg6LocalHelpers.LWT_SEG6_ACTION);
            default -> { }
        }
        return t;
    }

    private static void put(HelperProto[] t, HelperProto... protos) {
        for (HelperProto p : protos) {
            if (t[p.id()] != null) {
                throw new IllegalStateException("helper " + p.id() + " defined twice");
            }
            t[p.id()] = p;
        }
    }
}
