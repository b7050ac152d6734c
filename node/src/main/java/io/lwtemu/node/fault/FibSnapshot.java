package io.lwtemu.node.fault;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RoutingRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The routes and rules of a router as its topology configured them, so a restart can rebuild exactly that
 * state (what the boot scripts would set up again), undoing run-time route changes and program swaps.
 */
final class FibSnapshot {
    private final List<Route> routes = new ArrayList<>();
    private final List<RoutingRule> rules = new ArrayList<>();

    FibSnapshot(Fib fib) {
        for (int id = 0; id < 256; id++) {
            FibTable t = fib.existingTable(id);
            if (t != null) {
                for (Family f : Family.values()) {
                    routes.addAll(t.routes(f));
                }
            }
        }
        for (Family f : Family.values()) {
            rules.addAll(fib.rules(f));
        }
    }

    /** Replaces every route and rule of {@code fib} by the snapshot's (tables 0..255). */
    void restore(Fib fib) {
        for (int id = 0; id < 256; id++) {
            FibTable t = fib.existingTable(id);
            if (t == null) {
                continue;
            }
            for (Family f : Family.values()) {
                for (Route r : t.routes(f)) {
                    t.delete(r.prefix, r.metric, r.dev, r.gateway, r.type);
                }
            }
        }
        for (Route r : routes) {
            fib.table(r.table).add(r);
        }
        for (Family f : Family.values()) {
            for (RoutingRule r : fib.rules(f)) {
                fib.deleteRule(r);
            }
        }
        for (RoutingRule r : rules) {
            fib.addRule(r);
        }
    }
}
