package io.lwtemu.node.fault;

/** A fault command that does not parse; {@link #column} is 1-based within the command text. */
public final class FaultSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final int column;

    public FaultSyntaxException(int column, String message) {
        super(message);
        this.column = column;
    }
}
