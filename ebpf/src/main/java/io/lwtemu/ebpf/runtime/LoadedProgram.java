package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.verifier.VerifierResult;
import io.lwtemu.ebpf.vm.Interpreter;

/**
 * A verified program ready to run: immutable and shared by all threads; each thread runs it with its
 * own {@link LwtRunner}.
 */
public record LoadedProgram(BpfProgram program, Interpreter interpreter, VerifierResult verification) {
    public String name() {
        return program.name();
    }
}
