package io.lwtemu.node.net;

/**
 * One direction of a point-to-point link: propagation delay, serialisation at the link's bandwidth, and a
 * tail-drop queue of bounded length (packets waiting or being serialised). Computes departure and arrival times
 * analytically from a ring of transmit-completion times, so enqueuing does not allocate.
 */
public final class LinkDirection {
    public final long delayNs;
    /** Bits per second; 0 = infinitely fast (no serialisation delay, no queueing). */
    public final long bandwidthBps;
    public final int mtu;
    public final int capacity;
    private final long[] finishTimes;
    private int head;
    private int size;
    private long busyUntil;

    public long packets;
    public long bytes;
    public long queueDrops;
    public long downDrops;

    public LinkDirection(long delayNs, long bandwidthBps, int mtu, int capacity) {
        this.delayNs = delayNs;
        this.bandwidthBps = bandwidthBps;
        this.mtu = mtu;
        this.capacity = capacity;
        this.finishTimes = new long[bandwidthBps == 0 ? 1 : capacity];
    }

    /**
     * Puts a packet of {@code len} bytes on the link at {@code now}; returns its arrival time at the far end, or
     * -1 when the queue is full (tail drop).
     */
    public long enqueue(long now, int len) {
        if (bandwidthBps == 0) {
            packets++;
            bytes += len;
            return now + delayNs;
        }
        while (size > 0 && finishTimes[head] <= now) {
            head = head + 1 == finishTimes.length ? 0 : head + 1;
            size--;
        }
        if (size >= capacity) {
            queueDrops++;
            return -1;
        }
        long start = Math.max(now, busyUntil);
        long finish = start + (len * 8L * 1_000_000_000L + bandwidthBps - 1) / bandwidthBps;
        busyUntil = finish;
        int tail = head + size;
        if (tail >= finishTimes.length) {
            tail -= finishTimes.length;
        }
        finishTimes[tail] = finish;
        size++;
        packets++;
        bytes += len;
        return finish + delayNs;
    }

    /** Packets queued or being serialised at {@code now}. */
    public int backlog(long now) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            int idx = (head + i) % finishTimes.length;
            if (finishTimes[idx] > now) {
                n++;
            }
        }
        return n;
    }
}
