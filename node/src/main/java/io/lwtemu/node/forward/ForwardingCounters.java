package io.lwtemu.node.forward;

import io.lwtemu.node.fib.Route;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Outcome counters of one router: per drop reason, per outcome and per route (packets that took it). Interface
 * counters live on {@link NetDevice}. Counting does not allocate once a route has been seen.
 */
public final class ForwardingCounters {
    private final long[] drops = new long[DropReason.values().length];
    private final long[] outcomes = new long[Outcome.values().length];
    private final IdentityHashMap<Route, long[]> perRoute = new IdentityHashMap<>();

    void count(Outcome outcome, DropReason reason) {
        outcomes[outcome.ordinal()]++;
        if (reason != null) {
            drops[reason.ordinal()]++;
        }
    }

    void routeHit(Route route) {
        long[] c = perRoute.get(route);
        if (c == null) {
            c = new long[1];
            perRoute.put(route, c);
        }
        c[0]++;
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long outcomes(Outcome outcome) {
        return outcomes[outcome.ordinal()];
    }

    /** Adds hits counted elsewhere (a cluster member's copy of this router) so reports show them. */
    public void addRouteHits(Route route, long hits) {
        if (hits != 0) {
            perRoute.computeIfAbsent(route, k -> new long[1])[0] += hits;
        }
    }

    public long routeHits(Route route) {
        long[] c = perRoute.get(route);
        return c == null ? 0 : c[0];
    }

    /** Non-zero drop counters by reason, for reports. */
    public Map<DropReason, Long> dropsByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                m.put(r, drops[r.ordinal()]);
            }
        }
        return m;
    }
}
