package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/** A tiny assembler and fixtures for verifier tests. */
final class Asm {
    private final List<Long> insns = new ArrayList<>();

    static Asm prog() {
        return new Asm();
    }

    Asm raw(long insn) {
        insns.add(insn);
        return this;
    }

    Asm mov(int dst, int imm) {
        return raw(Insn.make(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm));
    }

    Asm movReg(int dst, int src) {
        return raw(Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0));
    }

    Asm mov32(int dst, int imm) {
        return raw(Insn.make(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm));
    }

    Asm alu(int op, int dst, int imm) {
        return raw(Insn.make(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm));
    }

    Asm aluReg(int op, int dst, int src) {
        return raw(Insn.make(BPF_ALU64 | op | BPF_X, dst, src, 0, 0));
    }

    Asm alu32(int op, int dst, int imm) {
        return raw(Insn.make(BPF_ALU | op | BPF_K, dst, 0, 0, imm));
    }

    Asm ldx(int size, int dst, int src, int off) {
        return raw(Insn.make(BPF_LDX | BPF_MEM | size, dst, src, off, 0));
    }

    Asm stx(int size, int dst, int src, int off) {
        return raw(Insn.make(BPF_STX | BPF_MEM | size, dst, src, off, 0));
    }

    Asm st(int size, int dst, int off, int imm) {
        return raw(Insn.make(BPF_ST | BPF_MEM | size, dst, 0, off, imm));
    }

    Asm jmp(int op, int dst, int imm, int off) {
        return raw(Insn.make(BPF_JMP | op | BPF_K, dst, 0, off, imm));
    }

    Asm jmpReg(int op, int dst, int src, int off) {
        return raw(Insn.make(BPF_JMP | op | BPF_X, dst, src, off, 0));
    }

    Asm jmp32(int op, int dst, int imm, int off) {
        return raw(Insn.make(BPF_JMP32 | op | BPF_K, dst, 0, off, imm));
    }

    Asm ja(int off) {
        return raw(Insn.make(BPF_JMP | BPF_JA, 0, 0, off, 0));
    }

    Asm call(int helper) {
        return raw(Insn.make(BPF_JMP | BPF_CALL, 0, 0, 0, helper));
    }

    Asm callLocal(int rel) {
        return raw(Insn.make(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel));
    }

    Asm exit() {
        return raw(Insn.make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    }

    Asm ldMap(int dst, int mapIndex) {
        raw(Insn.make(BPF_LD | BPF_IMM | BPF_DW, dst, BPF_PSEUDO_MAP_FD, 0, mapIndex));
        return raw(0);
    }

    Asm ld64(int dst, long value) {
        raw(Insn.make(BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, (int) value));
        return raw(Insn.make(0, 0, 0, 0, (int) (value >>> 32)));
    }

    /** r0 = 0; exit */
    Asm ret0() {
        return mov(0, 0).exit();
    }

    long[] insns() {
        long[] a = new long[insns.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = insns.get(i);
        }
        return a;
    }

    BpfProgram build(ProgramType type, BpfMap... maps) {
        return new BpfProgram("test", type.sectionPrefix == null ? "test" : type.sectionPrefix, type, insns(),
                Arrays.asList(maps), "GPL");
    }

    // ---- fixtures ------------------------------------------------------------------------------

    static final int MAP_LOOKUP = 1;
    static final int MAP_UPDATE = 2;
    static final int SKB_STORE_BYTES = 9;
    static final int TAIL_CALL = 12;
    static final int SKB_LOAD_BYTES = 26;
    static final int CSUM_DIFF = 28;
    static final int RINGBUF_RESERVE = 131;
    static final int RINGBUF_SUBMIT = 132;
    static final int LOOP = 181;
    static final int KTIME = 5;

    static HelperProto proto(int id, String name, RetType ret, ArgType... args) {
        return new HelperProto(id, name, ret, List.of(args), (c, a, b, d, e, f) -> 0);
    }

    static final List<HelperProto> HELPERS = List.of(
            proto(MAP_LOOKUP, "map_lookup_elem", RetType.PTR_TO_MAP_VALUE_OR_NULL, ArgType.CONST_MAP_PTR,
                    ArgType.PTR_TO_MAP_KEY),
            proto(MAP_UPDATE, "map_update_elem", RetType.INTEGER, ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY,
                    ArgType.PTR_TO_MAP_VALUE, ArgType.ANYTHING),
            proto(KTIME, "ktime_get_ns", RetType.INTEGER),
            proto(TAIL_CALL, "tail_call", RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.CONST_MAP_PTR,
                    ArgType.ANYTHING),
            proto(SKB_LOAD_BYTES, "skb_load_bytes", RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.ANYTHING,
                    ArgType.PTR_TO_UNINIT_MEM, ArgType.CONST_SIZE),
            proto(CSUM_DIFF, "csum_diff", RetType.INTEGER, ArgType.PTR_TO_MEM_OR_NULL, ArgType.CONST_SIZE_OR_ZERO,
                    ArgType.PTR_TO_MEM_OR_NULL, ArgType.CONST_SIZE_OR_ZERO, ArgType.ANYTHING),
            proto(RINGBUF_RESERVE, "ringbuf_reserve", RetType.PTR_TO_ALLOC_MEM_OR_NULL, ArgType.CONST_MAP_PTR,
                    ArgType.CONST_ALLOC_SIZE_OR_ZERO, ArgType.ANYTHING),
            proto(RINGBUF_SUBMIT, "ringbuf_submit", RetType.VOID, ArgType.PTR_TO_ALLOC_MEM, ArgType.ANYTHING),
            proto(LOOP, "loop", RetType.INTEGER, ArgType.ANYTHING, ArgType.PTR_TO_FUNC, ArgType.PTR_TO_STACK_OR_NULL,
                    ArgType.ANYTHING));

    static final List<HelperProto> XMIT_ONLY = List.of(
            proto(SKB_STORE_BYTES, "skb_store_bytes", RetType.INTEGER, ArgType.PTR_TO_CTX, ArgType.ANYTHING,
                    ArgType.PTR_TO_MEM, ArgType.CONST_SIZE, ArgType.ANYTHING));

    static VerifierEnv env(ProgramType type) {
        List<HelperProto> all = new ArrayList<>(HELPERS);
        if (type == ProgramType.LWT_XMIT) {
            all.addAll(XMIT_ONLY);
        }
        return VerifierEnv.forType(type, VerifierEnv.helperTable(all));
    }

    static BpfMap map(MapType type, int keySize, int valueSize, int flags) {
        return new StubMap(new MapDefinition("m", type, keySize, valueSize, 16, flags, 0));
    }

    static BpfMap hash(int keySize, int valueSize) {
        return map(MapType.HASH, keySize, valueSize, 0);
    }

    /** A map that holds nothing: the verifier only reads its definition. */
    static final class StubMap extends BpfMap {
        StubMap(MapDefinition d) {
            super(d);
        }

        @Override public long lookupElem(byte[] key, int keyOffset, int cpu) { return 0; }
        @Override public int updateElem(byte[] k, int ko, byte[] v, int vo, long flags, int cpu) { return 0; }
        @Override public int deleteElem(byte[] key, int keyOffset) { return 0; }
        @Override public byte[] lookup(byte[] key) { return null; }
        @Override public int update(byte[] key, byte[] value, long flags) { return 0; }
        @Override public int delete(byte[] key) { return 0; }
        @Override public byte[] nextKey(byte[] key) { return null; }
    }
}
