package io.lwtemu.node.config;

import java.nio.file.Path;

/**
 * A configuration error a user made, located at {@code file:line:column} (1-based), with what was expected.
 * {@link #getMessage()} reads like a compiler diagnostic: {@code routes.conf:3:28: unknown keyword 'vai' ...}.
 */
public final class ConfigException extends RuntimeException {
    public final Path file;
    public final int line;
    public final int column;
    public final String detail;

    public ConfigException(Path file, int line, int column, String message) {
        super((file == null ? "<config>" : file.toString()) + ":" + line + ":" + column + ": " + message);
        this.file = file;
        this.line = line;
        this.column = column;
        this.detail = message;
    }
}
