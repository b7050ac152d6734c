package io.lwtemu.cli;

/** An error caused by the user's input (file, argument); printed as one line, exit status 1. */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
