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
    /** The counters of the two routes hit last (the same arrays as in perRoute). */
    private Route hitRoute0;
    private long[] hitCount0;
    private Route hitRoute1;
    private long[] hitCount1;

    void count(Outcome outcome, DropReason reason) {
        outcomes[outcome.ordinal()]++;
        if (reason != null) {
            drops[reason.ordinal()]++;
        }
    }

    void routeHit(Route route) {
        // A router's packets mostly take one or two routes (a tunnel endpoint: the local route, then the inner
        // packet's): remember the last two counters instead of hashing per packet.
        if (route == hitRoute0) {
            hitCount0[0]++;
            return;
        }
        if (route == hitRoute1) {
            hitCount1[0]++;
            return;
        }
        long[] c = perRoute.get(route);
        if (c == null) {
            c = new long[1];
            perRoute.put(route, c);
        }
        c[0]++;
        hitRoute1 = hitRoute0;
        hitCount1 = hitCount0;
        hitRoute0 = route;
        hitCount0 = c;
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
