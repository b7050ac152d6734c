package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.verifier.VerifierResult;
import io.lwtemu.ebpf.vm.BpfExecutable;

/**
 * A verified program ready to run: immutable and shared by all threads; each thread runs it with its
 * own {@link LwtRunner}.
 *
 * @param interpreter the engine that runs it: the JIT-compiled program or the interpreter (see
 *                    {@link io.lwtemu.ebpf.vm.JitCompiler#prepare})
 */
public record LoadedProgram(BpfProgram program, BpfExecutable interpreter, VerifierResult verification) {
    public String name() {
        return program.name();
    }
}
