package io.lwtemu.node.fib;

/** A route/rule change the kernel would refuse, with its errno and iproute2-style message. */
public final class FibException extends RuntimeException {
    public static final int ESRCH = 3;

    public final int errno;

    public FibException(int errno, String message) {
        super(message);
        this.errno = errno;
    }
}
