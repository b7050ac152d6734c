package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Insn;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterpreterFaultTest {

    private static void assertFault(Runnable run, int pc, String... fragments) {
        assertThatThrownBy(run::run).isInstanceOfSatisfying(BpfFault.class, f -> {
            assertThat(f.pc()).as(f.getMessage()).isEqualTo(pc);
            assertThat(f.getMessage()).contains(fragments);
        });
    }

    private static void assertRejected(long[] insns, int pc, String fragment) {
        assertThatThrownBy(() -> new Interpreter(program(insns), new HelperProto[0]))
                .isInstanceOfSatisfying(InvalidBytecodeException.class, e -> {
                    assertThat(e.pc()).isEqualTo(pc);
                    assertThat(e.getMessage()).contains("instruction " + pc).contains(fragment);
                });
    }

    @Test
    void shouldFaultOnPacketAccessPastTheEnd() {
        ExecutionContext ctx = new ExecutionContext();
        ctx.memory.set(AddressSpace.PACKET, new MemoryRegion(MemoryRegion.Kind.PACKET, "packet", new byte[100], 20, 60, true));
        Interpreter vm = new Interpreter(program(prog(mov(0, 0), ldx(BPF_W, 0, 1, 36), exit())), new HelperProto[0]);
        assertThat(vm.run(ctx, Pointer.of(AddressSpace.PACKET, 20))).isZero();
        assertFault(() -> vm.run(ctx, Pointer.of(AddressSpace.PACKET, 25)), 1, "outside packet");
    }

    @Test
    void shouldFaultOnStackAccessOutsideTheStack() {
        assertFault(() -> run(ldx(BPF_DW, 0, 10, 0), exit()), 0, "outside stack");
        assertFault(() -> run(mov(0, 0), st(BPF_B, 10, 4, 1), exit()), 1, "outside stack");
        assertFault(() -> run(mov(0, 0), st(BPF_B, 10, -Interpreter.STACK_SIZE - 1, 1), exit()), 1,
                "not a valid pointer");
    }

    @Test
    void shouldFaultOnMapValueAccessOutOfBounds() {
        TestArrayMap map = new TestArrayMap("small", 8, 1, true);
        long[] insns = prog(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0),
                Insn.make(0, 0, 0, 0, 4), ldx(BPF_DW, 0, 1, 0), exit());
        Interpreter vm = new Interpreter(program(insns, map), new HelperProto[0]);
        assertFault(() -> vm.run(new ExecutionContext(), 0), 2, "map value of 'small'", "outside");
        map.close();
    }

    @Test
    void shouldFaultOnNullDereference() {
        assertFault(() -> run(mov(1, 0), ldx(BPF_W, 0, 1, 16), exit()), 1, "null pointer");
        assertFault(() -> run(mov(1, 0), st(BPF_W, 1, 0, 1), exit()), 1, "null pointer");
        assertFault(() -> run(mov(1, 0), mov(2, 1), atomic(BPF_DW, 1, 2, 0, BPF_ADD), exit()), 2, "null pointer");
    }

    @Test
    void shouldFaultOnWriteToReadOnlyMemory() {
        TestArrayMap rodata = new TestArrayMap(".rodata", 8, 1, false);
        long[] insns = prog(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0),
                Insn.make(0, 0, 0, 0, 0), ldx(BPF_DW, 0, 1, 0), st(BPF_DW, 1, 0, 5), exit());
        Interpreter vm = new Interpreter(program(insns, rodata), new HelperProto[0]);
        assertFault(() -> vm.run(new ExecutionContext(), 0), 3, "read-only");
        rodata.close();
    }

    @Test
    void shouldFaultOnMisalignedAtomic() {
        assertFault(() -> run(mov(2, 1), atomic(BPF_DW, 1, 2, 4, BPF_ADD), exit()), 1, "misaligned");
        assertFault(() -> run(mov(2, 1), atomic(BPF_W, 1, 2, 2, BPF_ADD), exit()), 1, "misaligned");
    }

    @Test
    void shouldFaultWhenBudgetIsExhausted() {
        ExecutionContext ctx = context(new byte[8]);
        ctx.instructionBudget = 10_000;
        Interpreter vm = new Interpreter(program(prog(mov(0, 0), alu64(BPF_ADD, 0, 1), ja(-2))), new HelperProto[0]);
        assertFault(() -> vm.run(ctx, 0), 2, "budget");
    }

    @Test
    void shouldFaultWhenProgramFallsOffItsEnd() {
        assertFault(() -> run(mov(0, 0)), 1, "fell off");
    }

    @Test
    void shouldFaultOnCallxToUnknownHelper() {
        assertFault(() -> run(mov(2, 77), Insn.make(BPF_JMP | BPF_CALL | BPF_X, 2, 0, 0, 0), exit()), 1,
                "unknown helper 77");
    }

    @Test
    void shouldFaultWhenPointerArithmeticLeavesTheRegion() {
        assertFault(() -> run(prog(lddw(1, 3L << 32 | 8), alu64(BPF_ADD, 1, 1 << 30), ldx(BPF_B, 0, 1, 0), exit())), 3,
                "outside stack");
    }

    @Test
    void shouldRejectMalformedBytecodeAtLoad() {
        assertRejected(prog(Insn.make(0xff, 0, 0, 0, 0), exit()), 0, "unknown opcode 0xff");
        assertRejected(prog(mov(0, 0), Insn.make(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 12), exit()), 1, "BPF_ABS");
        assertRejected(prog(ja(5), exit()), 0, "outside the program");
        assertRejected(prog(mov(0, 0), call(99), exit()), 1, "unknown helper 99");
        assertRejected(prog(mov(0, 0), Insn.make(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1)), 1, "two instruction slots");
        assertRejected(prog(lddw(0, 5), ja(-2), exit()), 2, "second slot");
        assertRejected(prog(mov(10, 0), exit()), 0, "read-only");
        assertRejected(prog(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 3), Insn.make(0, 0, 0, 0, 0),
                exit()), 0, "map index 3");
        assertRejected(prog(Insn.make(BPF_ALU64 | BPF_DIV | BPF_K, 0, 0, 2, 1), exit()), 0, "offset");
    }
}
