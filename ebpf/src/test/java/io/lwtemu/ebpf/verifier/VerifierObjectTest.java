package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.lwtemu.ebpf.prog.ProgramType.*;
import static io.lwtemu.ebpf.verifier.Asm.proto;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * clang -O2 objects under src/test/bpf/verifier/: the verdicts and messages a 6.18 kernel gives for them
 * (checked with {@code bpftool prog loadall}), except where noted.
 */
class VerifierObjectTest {
    private static final Path DIR = Path.of("src/test/bpf/verifier");

    /** The LWT helpers these programs use, with the kernel's per-type availability. */
    static VerifierEnv env(ProgramType type) {
        List<HelperProto> h = new ArrayList<>(Asm.HELPERS);
        h.add(proto(6, "trace_printk", RetType.INTEGER, ArgType.PTR_TO_MEM, ArgType.CONST_SIZE));
        if (type == LWT_IN || type == LWT_XMIT) {
            h.add(proto(73, "lwt_push_encap", RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.ANYTHING,
                    ArgType.PTR_TO_MEM, ArgType.CONST_SIZE));
        }
        if (type == LWT_XMIT) {
            h.addAll(Asm.XMIT_ONLY);
            h.add(proto(10, "l3_csum_replace", RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.ANYTHING,
                    ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING));
        }
        return VerifierEnv.forType(type, VerifierEnv.helperTable(h));
    }

    static BpfMap map(String name, MapType type, int key, int value) {
        return new Asm.StubMap(new MapDefinition(name, type, key, value, 16, 0, 0));
    }

    static BpfProgram load(String file, String func, ProgramType type, BpfMap... maps) throws Exception {
        return new TestElf(DIR.resolve(file)).program(func, type, List.of(maps));
    }

    static VerifierResult verify(String file, String func, ProgramType type, BpfMap... maps) throws Exception {
        return Verifier.verify(load(file, func, type, maps), env(type));
    }

    static void rejects(String file, String func, ProgramType type, String reason, BpfMap... maps)
            throws Exception {
        BpfProgram p = load(file, func, type, maps);
        assertThatThrownBy(() -> Verifier.verify(p, env(type)))
                .isInstanceOfSatisfying(VerifierException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void shouldAcceptMapCounter() throws Exception {
        VerifierResult r = verify("accept_counter.o", "count_proto", LWT_OUT,
                map("counters", MapType.ARRAY, 4, 8));
        assertThat(r.processedInsns()).isBetween(10, 200);
    }

    @Test
    void shouldAcceptChecksumRewriteOnXmit() throws Exception {
        verify("accept_rewrite.o", "rewrite_unrolled", LWT_XMIT);
        verify("accept_rewrite.o", "rewrite_loop", LWT_XMIT);
    }

    @Test
    void shouldAcceptBoundedPayloadLoop() throws Exception {
        VerifierResult r = verify("accept_rewrite.o", "sum_payload", LWT_IN);
        assertThat(r.processedInsns()).isLessThan(100_000);
    }

    @Test
    void shouldAcceptIpipAndGreEncap() throws Exception {
        verify("accept_encap.o", "encap_ipip", LWT_XMIT);
        verify("accept_encap.o", "encap_gre", LWT_IN);
    }

    @Test
    void shouldAcceptVariableHeaderLengthParsing() throws Exception {
        verify("accept_parse.o", "parse_ports", LWT_IN);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", ".v1", ".v4"})
    void shouldAcceptEveryCpuVariant(String variant) throws Exception {
        verify("accept_rewrite" + variant + ".o", "rewrite_unrolled", LWT_XMIT);
        verify("accept_rewrite" + variant + ".o", "rewrite_loop", LWT_XMIT);
        verify("accept_rewrite" + variant + ".o", "sum_payload", LWT_IN);
        verify("accept_encap" + variant + ".o", "encap_ipip", LWT_XMIT);
        verify("accept_encap" + variant + ".o", "encap_gre", LWT_IN);
        verify("accept_parse" + variant + ".o", "parse_ports", LWT_IN);
        verify("accept_tlv" + variant + ".o", "walk_ext", LWT_IN,
                map("nexthdr_count", MapType.PERCPU_HASH, 1, 8));
    }

    @Test
    void shouldRejectPacketReadWithoutBoundsCheck() throws Exception {
        rejects("reject_no_bounds.o", "no_bounds", LWT_IN,
                "invalid access to packet, off=8 size=1, R1(id=0,off=8,r=0)");
    }

    @Test
    void shouldRejectPacketWriteFromLwtIn() throws Exception {
        rejects("reject_write_in.o", "write_in", LWT_IN, "cannot write into packet");
    }

    @Test
    void shouldRejectTcClassidRead() throws Exception {
        rejects("reject_tc_classid.o", "read_classid", LWT_XMIT, "invalid bpf_context access off=72 size=4");
    }

    @Test
    void shouldRejectMapValueDerefWithoutNullCheck() throws Exception {
        rejects("reject_null_deref.o", "null_deref", LWT_OUT, "R0 invalid mem access 'map_value_or_null'",
                map("table", MapType.HASH, 4, 8));
    }

    @Test
    void shouldRejectOutOfBoundsMapValueRead() throws Exception {
        rejects("reject_oob_map.o", "oob_map", LWT_OUT, "invalid access to map value, value_size=8 off=8 size=4",
                map("table", MapType.ARRAY, 4, 8));
    }

    @Test
    void shouldRejectXmitOnlyHelperInLwtIn() throws Exception {
        rejects("reject_helper_in.o", "store_in", LWT_IN,
                "program of this type cannot use helper bpf_skb_store_bytes#9");
    }

    @Test
    void shouldRejectUninitialisedKeyUnderStrictRule() throws Exception {
        rejects("reject_uninit_key.o", "uninit_key", LWT_OUT, "invalid read from stack R2 off -8+0 size 8",
                map("table", MapType.HASH, 8, 8));
        // the 6.18 kernel lets root read uninitialised stack, and so does the permissive rule
        BpfProgram p = load("reject_uninit_key.o", "uninit_key", LWT_OUT, map("table", MapType.HASH, 8, 8));
        Verifier.verify(p, env(LWT_OUT).withAllowUninitStack(true));
    }
}
