package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.helpers.HelperIds.*;
import static org.assertj.core.api.Assertions.assertThat;

class LwtHelpersTest {
    @Test
    void shouldOfferHelpersPerTypeAsProbedOnLinux() {
        for (ProgramType t : new ProgramType[] {ProgramType.LWT_IN, ProgramType.LWT_OUT, ProgramType.LWT_XMIT,
                ProgramType.LWT_SEG6LOCAL}) {
            HelperProto[] h = LwtHelpers.forType(t);
            for (int id : new int[] {MAP_LOOKUP_ELEM, MAP_UPDATE_ELEM, MAP_DELETE_ELEM, KTIME_GET_NS, GET_PRANDOM_U32,
                    TAIL_CALL, TRACE_PRINTK, RINGBUF_OUTPUT, RINGBUF_RESERVE, RINGBUF_SUBMIT, RINGBUF_DISCARD,
                    RINGBUF_QUERY, LOOP, SKB_LOAD_BYTES, SKB_PULL_DATA, CSUM_DIFF, GET_CGROUP_CLASSID, GET_ROUTE_REALM,
                    GET_HASH_RECALC, PERF_EVENT_OUTPUT, GET_SMP_PROCESSOR_ID, SKB_UNDER_CGROUP}) {
                assertThat(h[id]).as(t + " helper " + id).isNotNull();
                assertThat(h[id].id()).isEqualTo(id);
            }
            for (int id : new int[] {FIB_LOOKUP, SKB_ADJUST_ROOM, SKB_CHANGE_PROTO, SKB_VLAN_PUSH, SKB_VLAN_POP,
                    SKB_LOAD_BYTES_RELATIVE}) {
                assertThat(h[id]).as(t + " helper " + id).isNull();
            }
        }
        HelperProto[] in = LwtHelpers.forType(ProgramType.LWT_IN);
        HelperProto[] out = LwtHelpers.forType(ProgramType.LWT_OUT);
        HelperProto[] xmit = LwtHelpers.forType(ProgramType.LWT_XMIT);
        HelperProto[] seg6 = LwtHelpers.forType(ProgramType.LWT_SEG6LOCAL);
        assertThat(in[LWT_PUSH_ENCAP]).isSameAs(LwtEncap.LWT_IN_PUSH_ENCAP);
        assertThat(xmit[LWT_PUSH_ENCAP]).isSameAs(LwtEncap.LWT_XMIT_PUSH_ENCAP);
        assertThat(out[LWT_PUSH_ENCAP]).isNull();
        assertThat(seg6[LWT_PUSH_ENCAP]).isNull();
        for (int id : new int[] {SKB_STORE_BYTES, L3_CSUM_REPLACE, L4_CSUM_REPLACE, CSUM_UPDATE, CSUM_LEVEL,
                SET_HASH_INVALID, SKB_CHANGE_HEAD, SKB_CHANGE_TAIL, REDIRECT, CLONE_REDIRECT, SKB_GET_TUNNEL_KEY}) {
            assertThat(xmit[id]).isNotNull();
            assertThat(in[id]).isNull();
            assertThat(out[id]).isNull();
            assertThat(seg6[id]).isNull();
        }
        for (int id : new int[] {LWT_SEG6_STORE_BYTES, LWT_SEG6_ADJUST_SRH, LWT_SEG6_ACTION}) {
            assertThat(seg6[id]).isNotNull();
            assertThat(xmit[id]).isNull();
        }
    }

    @Test
    void shouldGiveUnspecOnlyGenericHelpers() {
        HelperProto[] h = LwtHelpers.forType(ProgramType.UNSPEC);
        assertThat(h[MAP_LOOKUP_ELEM]).isNotNull();
        assertThat(h[TRACE_PRINTK]).isNotNull();
        assertThat(h[SKB_LOAD_BYTES]).isNull();
        assertThat(h[TAIL_CALL]).isNull();
    }

    @Test
    void shouldDeclareKernelSignatures() {
        HelperProto load = LwtHelpers.lookup(ProgramType.LWT_XMIT, SKB_LOAD_BYTES);
        assertThat(load.args()).containsExactly(ArgType.PTR_TO_CTX, ArgType.ANYTHING, ArgType.PTR_TO_UNINIT_MEM,
                ArgType.CONST_SIZE);
        HelperProto lookup = LwtHelpers.lookup(ProgramType.LWT_IN, MAP_LOOKUP_ELEM);
        assertThat(lookup.ret()).isEqualTo(RetType.PTR_TO_MAP_VALUE_OR_NULL);
        assertThat(lookup.args()).containsExactly(ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY);
        HelperProto reserve = LwtHelpers.lookup(ProgramType.LWT_OUT, RINGBUF_RESERVE);
        assertThat(reserve.ret()).isEqualTo(RetType.PTR_TO_ALLOC_MEM_OR_NULL);
        assertThat(reserve.args()).containsExactly(ArgType.CONST_MAP_PTR, ArgType.CONST_ALLOC_SIZE_OR_ZERO,
                ArgType.ANYTHING);
        assertThat(LwtHelpers.lookup(ProgramType.LWT_XMIT, LWT_PUSH_ENCAP).args()).containsExactly(
                ArgType.PTR_TO_CTX, ArgType.ANYTHING, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE);
        assertThat(LwtHelpers.lookup(ProgramType.LWT_XMIT, RINGBUF_SUBMIT).ret()).isEqualTo(RetType.VOID);
        assertThat(LwtHelpers.lookup(ProgramType.LWT_XMIT, 9999)).isNull();
    }

    @Test
    void shouldListHelpersThatMovePacket() {
        assertThat(LwtHelpers.changesPacketData(SKB_CHANGE_HEAD)).isTrue();
        assertThat(LwtHelpers.changesPacketData(LWT_PUSH_ENCAP)).isTrue();
        assertThat(LwtHelpers.changesPacketData(CLONE_REDIRECT)).isTrue();
        assertThat(LwtHelpers.changesPacketData(SKB_LOAD_BYTES)).isFalse();
        assertThat(LwtHelpers.changesPacketData(REDIRECT)).isFalse();
    }

    @Test
    void shouldNumberHelpersAsTheKernel() {
        assertThat(SKB_STORE_BYTES).isEqualTo(9);
        assertThat(REDIRECT).isEqualTo(23);
        assertThat(SKB_LOAD_BYTES).isEqualTo(26);
        assertThat(LWT_PUSH_ENCAP).isEqualTo(73);
        assertThat(RINGBUF_OUTPUT).isEqualTo(130);
        assertThat(CSUM_LEVEL).isEqualTo(135);
        assertThat(LOOP).isEqualTo(181);
    }
}
