package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.isa.Insn;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

class InterpreterJumpTest {

    /** r0 = 1 when "if r1 OP r2" is taken for the given operand values, else 0. */
    private static long taken(int op, long a, long b) {
        return run(prog(lddw(1, a), lddw(2, b), mov(0, 0), jmpx(op, 1, 2, 1), exit(), mov(0, 1), exit()));
    }

    private static long taken32(int op, long a, int b) {
        return run(prog(lddw(1, a), mov(0, 0), jmp32(op, 1, b, 1), exit(), mov(0, 1), exit()));
    }

    @Test
    void shouldCompareUnsignedAndSigned() {
        assertThat(taken(BPF_JGT, -1, 1)).isEqualTo(1);
        assertThat(taken(BPF_JSGT, -1, 1)).isEqualTo(0);
        assertThat(taken(BPF_JLT, 1, -1)).isEqualTo(1);
        assertThat(taken(BPF_JSLT, 1, -1)).isEqualTo(0);
        assertThat(taken(BPF_JGE, 5, 5)).isEqualTo(1);
        assertThat(taken(BPF_JLE, 5, 5)).isEqualTo(1);
        assertThat(taken(BPF_JSGE, -5, -5)).isEqualTo(1);
        assertThat(taken(BPF_JSLE, -6, -5)).isEqualTo(1);
        assertThat(taken(BPF_JEQ, 7, 7)).isEqualTo(1);
        assertThat(taken(BPF_JNE, 7, 7)).isEqualTo(0);
        assertThat(taken(BPF_JSET, 6, 1)).isEqualTo(0);
        assertThat(taken(BPF_JSET, 6, 2)).isEqualTo(1);
    }

    @Test
    void shouldCompareOnlyLowHalfInJmp32() {
        assertThat(taken32(BPF_JEQ, 0x1_0000_0005L, 5)).isEqualTo(1);
        assertThat(taken32(BPF_JSLT, 0xffff_ffffL, 0)).as("low half is -1").isEqualTo(1);
        assertThat(taken32(BPF_JGT, 0xffff_ffffL, 0)).isEqualTo(1);
        assertThat(taken32(BPF_JGT, 0x1_0000_0000L, 0)).isEqualTo(0);
    }

    @Test
    void shouldCompareAgainstSignExtendedImmediate() {
        assertThat(run(mov(1, -1), mov(0, 0), jmp(BPF_JEQ, 1, -1, 1), exit(), mov(0, 1), exit())).isEqualTo(1);
    }

    @Test
    void shouldLoopWithBackwardJump() {
        // r0 = sum of 1..10
        assertThat(run(mov(0, 0), mov(1, 10), alu64x(BPF_ADD, 0, 1), alu64(BPF_SUB, 1, 1), jmp(BPF_JNE, 1, 0, -3),
                exit())).isEqualTo(55L);
    }

    @Test
    void shouldJumpWithThirtyTwoBitOffsetOnGotol() {
        assertThat(run(mov(0, 1), Insn.make(BPF_JMP32 | BPF_JA, 0, 0, 0, 1), exit(), mov(0, 2), exit())).isEqualTo(2);
    }

    @Test
    void shouldSkipWithJa() {
        assertThat(run(mov(0, 1), ja(1), mov(0, 3), exit())).isEqualTo(1);
    }
}
