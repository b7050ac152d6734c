package io.lwtemu.ebpf;

/** Linux errno values that helpers and loaders return (negated), named as in the kernel. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOTSUP = 95;
    public static final int EOPNOTSUPP = 95;
    public static final int EBADMSG = 74;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EAFNOSUPPORT = 97;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int EHOSTUNREACH = 113;
    /** Kernel-internal ENOTSUPP (not ENOTSUP), returned by e.g. bpf_lwt_push_encap for non-TCP GSO. */
    public static final int ENOTSUPP = 524;
}
