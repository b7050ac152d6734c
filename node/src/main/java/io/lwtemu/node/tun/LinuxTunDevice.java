package io.lwtemu.node.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux TUN device opened through {@code /dev/net/tun} (JNA): {@code open}, then {@code ioctl(TUNSETIFF)} with
 * {@code IFF_TUN | IFF_NO_PI} (bare IP packets, no 4-byte packet-info prefix) and, when asked,
 * {@code IFF_MULTI_QUEUE} with one file descriptor per queue. The device lives as long as its descriptors: closing
 * removes it (it is not made persistent). Reads wait in {@code poll} so a closing device wakes its readers.
 */
public final class LinuxTunDevice implements TunDevice {
    public static final String CLONE_DEVICE = "/dev/net/tun";
    /** _IOW('T', 202, int). */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final short POLLIN = 1;
    private static final int IFREQ_SIZE = 40;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final int ENOENT = 2;
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;

    /** libc through JNA direct mapping (no proxy on the per-packet calls). */
    static final class LibC {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int ioctl(int fd, long request, byte[] ifreq) throws LastErrorException;

        static native long read(int fd, Pointer buf, long count) throws LastErrorException;

        static native long write(int fd, Pointer buf, long count) throws LastErrorException;

        static native int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        private LibC() {
        }
    }

    private volatile String name;
    private final int[] fds;
    private final Memory txBuf = new Memory(65536);
    private final Memory[] rxBufs;
    private final Memory[] pollFds;
    private volatile boolean closed;

    private LinuxTunDevice(String name, int[] fds) {
        this.name = name;
        this.fds = fds;
        this.rxBufs = new Memory[fds.length];
        this.pollFds = new Memory[fds.length];
        for (int i = 0; i < fds.length; i++) {
            rxBufs[i] = new Memory(65536);
            pollFds[i] = new Memory(8);
        }
    }

    /**
     * Creates (or attaches to an existing, persistent) TUN device {@code name} in the namespace of this process.
     *
     * @param queues 1, or the number of queues of a multi-queue device
     * @throws TunException naming what is missing: the clone device, permission, CAP_NET_ADMIN, JNA
     */
    public static LinuxTunDevice open(String name, int queues) {
        if (!Platform.isLinux()) {
            throw new TunException("TUN device " + name + ": real TUN devices need Linux; " + TunException.WITHOUT_TUN);
        }
        if (!Files.exists(Path.of(CLONE_DEVICE))) {
            throw new TunException("TUN device " + name + ": " + CLONE_DEVICE + " does not exist (load the tun module:"
                    + " 'modprobe tun'; in a container add '--device /dev/net/tun'); " + TunException.WITHOUT_TUN);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > 15) {
            throw new TunException("TUN device name '" + name + "' is longer than 15 characters");
        }
        int[] fds = new int[queues];
        int opened = 0;
        try {
            for (int q = 0; q < queues; q++) {
                int fd;
                try {
                    fd = LibC.open(CLONE_DEVICE, O_RDWR | O_CLOEXEC);
                } catch (LastErrorException e) {
                    throw new TunException("TUN device " + name + ": cannot open " + CLONE_DEVICE + ": "
                            + errnoText(e.getErrorCode()) + (e.getErrorCode() == EACCES || e.getErrorCode() == EPERM
                            ? " (give this user read/write access to it); " + TunException.WITHOUT_TUN : ""));
                } catch (UnsatisfiedLinkError e) {
                    throw new TunException("TUN device " + name + ": JNA cannot reach the C library (" + e.getMessage()
                            + "); " + TunException.WITHOUT_TUN, e);
                }
                fds[opened++] = fd;
                byte[] ifr = new byte[IFREQ_SIZE];
                System.arraycopy(nameBytes, 0, ifr, 0, nameBytes.length);
                short flags = (short) (IFF_TUN | IFF_NO_PI | (queues > 1 ? IFF_MULTI_QUEUE : 0));
                ifr[16] = (byte) flags; // ifr_flags, little-endian short after the 16-byte name
                ifr[17] = (byte) (flags >>> 8);
                try {
                    LibC.ioctl(fd, TUNSETIFF, ifr);
                } catch (LastErrorException e) {
                    int err = e.getErrorCode();
                    String why = switch (err) {
                        case EPERM -> " (creating a TUN device needs CAP_NET_ADMIN: run as root or with"
                                + " 'setcap cap_net_admin+ep' on java, or let root create it once with"
                                + " 'ip tuntap add dev " + name + " mode tun user $USER' and leave netns: out); "
                                + TunException.WITHOUT_TUN;
                        case EBUSY -> " (a device of that name exists and is not a free TUN device)";
                        case EINVAL -> " (a device of that name exists with other flags, e.g. tap or multi_queue)";
                        default -> "";
                    };
                    throw new TunException("TUN device " + name + ": ioctl(TUNSETIFF) failed: " + errnoText(err) + why);
                }
            }
        } catch (TunException e) {
            for (int i = 0; i < opened; i++) {
                closeQuietly(fds[i]);
            }
            throw e;
        }
        return new LinuxTunDevice(name, fds);
    }

    @Override
    public String name() {
        return name;
    }

    /** After {@code ip link set dev OLD name NEW} (a device created under a temporary name and moved). */
    void renamed(String newName) {
        this.name = newName;
    }

    @Override
    public int queues() {
        return fds.length;
    }

    @Override
    public int read(int queue, byte[] buf, int timeoutMs) throws IOException {
        if (closed) {
            return -1;
        }
        Memory pfd = pollFds[queue];
        pfd.setInt(0, fds[queue]);
        pfd.setShort(4, POLLIN);
        pfd.setShort(6, (short) 0);
        try {
            if (LibC.poll(pfd, 1, timeoutMs) == 0) {
                return closed ? -1 : 0;
            }
            if (closed) {
                return -1;
            }
            Memory rx = rxBufs[queue];
            long n = LibC.read(fds[queue], rx, Math.min(buf.length, rx.size()));
            rx.read(0, buf, 0, (int) n);
            return (int) n;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN) {
                return 0;
            }
            if (closed) {
                return -1;
            }
            throw new IOException("read from TUN device " + name + ": " + errnoText(e.getErrorCode()));
        }
    }

    @Override
    public synchronized boolean write(byte[] b, int off, int len) {
        if (closed || len > txBuf.size()) {
            return false;
        }
        txBuf.write(0, b, off, len);
        try {
            return LibC.write(fds[0], txBuf, len) == len;
        } catch (LastErrorException e) {
            return false; // EIO: the host side is down; the packet is refused and counted as a drop
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (this) {
            for (int fd : fds) {
                closeQuietly(fd);
            }
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            // already gone
        }
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case EACCES -> "Permission denied";
            case EBUSY -> "Device or resource busy";
            case EINVAL -> "Invalid argument";
            default -> "errno " + errno;
        };
    }
}
