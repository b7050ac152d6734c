package io.lwtemu.node.cluster;

/** A cluster run could not start or go on (members missing, a member cannot build the topology, ...). */
public final class ClusterRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterRunException(String message) {
        super(message);
    }
}
