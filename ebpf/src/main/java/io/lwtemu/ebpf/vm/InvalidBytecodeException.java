package io.lwtemu.ebpf.vm;

/**
 * Bytecode the interpreter refuses to prepare: an unknown opcode, a jump or call outside the program, a
 * truncated {@code ld_imm64}, an unknown helper. Thrown when the program is loaded, never while it runs.
 */
public final class InvalidBytecodeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int pc;

    public InvalidBytecodeException(int pc, String message) {
        super(message);
        this.pc = pc;
    }

    /** Index of the offending instruction. */
    public int pc() {
        return pc;
    }
}
