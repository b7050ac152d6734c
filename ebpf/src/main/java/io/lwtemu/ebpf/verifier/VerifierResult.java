package io.lwtemu.ebpf.verifier;

import java.util.List;

/**
 * An accepted program.
 *
 * @param processedInsns instructions the verifier walked (the kernel's {@code insn_processed})
 * @param totalStates    states stored for pruning
 * @param maxStackDepth  deepest combined stack use over all call chains, in bytes
 * @param log            log lines, ending with the kernel's "processed N insns ..." summary
 * @param accessKinds    per instruction, the memory its load or store was proven to touch
 *                       ({@link io.lwtemu.ebpf.vm.VerifiedAccess}); the JIT drops run-time checks with it
 */
public record VerifierResult(int processedInsns, int totalStates, int maxStackDepth, List<String> log,
                             byte[] accessKinds) {
    public VerifierResult {
        log = List.copyOf(log);
    }

    /** A result without access kinds: the JIT keeps every run-time check. */
    public VerifierResult(int processedInsns, int totalStates, int maxStackDepth, List<String> log) {
        this(processedInsns, totalStates, maxStackDepth, log, null);
    }
}
