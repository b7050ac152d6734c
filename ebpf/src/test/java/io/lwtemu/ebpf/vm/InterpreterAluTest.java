package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.isa.Insn;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

class InterpreterAluTest {

    private static long sdiv64(int dst, int src) {
        return Insn.make(BPF_ALU64 | BPF_DIV | BPF_X, dst, src, 1, 0);
    }

    @Test
    void shouldSignExtendImmediatesInAlu64() {
        assertThat(run(mov(0, -1), exit())).isEqualTo(-1L);
        assertThat(run(mov(0, 1), alu64(BPF_ADD, 0, -3), exit())).isEqualTo(-2L);
    }

    @Test
    void shouldZeroExtendAlu32Results() {
        assertThat(run(mov(0, -1), alu32(BPF_ADD, 0, 1), exit())).isEqualTo(0L);
        assertThat(run(alu32(BPF_MOV, 0, -1), exit())).isEqualTo(0xffff_ffffL);
        assertThat(run(mov(0, -1), alu32(BPF_MUL, 0, 2), exit())).isEqualTo(0xffff_fffeL);
        assertThat(run(mov(0, 5), alu32(BPF_NEG, 0, 0), exit())).isEqualTo(0xffff_fffbL);
        assertThat(run(mov(0, 5), alu64(BPF_NEG, 0, 0), exit())).isEqualTo(-5L);
    }

    @Test
    void shouldMaskShiftAmounts() {
        assertThat(run(mov(0, 1), mov(1, 65), alu64x(BPF_LSH, 0, 1), exit())).isEqualTo(2L);
        assertThat(run(mov(0, 1), mov(1, 33), alu32x(BPF_LSH, 0, 1), exit())).isEqualTo(2L);
        assertThat(run(mov(0, -16), alu64(BPF_ARSH, 0, 2), exit())).isEqualTo(-4L);
        assertThat(run(mov(0, -16), alu32(BPF_ARSH, 0, 2), exit())).isEqualTo(0xffff_fffcL);
        assertThat(run(mov(0, -16), alu32(BPF_RSH, 0, 28), exit())).isEqualTo(0xfL);
        assertThat(run(mov(0, -1), alu64(BPF_RSH, 0, 60), exit())).isEqualTo(0xfL);
    }

    @Test
    void shouldDivideByZeroToZeroAndKeepDividendOnModuloByZero() {
        assertThat(run(mov(0, 7), mov(1, 0), alu64x(BPF_DIV, 0, 1), exit())).isEqualTo(0L);
        assertThat(run(mov(0, 7), mov(1, 0), alu64x(BPF_MOD, 0, 1), exit())).isEqualTo(7L);
        assertThat(run(mov(0, -1), mov(1, 0), alu32x(BPF_MOD, 0, 1), exit()))
                .as("32-bit modulo by zero zeroes the upper half").isEqualTo(0xffff_ffffL);
        assertThat(run(mov(0, 7), alu32(BPF_DIV, 0, 0), exit())).isEqualTo(0L);
    }

    @Test
    void shouldDivideUnsignedUnlessOffsetSaysSigned() {
        assertThat(run(mov(0, -8), mov(1, 2), alu64x(BPF_DIV, 0, 1), exit())).isEqualTo(0x7fff_ffff_ffff_fffcL);
        assertThat(run(mov(0, -8), mov(1, 2), sdiv64(0, 1), exit())).isEqualTo(-4L);
        assertThat(run(mov(0, -7), Insn.make(BPF_ALU64 | BPF_MOD | BPF_K, 0, 0, 1, 2), exit())).isEqualTo(-1L);
        assertThat(run(mov(0, -7), Insn.make(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 1, 2), exit())).isEqualTo(0xffff_ffffL);
    }

    @Test
    void shouldNotTrapOnIntMinDividedByMinusOne() {
        assertThat(run(prog(lddw(0, Long.MIN_VALUE), mov(1, -1), sdiv64(0, 1), exit()))).isEqualTo(Long.MIN_VALUE);
        assertThat(run(prog(lddw(0, Long.MIN_VALUE), mov(1, -1),
                Insn.make(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 1, 0), exit()))).isEqualTo(0L);
        assertThat(run(alu32(BPF_MOV, 0, Integer.MIN_VALUE), Insn.make(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1, -1), exit()))
                .isEqualTo(0x8000_0000L);
    }

    @Test
    void shouldSignExtendOnMovsx() {
        assertThat(run(mov(1, 0x80), Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 8, 0), exit())).isEqualTo(-128L);
        assertThat(run(mov(1, 0x8000), Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 16, 0), exit())).isEqualTo(-32768L);
        assertThat(run(alu32(BPF_MOV, 1, Integer.MIN_VALUE), Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 32, 0), exit()))
                .isEqualTo((long) Integer.MIN_VALUE);
        assertThat(run(mov(1, 0x80), Insn.make(BPF_ALU | BPF_MOV | BPF_X, 0, 1, 8, 0), exit())).isEqualTo(0xffff_ff80L);
    }

    @Test
    void shouldSwapBytes() {
        long[] v = lddw(0, 0x0102_0304_0506_0708L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16), exit()))).isEqualTo(0x0807L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 32), exit()))).isEqualTo(0x0807_0605L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 64), exit())))
                .isEqualTo(0x0807_0605_0403_0201L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_LE, 0, 0, 0, 16), exit()))).isEqualTo(0x0708L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_LE, 0, 0, 0, 32), exit()))).isEqualTo(0x0506_0708L);
        assertThat(run(prog(v, Insn.make(BPF_ALU | BPF_END | BPF_TO_LE, 0, 0, 0, 64), exit())))
                .isEqualTo(0x0102_0304_0506_0708L);
        assertThat(run(prog(v, Insn.make(BPF_ALU64 | BPF_END, 0, 0, 0, 32), exit()))).isEqualTo(0x0807_0605L);
    }

    @Test
    void shouldLoadSixtyFourBitConstants() {
        assertThat(run(prog(lddw(0, 0x1234_5678_9abc_def0L), exit()))).isEqualTo(0x1234_5678_9abc_def0L);
    }

    @Test
    void shouldComputeBitwiseOperations() {
        assertThat(run(mov(0, 0b1100), alu64(BPF_AND, 0, 0b1010), exit())).isEqualTo(0b1000L);
        assertThat(run(mov(0, 0b1100), alu64(BPF_OR, 0, 0b1010), exit())).isEqualTo(0b1110L);
        assertThat(run(mov(0, 0b1100), alu64(BPF_XOR, 0, 0b1010), exit())).isEqualTo(0b0110L);
        assertThat(run(mov(0, 10), alu64(BPF_SUB, 0, 15), exit())).isEqualTo(-5L);
        assertThat(run(mov(0, 10), alu32(BPF_SUB, 0, 15), exit())).isEqualTo(0xffff_fffbL);
    }
}
