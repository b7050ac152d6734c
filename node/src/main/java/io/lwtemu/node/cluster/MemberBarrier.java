package io.lwtemu.node.cluster;

import java.util.HashSet;
import java.util.Set;

/**
 * Waits, between ticks, until every member has applied a change to its copy of the network (scheduled link events,
 * the links of routers going down or coming back) and answered {@link ClusterRunActor.Applied}. A member that
 * leaves the cluster meanwhile is not waited for.
 */
final class MemberBarrier {
    private final Set<String> awaiting = new HashSet<>();
    private Runnable then;

    /** Waits for the members at {@code addresses}, then runs {@code then} (at once when there are none). */
    void await(Set<String> addresses, Runnable then) {
        awaiting.clear();
        awaiting.addAll(addresses);
        this.then = then;
        if (awaiting.isEmpty()) {
            release();
        }
    }

    /** The member at {@code address} applied the change. */
    void applied(String address) {
        if (then != null && awaiting.remove(address) && awaiting.isEmpty()) {
            release();
        }
    }

    /** The member at {@code address} left the cluster: not waited for (see {@link #releaseIfDone}). */
    void forget(String address) {
        awaiting.removeIf(a -> a.equals(address) || a.startsWith(address + "#"));
    }

    /** Runs the waiting continuation if no member is left to wait for. */
    void releaseIfDone() {
        if (then != null && awaiting.isEmpty()) {
            release();
        }
    }

    private void release() {
        Runnable r = then;
        then = null;
        r.run();
    }
}
