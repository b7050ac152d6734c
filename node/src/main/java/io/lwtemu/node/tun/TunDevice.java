package io.lwtemu.node.tun;

import java.io.IOException;

/**
 * The host side of a TUN-like interface: bare IP packets (no Ethernet header, no packet-info prefix) go to it and
 * come from it. Two kinds: {@link MemoryTunDevice} (queues in this JVM; needs no privileges) and
 * {@link LinuxTunDevice} (a real {@code /dev/net/tun} device, so ping, traceroute and iperf3 on the host use the
 * emulated network).
 */
public interface TunDevice extends AutoCloseable {
    /** Device name as the host sees it ({@code lwt0}). */
    String name();

    /** Number of receive queues (each read by its own thread); 1 unless multi-queue. */
    default int queues() {
        return 1;
    }

    /**
     * Waits up to {@code timeoutMs} for the next packet the host sent into the device on {@code queue} and copies
     * it to {@code buf}. Returns its length, 0 when none came in time, -1 when the device is closed.
     */
    int read(int queue, byte[] buf, int timeoutMs) throws IOException;

    /** Hands one packet to the host; false when refused (queue full, host side gone). Never blocks. */
    boolean write(byte[] b, int off, int len);

    @Override
    void close();
}
