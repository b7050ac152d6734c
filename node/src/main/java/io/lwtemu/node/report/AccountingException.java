package io.lwtemu.node.report;

/** The run's accounting identity {@code sent = delivered + dropped + in_flight} does not hold: a packet vanished
 * or was counted twice. Always a defect of the emulator, never of the topology. */
public final class AccountingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AccountingException(String message) {
        super(message);
    }
}
