package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;

/**
 * A map the kernel would refuse to create ({@code BPF_MAP_CREATE} failing in {@code map_alloc_check}) or a
 * pinned map libbpf would refuse to reuse. Carries the errno the kernel (or libbpf) returns so loaders can
 * report it the way {@code bpftool}/{@code ip} would.
 */
public class MapCreateException extends IllegalArgumentException {
    private final int errno;

    public MapCreateException(String message, int errno) {
        super(message + " [" + errnoName(errno) + "]");
        this.errno = errno;
    }

    /** The positive errno, e.g. {@link Errno#EINVAL}. */
    public int errno() {
        return errno;
    }

    static String errnoName(int errno) {
        switch (errno) {
            case Errno.EINVAL: return "-EINVAL";
            case Errno.E2BIG: return "-E2BIG";
            case Errno.ENOMEM: return "-ENOMEM";
            case Errno.EPERM: return "-EPERM";
            case Errno.EEXIST: return "-EEXIST";
            case Errno.ENOENT: return "-ENOENT";
            case Errno.ENOTSUPP: return "-ENOTSUPP (524)";
            default: return "-" + errno;
        }
    }
}
