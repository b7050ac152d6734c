package io.lwtemu.node.topology;

import java.nio.file.Path;

/**
 * A mistake in a topology file, located at {@code file:line:column} (1-based) with what was expected. Nothing of
 * the topology starts when one is thrown.
 */
public final class TopologyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public final transient Path file;
    public final int line;
    public final int column;
    public final String detail;

    public TopologyException(Path file, int line, int column, String detail) {
        this(file, line, column, detail, null);
    }

    public TopologyException(Path file, int line, int column, String detail, Throwable cause) {
        super((file == null ? "<topology>" : file.toString()) + ":" + line + ":" + column + ": " + detail, cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }
}
