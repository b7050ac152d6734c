package io.lwtemu.ebpf.vm;

/**
 * A program did something the runtime refuses at run time: an out-of-bounds or misdirected memory
 * access, a division the verifier should have caught, a helper misuse. The run stops; the caller drops
 * the packet with reason {@code bpf_fault} and reports {@link #getMessage()}.
 *
 * <p>No stack trace is filled in: faults are part of normal operation and must be cheap.
 */
public final class BpfFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int pc;

    public BpfFault(String message) {
        this(-1, message);
    }

    public BpfFault(int pc, String message) {
        super(message, null, false, false);
        this.pc = pc;
    }

    /** Instruction index where the fault happened, or -1 when unknown (e.g. thrown inside a helper). */
    public int pc() {
        return pc;
    }

    public BpfFault at(int pc) {
        return this.pc >= 0 ? this : new BpfFault(pc, getMessage());
    }
}
