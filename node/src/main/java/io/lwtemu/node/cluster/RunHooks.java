package io.lwtemu.node.cluster;

/**
 * What a cluster experiment plugs into a {@link ClusterRun}: it gets the coordinator's {@link RunControl} before
 * the first tick, and every router's per-packet ledger with its final report.
 */
public interface RunHooks {
    RunHooks NONE = new RunHooks() {
    };

    /** Called once, in the coordinator's thread, before the first tick. */
    default void attach(RunControl control) {
    }

    /** The experiment ledger of router {@code router} (null in a plain run), from its final report. */
    default void ledger(int router, byte[] ledger) {
    }
}
