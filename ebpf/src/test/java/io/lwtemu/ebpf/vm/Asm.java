package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.prog.ProgramType;

import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/** Terse hand assembly for interpreter tests, plus a run harness over a memory block in r1. */
final class Asm {
    private Asm() {}

    static long alu64(int op, int dst, int imm) {
        return Insn.make(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
    }

    static long alu64x(int op, int dst, int src) {
        return Insn.make(BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
    }

    static long alu32(int op, int dst, int imm) {
        return Insn.make(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
    }

    static long alu32x(int op, int dst, int src) {
        return Insn.make(BPF_ALU | op | BPF_X, dst, src, 0, 0);
    }

    static long mov(int dst, int imm) {
        return alu64(BPF_MOV, dst, imm);
    }

    static long movx(int dst, int src) {
        return alu64x(BPF_MOV, dst, src);
    }

    static long[] lddw(int dst, long value) {
        return new long[] {Insn.make(BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, (int) value),
                Insn.make(0, 0, 0, 0, (int) (value >>> 32))};
    }

    static long jmp(int op, int dst, int imm, int off) {
        return Insn.make(BPF_JMP | op | BPF_K, dst, 0, off, imm);
    }

    static long jmpx(int op, int dst, int src, int off) {
        return Insn.make(BPF_JMP | op | BPF_X, dst, src, off, 0);
    }

    static long jmp32(int op, int dst, int imm, int off) {
        return Insn.make(BPF_JMP32 | op | BPF_K, dst, 0, off, imm);
    }

    static long ja(int off) {
        return Insn.make(BPF_JMP | BPF_JA, 0, 0, off, 0);
    }

    static long ldx(int size, int dst, int src, int off) {
        return Insn.make(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
    }

    static long ldxs(int size, int dst, int src, int off) {
        return Insn.make(BPF_LDX | BPF_MEMSX | size, dst, src, off, 0);
    }

    static long stx(int size, int dst, int src, int off) {
        return Insn.make(BPF_STX | BPF_MEM | size, dst, src, off, 0);
    }

    static long st(int size, int dst, int off, int imm) {
        return Insn.make(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
    }

    static long atomic(int size, int dst, int src, int off, int op) {
        return Insn.make(BPF_STX | BPF_ATOMIC | size, dst, src, off, op);
    }

    static long call(int helper) {
        return Insn.make(BPF_JMP | BPF_CALL, 0, 0, 0, helper);
    }

    static long callLocal(int rel) {
        return Insn.make(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel);
    }

    static long exit() {
        return Insn.make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    /** Flattens single instructions and ld_imm64 pairs. */
    static long[] prog(Object... parts) {
        int n = 0;
        for (Object p : parts) {
            n += p instanceof long[] ? ((long[]) p).length : 1;
        }
        long[] out = new long[n];
        int i = 0;
        for (Object p : parts) {
            if (p instanceof long[]) {
                for (long v : (long[]) p) {
                    out[i++] = v;
                }
            } else {
                out[i++] = (Long) p;
            }
        }
        return out;
    }

    static BpfProgram program(long[] insns, BpfMap... maps) {
        return program("test", ProgramType.UNSPEC, insns, maps);
    }

    static BpfProgram program(String name, ProgramType type, long[] insns, BpfMap... maps) {
        return new BpfProgram(name, "test", type, insns, List.of(maps), "GPL");
    }

    /** A context with a writable memory block at {@link AddressSpace#MEMORY}. */
    static ExecutionContext context(byte[] memory) {
        ExecutionContext ctx = new ExecutionContext();
        ctx.memory.set(AddressSpace.MEMORY,
                new MemoryRegion(MemoryRegion.Kind.MEMORY, "memory", memory, 0, memory.length, true));
        return ctx;
    }

    static long memory(int index) {
        return Pointer.of(AddressSpace.MEMORY, index);
    }

    /** Runs {@code insns} with r1 = a 64-byte zeroed memory block, r2 = 64; returns r0. */
    static long run(long... insns) {
        return run(new byte[64], insns);
    }

    /**
     * Runs {@code insns} through the interpreter and, when it can take the program, the JIT on a copy of
     * {@code memory}, and checks both engines agree on r0, the memory afterwards, or the fault (message and pc).
     */
    static long run(byte[] memory, long... insns) {
        byte[] copy = memory.clone();
        Interpreter interpreter = new Interpreter(program(insns), new HelperProto[0]);
        CompiledProgram compiled = JitCompiler.compile(interpreter);
        Object expected;
        try {
            expected = interpreter.run(context(memory), memory(0), memory.length);
        } catch (BpfFault f) {
            expected = f;
        }
        if (compiled != null) {
            Object actual;
            try {
                actual = compiled.run(context(copy), memory(0), copy.length);
            } catch (BpfFault f) {
                actual = f;
            }
            if (expected instanceof BpfFault f) {
                org.assertj.core.api.Assertions.assertThat(actual).as("JIT fault").isInstanceOf(BpfFault.class);
                org.assertj.core.api.Assertions.assertThat(((BpfFault) actual).getMessage()).isEqualTo(f.getMessage());
                org.assertj.core.api.Assertions.assertThat(((BpfFault) actual).pc()).isEqualTo(f.pc());
            } else {
                org.assertj.core.api.Assertions.assertThat(actual).as("JIT r0").isEqualTo(expected);
                org.assertj.core.api.Assertions.assertThat(copy).as("JIT memory").isEqualTo(memory);
            }
        }
        if (expected instanceof BpfFault f) {
            throw f;
        }
        return (Long) expected;
    }
}
