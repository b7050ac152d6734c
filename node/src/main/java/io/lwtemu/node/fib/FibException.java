package io.lwtemu.node.fib;

/** A route/rule change the kernel would refuse, with its errno and iproute2-style message. */
public final class FibException extends RuntimeException {
    /** errno values of the FIB's answers (asm-generic/errno-base.h, errno.h). */
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENETUNREACH = 101;
    public static final int EHOSTUNREACH = 113;

    public final int errno;

    public FibException(int errno, String message) {
        super(message);
        this.errno = errno;
    }
}
