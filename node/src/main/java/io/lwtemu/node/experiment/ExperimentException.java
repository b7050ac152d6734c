package io.lwtemu.node.experiment;

/** A scenario that cannot run as asked (a cluster fault in an embedded run, a map that does not exist). */
public final class ExperimentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }
}
