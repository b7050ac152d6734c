package io.lwtemu.ebpf.verifier;

import java.util.List;

/**
 * An accepted program.
 *
 * @param processedInsns instructions the verifier walked (the kernel's {@code insn_processed})
 * @param totalStates    states stored for pruning
 * @param maxStackDepth  deepest combined stack use over all call chains, in bytes
 * @param log            log lines, ending with the kernel's "processed N insns ..." summary
 */
public record VerifierResult(int processedInsns, int totalStates, int maxStackDepth, List<String> log) {
    public VerifierResult {
        log = List.copyOf(log);
    }
}
