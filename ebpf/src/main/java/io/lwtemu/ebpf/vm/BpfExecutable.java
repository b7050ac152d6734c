package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;

/**
 * A prepared program that can run: the {@link Interpreter} or a {@link CompiledProgram} from the
 * {@link JitCompiler}. Shared by all threads; per-run state lives in the {@link ExecutionContext}.
 */
public interface BpfExecutable {
    BpfProgram program();

    /** Runs the program with r1 = {@code r1} (the context or memory pointer); returns r0. */
    long run(ExecutionContext ctx, long r1);

    /** Runs the program with r1 and r2 set (memory pointer and length for raw-memory programs); returns r0. */
    long run(ExecutionContext ctx, long r1, long r2);
}
