package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;

/**
 * A program translated to a JVM class by {@link JitCompiler}: same contract as {@link Interpreter#run},
 * same faults (with the BPF pc), same instruction budget accounting at backward jumps.
 */
public final class CompiledProgram implements BpfExecutable {
    /** Implemented by each generated class. */
    public interface Code {
        long exec(ExecutionContext ctx, AddressSpace mem, long r1, long r2);
    }

    private final BpfProgram program;
    private final Code code;

    CompiledProgram(BpfProgram program, Code code) {
        this.program = program;
        this.code = code;
    }

    @Override
    public BpfProgram program() {
        return program;
    }

    @Override
    public long run(ExecutionContext ctx, long r1) {
        return run(ctx, r1, 0);
    }

    @Override
    public long run(ExecutionContext ctx, long r1, long r2) {
        AddressSpace mem = ctx.memory;
        if (mem.region(AddressSpace.STACK) != ctx.stack) { // a reference store costs a GC barrier
            mem.set(AddressSpace.STACK, ctx.stack);
        }
        ctx.budgetLeft = ctx.instructionBudget;
        ctx.tailCalls = 0;
        ctx.exitRequested = false;
        return code.exec(ctx, mem, r1, r2);
    }
}
