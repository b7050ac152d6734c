package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperFunction;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the JIT does beyond the differential checks in {@link Asm#run}: calls, budget, fallback decisions. */
class JitCompilerTest {

    private static HelperProto[] helpers(int id, HelperFunction body) {
        HelperProto[] table = new HelperProto[id + 1];
        table[id] = new HelperProto(id, "test_helper", RetType.INTEGER,
                List.of(ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING, ArgType.ANYTHING), body);
        return table;
    }

    private static CompiledProgram compile(HelperProto[] helpers, long... insns) {
        CompiledProgram c = JitCompiler.compile(new Interpreter(program(insns), helpers));
        assertThat(c).as("compiled").isNotNull();
        return c;
    }

    @Test
    void shouldCallHelpersWithArgumentRegisters() {
        HelperProto[] h = helpers(7, (ctx, r1, r2, r3, r4, r5) -> r1 + 10 * r2 + 100 * r3 + 1000 * r4 + 10000 * r5);
        CompiledProgram c = compile(h, mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), call(7),
                alu64(BPF_ADD, 0, 1), exit());
        assertThat(c.run(context(new byte[64]), 0)).isEqualTo(54322);
    }

    @Test
    void shouldEndTheRunWhenAHelperRequestsExit() {
        HelperProto[] h = helpers(3, (ctx, r1, r2, r3, r4, r5) -> {
            ctx.requestExit();
            return 42;
        });
        CompiledProgram c = compile(h, mov(1, 5), call(3), mov(0, 1), exit());
        assertThat(c.run(new ExecutionContext(), 0)).isEqualTo(42);
    }

    @Test
    void shouldNameTheHelperAndPcWhenAHelperFails() {
        HelperProto[] h = helpers(3, (ctx, r1, r2, r3, r4, r5) -> {
            throw new IllegalStateException("boom");
        });
        CompiledProgram c = compile(h, mov(0, 0), mov(1, 5), call(3), exit());
        assertThatThrownBy(() -> c.run(new ExecutionContext(), 0)).isInstanceOfSatisfying(BpfFault.class, f -> {
            assertThat(f.pc()).isEqualTo(2);
            assertThat(f.getMessage()).contains("helper test_helper failed", "boom");
        });
    }

    @Test
    void shouldNotBlameAHelperForAFaultAfterItReturned() {
        // the helper returns normally; the loop after it runs out of budget at its backward jump (pc 3)
        HelperProto[] h = helpers(3, (ctx, r1, r2, r3, r4, r5) -> 1);
        CompiledProgram c = compile(h, mov(0, 0), call(3), alu64(BPF_ADD, 0, 1), ja(-2));
        ExecutionContext ctx = new ExecutionContext();
        ctx.instructionBudget = 1000;
        assertThatThrownBy(() -> c.run(ctx, 0)).isInstanceOfSatisfying(BpfFault.class, f -> {
            assertThat(f.pc()).isEqualTo(3);
            assertThat(f.getMessage()).startsWith("instruction budget of 1000 exceeded");
        });
    }

    @Test
    void shouldReportAHelperFaultWithTheHelpersNameAndTheProgramAsTheInterpreterDoes() {
        HelperProto[] h = helpers(3, (ctx, r1, r2, r3, r4, r5) -> {
            throw new BpfFault("bad argument");
        });
        long[] insns = {mov(0, 0), mov(1, 5), call(3), exit()};
        BpfExecutable[] engines = {new Interpreter(program(insns), h), compile(h, insns)};
        for (BpfExecutable e : engines) {
            assertThatThrownBy(() -> e.run(new ExecutionContext(), 0)).isInstanceOfSatisfying(BpfFault.class, f -> {
                assertThat(f.pc()).isEqualTo(2);
                assertThat(f.getMessage()).startsWith("helper test_helper: bad argument (program ");
            });
        }
    }

    @Test
    void shouldChargeBackwardJumpsAndFaultAtTheJumpWhenTheBudgetRunsOut() {
        CompiledProgram c = compile(new HelperProto[0], mov(0, 0), alu64(BPF_ADD, 0, 1), ja(-2));
        ExecutionContext ctx = new ExecutionContext();
        ctx.instructionBudget = 1000;
        assertThatThrownBy(() -> c.run(ctx, 0)).isInstanceOfSatisfying(BpfFault.class, f -> {
            assertThat(f.pc()).isEqualTo(2);
            assertThat(f.getMessage()).contains("instruction budget of 1000 exceeded");
        });
    }

    @Test
    void shouldCompileBpfToBpfCallsAsOneMethodPerFunction() {
        // main: r6 = 6, r1 = 10, call sub, r0 += r6, exit; sub: r6 = 100, r0 = r1 * 2, exit
        CompiledProgram c = compile(new HelperProto[0], mov(6, 6), mov(1, 10), callLocal(2), alu64x(BPF_ADD, 0, 6),
                exit(), mov(6, 100), movx(0, 1), alu64(BPF_MUL, 0, 2), exit());
        assertThat(c.run(new ExecutionContext(), 0)).isEqualTo(26);
    }

    @Test
    void shouldFaultAtTheCallWhenCallsNestTooDeep() {
        // a function calling itself forever
        CompiledProgram c = compile(new HelperProto[0], callLocal(-1), exit());
        assertThatThrownBy(() -> c.run(new ExecutionContext(), 0)).isInstanceOfSatisfying(BpfFault.class, f -> {
            assertThat(f.pc()).isEqualTo(0);
            assertThat(f.getMessage()).contains("exceeds " + MAX_CALL_FRAMES + " call frames");
        });
    }

    @Test
    void shouldLeaveCodeThatFallsIntoAnotherFunctionToTheInterpreter() {
        Interpreter vm = new Interpreter(program(prog(callLocal(1), mov(0, 1), mov(0, 2), exit())), new HelperProto[0]);
        assertThat(JitCompiler.unsupportedReason(vm)).isNull();
        assertThat(JitCompiler.compile(vm)).isNull();
    }

    @Test
    void shouldPrepareACompiledProgramByDefault() {
        BpfExecutable e = JitCompiler.prepare(program(prog(mov(0, 3), exit())), new HelperProto[0]);
        assertThat(e).isInstanceOf(JitCompiler.enabled() ? CompiledProgram.class : Interpreter.class);
        assertThat(e.run(new ExecutionContext(), 0)).isEqualTo(3);
    }

    @Test
    void shouldLeaveHugeProgramsToTheInterpreter() {
        long[] insns = new long[4001];
        for (int i = 0; i < 4000; i++) {
            insns[i] = alu64(BPF_ADD, 0, i);
        }
        insns[4000] = exit();
        assertThat(JitCompiler.compile(new Interpreter(program(insns), new HelperProto[0]))).isNull();
    }
}
