package io.lwtemu.node.fib;

/**
 * Mutable result of {@link Fib#fibLookup} (the kernel's {@code struct fib_result}), reused per packet so a
 * lookup does not allocate. {@link #route} is null for NO_ROUTE and for errors raised by a rule action.
 */
public final class FibResult {
    public FibStatus status = FibStatus.NO_ROUTE;
    public Route route;
    /** Table the route came from, or 0. */
    public int table;
    /** The rule that produced the result, or null. */
    public RoutingRule rule;

    void set(FibStatus status, Route route, int table, RoutingRule rule) {
        this.status = status;
        this.route = route;
        this.table = table;
        this.rule = rule;
    }

    @Override
    public String toString() {
        return status + (route == null ? "" : " " + route) + (table == 0 ? "" : " (table " + table + ")");
    }
}
