package io.lwtemu.node.tun;

/** A TUN device could not be set up; the message says what is missing and how to do without. */
public final class TunException extends RuntimeException {
    /** Appended to privilege problems: the emulator itself never needs root. */
    public static final String WITHOUT_TUN = "to run without real devices use 'lwtemu run --tun memory' (TUN-backed"
            + " interfaces then exchange packets with in-memory queues)";

    public TunException(String message) {
        super(message);
    }

    public TunException(String message, Throwable cause) {
        super(message, cause);
    }
}
