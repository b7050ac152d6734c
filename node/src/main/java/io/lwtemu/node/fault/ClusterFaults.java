package io.lwtemu.node.fault;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a cluster run does for the member faults of an experiment; the cluster layer implements it. Calls come
 * between ticks, in timeline order, on the thread that drives the run. An embedded (one-JVM) run has none and
 * refuses such scenarios before starting.
 */
public interface ClusterFaults {
    /** Member names as scenarios use them, in a stable order (partitions are computed over this list). */
    List<String> members();

    /** SIGKILL of the member's JVM: its routers stop at once; packets to them count as member_down. */
    void kill(String member);

    /** Starts the member again; its routers come back with the topology's configuration. */
    void restart(String member);

    /**
     * Installs a partition: {@code grudge.get(m)} is the set of members whose packets member {@code m} drops
     * (counted as partitioned). Replaces any partition in place.
     */
    void partition(Map<String, Set<String>> grudge);

    /** Ends every partition. */
    void heal();

    /**
     * Router name -> member name, when partitions are to be cut in the emulated data plane of the network the
     * faults are injected into ({@link FaultInjector} then drops packets between cut members itself, counted as
     * partitioned); null (the default) when this implementation cuts them some other way.
     */
    default Map<String, String> placement() {
        return null;
    }
}
