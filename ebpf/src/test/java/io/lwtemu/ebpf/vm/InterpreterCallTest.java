package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperFunction;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import io.lwtemu.ebpf.isa.Insn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterpreterCallTest {

    private static HelperProto[] helpers(int id, HelperFunction body) {
        HelperProto[] table = new HelperProto[id + 1];
        table[id] = new HelperProto(id, "test_helper", RetType.INTEGER,
                List.of(ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING), body);
        return table;
    }

    private static long runWith(HelperProto[] helpers, long... insns) {
        ExecutionContext ctx = context(new byte[64]);
        return new Interpreter(program(insns), helpers).run(ctx, memory(0), 64);
    }

    private static long pseudoFunc(int dst, int rel) {
        return Insn.make(BPF_LD | BPF_IMM | BPF_DW, dst, BPF_PSEUDO_FUNC, 0, rel);
    }

    @Test
    void shouldPassArgumentsToHelperAndReturnItsResultInR0() {
        List<Long> seen = new ArrayList<>();
        HelperProto[] h = helpers(7, (ctx, r1, r2, r3, r4, r5) -> {
            seen.addAll(List.of(r1, r2, r3, r4, r5));
            return 99;
        });
        long r0 = runWith(h, mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), call(7), exit());
        assertThat(r0).isEqualTo(99);
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void shouldPreserveCalleeSavedRegistersAcrossBpfToBpfCall() {
        // main: r6 = 6, r1 = 10, call sub, r0 += r6, exit; sub: r6 = 100, r0 = r1 * 2, exit
        long r0 = run(mov(6, 6), mov(1, 10), callLocal(2), alu64x(BPF_ADD, 0, 6), exit(),
                mov(6, 100), movx(0, 1), alu64(BPF_MUL, 0, 2), exit());
        assertThat(r0).isEqualTo(26);
    }

    @Test
    void shouldGiveEachFrameItsOwnStack() {
        // main stores 1 at r10-8, sub stores 2 at its r10-8, main reads back 1; sub also reads caller's slot via r1
        long r0 = run(st(BPF_DW, 10, -8, 1), movx(1, 10), alu64(BPF_ADD, 1, -8), callLocal(3),
                ldx(BPF_DW, 2, 10, -8), alu64x(BPF_ADD, 0, 2), exit(),
                st(BPF_DW, 10, -8, 2), ldx(BPF_DW, 0, 1, 0), alu64(BPF_MUL, 0, 10), exit());
        assertThat(r0).as("callee read caller's 1 through a pointer, caller kept its slot").isEqualTo(11);
    }

    @Test
    void shouldFaultWhenCallsNestDeeperThanEightFrames() {
        // a subprogram that calls itself forever
        assertThatThrownBy(() -> run(callLocal(1), exit(), callLocal(-1), exit()))
                .isInstanceOfSatisfying(BpfFault.class, f -> {
                    assertThat(f.pc()).isEqualTo(2);
                    assertThat(f.getMessage()).contains("exceeds 8 call frames");
                });
    }

    @Test
    void shouldAllowEightFrames() {
        // frames 0..7: each subprogram calls the next, the 8th returns 8
        long[] p = new long[2 + 7 * 2];
        p[0] = callLocal(1);
        p[1] = exit();
        for (int i = 0; i < 7; i++) {
            p[2 + 2 * i] = i < 6 ? callLocal(1) : mov(0, 8);
            p[3 + 2 * i] = exit();
        }
        assertThat(run(p)).isEqualTo(8);
    }

    @Test
    void shouldCallCallbackUntilItReturnsOneInBpfLoop() {
        // r6 counts callback calls through the stack ctx; callback stops at index 3
        long r0 = run(st(BPF_DW, 10, -8, 0), mov(1, 10), pseudoFunc(2, 9), Insn.make(0, 0, 0, 0, 0),
                movx(3, 10), alu64(BPF_ADD, 3, -8), mov(4, 0), call(181),
                ldx(BPF_DW, 1, 10, -8), alu64(BPF_MUL, 0, 100), alu64x(BPF_ADD, 0, 1), exit(),
                // callback(index r1, ctx r2): *ctx += 1; return index == 3
                ldx(BPF_DW, 3, 2, 0), alu64(BPF_ADD, 3, 1), stx(BPF_DW, 2, 3, 0),
                mov(0, 0), jmp(BPF_JNE, 1, 3, 1), mov(0, 1), exit());
        assertThat(r0).as("4 iterations (0..3), the callback ran 4 times").isEqualTo(404);
    }

    @Test
    void shouldRefuseTooManyIterationsAndUnknownFlagsInBpfLoop() {
        long[] base = prog(pseudoFunc(2, 4), Insn.make(0, 0, 0, 0, 0), mov(3, 0), call(181), exit(),
                mov(0, 0), exit());
        long[] tooMany = prog(lddw(1, (1L << 23) + 1), mov(4, 0), base);
        long[] flags = prog(lddw(1, 1), mov(4, 1), base);
        assertThat(run(tooMany)).isEqualTo(-Errno.E2BIG);
        assertThat(run(flags)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldEndRunWhenHelperRequestsExit() {
        HelperProto[] h = helpers(5, (ctx, r1, r2, r3, r4, r5) -> {
            ctx.requestExit();
            return 0;
        });
        assertThat(runWith(h, mov(0, 3), callLocal(1), exit(), mov(1, 0), call(5), mov(0, 7), exit())).isEqualTo(0);
    }

    @Test
    void shouldCallHelperByRegisterWithCallx() {
        HelperProto[] h = helpers(5, (ctx, r1, r2, r3, r4, r5) -> r1 + 1);
        assertThat(runWith(h, mov(1, 41), mov(8, 5), Insn.make(BPF_JMP | BPF_CALL | BPF_X, 8, 0, 0, 0), exit()))
                .isEqualTo(42);
    }

    @Test
    void shouldTurnHelperExceptionsIntoFaultsAtTheCall() {
        HelperProto[] h = helpers(3, (ctx, r1, r2, r3, r4, r5) -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> runWith(h, mov(0, 0), call(3), exit()))
                .isInstanceOfSatisfying(BpfFault.class, f -> {
                    assertThat(f.pc()).isEqualTo(1);
                    assertThat(f.getMessage()).contains("test_helper").contains("boom");
                });
    }
}
