package io.lwtemu.node.cluster;

/**
 * What a cluster experiment may ask of the run's coordinator. Called between ticks from the coordinator's own
 * thread (from the fault timeline on the mirror network), so the answers are as of the tick boundary.
 */
public interface RunControl {
    /** Router {@code router}'s flow counters so far, over all its incarnations (FlowCounters vector layout). */
    long[] countersOf(int router);

    /**
     * Member {@code member} (at {@code address}) has just been killed: its routers are lost now, at this boundary
     * (as if the cluster had removed it), and the cluster is told to down the address.
     */
    void memberKilled(String member, String address);

    /** Emulated time does not advance past this boundary until member {@code member} hosts routers again. */
    void awaitMember(String member);
}
