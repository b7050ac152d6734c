package io.lwtemu.node.net;

import io.lwtemu.node.impair.Netem;
import io.lwtemu.node.impair.NetemSpec;
import java.util.SplittableRandom;

/**
 * One direction of a point-to-point link: an optional netem qdisc at the sender ({@link Netem}: delay, jitter,
 * loss, duplicate, corrupt, reorder, rate, limit), then propagation delay, serialisation at the link's bandwidth,
 * and a tail-drop queue of bounded length (packets waiting or being serialised). Packets are stamped with the time
 * they leave netem plus the propagation delay; the receiving {@link Port} applies the serialisation in that
 * (netem departure) order. The tail drop is decided here from a ring of transmit-completion times in the order
 * packets are sent, so enqueuing does not allocate (with netem jitter or reordering in front, the queue length it
 * sees is an approximation).
 */
public final class LinkDirection {
    /** {@link #transmit} result: tail drop in netem's limit or the link queue (DropReason.QUEUE_FULL). */
    public static final long QUEUE_FULL = -1;
    /** {@link #transmit} result: netem lost the packet on the wire (DropReason.LOSS). */
    public static final long LOST = -2;

    public final long delayNs;
    /** Bits per second; 0 = infinitely fast (no serialisation delay, no queueing). */
    public final long bandwidthBps;
    private int mtu;
    public final int capacity;
    private final long[] finishTimes;
    private int head;
    private int size;
    private long busyUntil;

    public long packets;
    public long bytes;
    public long queueDrops;
    public long downDrops;

    private SplittableRandom random = new SplittableRandom(0);
    private Netem netem;
    private boolean netemOn;
    private byte[] dupData;
    private long dupArrival;

    public LinkDirection(long delayNs, long bandwidthBps, int mtu, int capacity) {
        this.delayNs = delayNs;
        this.bandwidthBps = bandwidthBps;
        this.mtu = mtu;
        this.capacity = capacity;
        this.finishTimes = new long[bandwidthBps == 0 ? 1 : capacity];
    }

    public int mtu() {
        return mtu;
    }

    /** Changes the MTU the direction reports (the interfaces' MTU is what the routers check, see Link#setMtu). */
    public void setMtu(int mtu) {
        this.mtu = mtu;
    }

    /**
     * Seeds the random stream of this direction's impairments (every netem decision draws from it, in packet
     * order). {@link Link#setSeed} derives it from the experiment seed and the direction's name. Before the run.
     */
    public void setSeed(long seed) {
        this.random = new SplittableRandom(seed);
        if (netem != null) {
            NetemSpec spec = netem.spec();
            netem = new Netem(random, spec);
        }
    }

    /**
     * Sets (or changes, like {@code tc qdisc change}) the netem impairment of this direction; null or a no-op spec
     * removes it. Between ticks or from the owning router's thread.
     */
    public void setNetem(NetemSpec spec) {
        if (spec == null || spec.isNoop()) {
            netemOn = false;
        } else if (netem == null) {
            netem = new Netem(random, spec);
            netemOn = true;
        } else {
            if (!netemOn) {
                netem.restart();
            }
            netem.change(spec);
            netemOn = true;
        }
    }

    public void clearNetem() {
        setNetem(null);
    }

    /** The current impairment, or null. */
    public NetemSpec netemSpec() {
        return netemOn ? netem.spec() : null;
    }

    /**
     * The netem of this direction, with its counters (lost, limitDrops, duplicated, corrupted, reordered) summed
     * over the run, also after the impairment was cleared; null if this direction never had one.
     */
    public Netem netem() {
        return netem;
    }

    /**
     * Sends a packet of {@code len} bytes at {@code buf[off]} at {@code now}: through netem when one is set (which
     * may flip a bit in the bytes and make a duplicate), then onto the link. Returns the arrival time at the far
     * end, or {@link #LOST} or {@link #QUEUE_FULL}. Afterwards {@link #duplicateData()} is a duplicate to send as
     * well (null when none), arriving at {@link #duplicateArrival()} (or LOST / QUEUE_FULL).
     */
    public long transmit(long now, byte[] buf, int off, int len) {
        dupData = null;
        if (!netemOn) {
            return onWire(now, len);
        }
        long leave = netem.enqueue(now, buf, off, len);
        byte[] dup = netem.duplicateData();
        if (dup != null) {
            long t = netem.duplicateTimeToSend();
            dupData = dup;
            dupArrival = t < 0 ? t : onWire(t, len);
        }
        if (leave < 0) {
            if (leave == Netem.QUEUE_FULL) {
                queueDrops++;
            }
            return leave;
        }
        return onWire(leave, len);
    }

    /**
     * A packet leaving netem at {@code leave}: tail drop, else the earliest it can arrive (leave + delay); the far
     * port adds the serialisation in departure order.
     */
    private long onWire(long leave, int len) {
        long a = enqueue(leave, len);
        return a < 0 ? a : leave + delayNs;
    }

    /** The duplicate netem made in the last {@link #transmit}, or null. */
    public byte[] duplicateData() {
        return dupData;
    }

    public long duplicateArrival() {
        return dupArrival;
    }

    /**
     * Puts a packet of {@code len} bytes on the link (after netem) at {@code now}; returns its arrival time at the
     * far end, or -1 ({@link #QUEUE_FULL}) when the queue is full (tail drop).
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
