package io.lwtemu.node.impair;

/** A netem option string that tc would refuse; the message names the token and what was expected. */
public final class NetemSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int tokenIndex;

    public NetemSyntaxException(String message, int tokenIndex) {
        super(message);
        this.tokenIndex = tokenIndex;
    }

    /** Position (0-based) of the offending token in the whitespace-separated options, or -1 for the whole text. */
    public int tokenIndex() {
        return tokenIndex;
    }
}
