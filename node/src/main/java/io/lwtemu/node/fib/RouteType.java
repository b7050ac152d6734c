package io.lwtemu.node.fib;

/** Route types of {@code ip route} (the kernel's RTN_*), with the errno a lookup hitting them yields. */
public enum RouteType {
    UNICAST(1, 0),
    LOCAL(2, 0),
    BLACKHOLE(6, FibException.EINVAL),
    UNREACHABLE(7, FibException.EHOSTUNREACH),
    PROHIBIT(8, FibException.EACCES);

    public final int rtn;
    public final int errno;

    RouteType(int rtn, int errno) {
        this.rtn = rtn;
        this.errno = errno;
    }

    /** True for the types that end a lookup with an error instead of a next hop. */
    public boolean isError() {
        return errno != 0;
    }
}
