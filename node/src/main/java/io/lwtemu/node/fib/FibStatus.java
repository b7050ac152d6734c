package io.lwtemu.node.fib;


/** Outcome of a FIB lookup: a usable route, or the error the kernel's lookup would return. */
public enum FibStatus {
    /** A unicast route: forward. */
    OK(0),
    /** A local route: deliver to this host. */
    LOCAL(0),
    /** No table had a matching route (-ENETUNREACH). */
    NO_ROUTE(FibException.ENETUNREACH),
    /** An unreachable route or rule (-EHOSTUNREACH for routes; ICMP host/net unreachable). */
    UNREACHABLE(FibException.EHOSTUNREACH),
    /** A prohibit route or rule (-EACCES; ICMP admin prohibited). */
    PROHIBIT(FibException.EACCES),
    /** A blackhole route or rule (-EINVAL; silent drop). */
    BLACKHOLE(FibException.EINVAL);

    public final int errno;

    FibStatus(int errno) {
        this.errno = errno;
    }

    public boolean isError() {
        return errno != 0;
    }
}
