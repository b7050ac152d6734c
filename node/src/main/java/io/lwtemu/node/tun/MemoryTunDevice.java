package io.lwtemu.node.tun;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TUN device inside the JVM: a bounded queue per direction, like the ring of a real TUN device. The emulator
 * side uses {@link #read}/{@link #write}; the host side (a test, an embedding application) uses
 * {@link #hostSend}/{@link #hostReceive}. The default when no real device is wanted or allowed.
 */
public final class MemoryTunDevice implements TunDevice {
    public static final int DEFAULT_CAPACITY = 1000;

    private final String name;
    private final ArrayBlockingQueue<byte[]> toHost;
    private final ArrayBlockingQueue<byte[]> fromHost;
    private volatile boolean closed;

    public MemoryTunDevice(String name, int capacity) {
        this.name = name;
        this.toHost = new ArrayBlockingQueue<>(capacity);
        this.fromHost = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(int queue, byte[] buf, int timeoutMs) {
        if (closed) {
            return -1;
        }
        byte[] p;
        try {
            p = fromHost.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        if (p == null) {
            return closed ? -1 : 0;
        }
        int n = Math.min(p.length, buf.length);
        System.arraycopy(p, 0, buf, 0, n);
        return n;
    }

    @Override
    public boolean write(byte[] b, int off, int len) {
        return !closed && toHost.offer(Arrays.copyOfRange(b, off, off + len));
    }

    /** The host sends a packet into the device; false when the queue towards the emulator is full. */
    public boolean hostSend(byte[] packet) {
        return !closed && fromHost.offer(packet.clone());
    }

    /** The next packet the emulator wrote, waiting up to {@code timeoutMs}; null when none. */
    public byte[] hostReceive(long timeoutMs) throws InterruptedException {
        return toHost.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Packets written by the emulator and not yet taken by the host. */
    public int pendingToHost() {
        return toHost.size();
    }

    @Override
    public void close() {
        closed = true;
    }
}
