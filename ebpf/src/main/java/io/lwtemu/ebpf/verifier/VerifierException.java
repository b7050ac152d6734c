package io.lwtemu.ebpf.verifier;

import java.util.List;

/**
 * The verifier rejected the program. The message reads like the kernel's log line for the rejection,
 * prefixed with the instruction index ({@code "insn 5: invalid bpf_context access off=72 size=4"}).
 */
public class VerifierException extends RuntimeException {
    private final int insnIndex;
    private final String reason;
    private final List<String> log;

    public VerifierException(int insnIndex, String reason, List<String> log) {
        super(insnIndex >= 0 ? "insn " + insnIndex + ": " + reason : reason);
        this.insnIndex = insnIndex;
        this.reason = reason;
        this.log = List.copyOf(log);
    }

    /** Index of the offending instruction, or -1 when the problem is not tied to one. */
    public int insnIndex() {
        return insnIndex;
    }

    /** The kernel-style log line without the instruction prefix. */
    public String reason() {
        return reason;
    }

    /** The verifier log (level 1: the error lines and the processed-instruction summary). */
    public List<String> log() {
        return log;
    }
}
