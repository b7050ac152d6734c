package io.lwtemu.node.impair;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One netem qdisc on one link direction, following {@code netem_enqueue} of net/sched/sch_netem.c: duplicate
 * (decided first, the copy is taken before corruption and passes netem once more without being duplicated again),
 * loss, corruption (one bit flipped at a random offset), the {@code limit} on packets held, then either reorder
 * (the packet goes out now, ahead of the delayed ones) or delay (latency, jitter from the distribution, and with a
 * rate the serialisation behind the last queued packet). It decides when a packet leaves netem; the link then adds
 * its own serialisation and propagation delay.
 *
 * <p>Every draw comes from the direction's own {@link SplittableRandom}, seeded from the experiment seed and the
 * direction's name, and the owning router enqueues in a deterministic order; so a seed fixes every per-packet
 * decision, whichever engine runs the network. Single-threaded: the owning router's thread, or between ticks.
 */
public final class Netem {
    /** {@link #enqueue} result: the packet was lost (DropReason.LOSS). */
    public static final long LOST = -2;
    /** {@link #enqueue} result: netem already holds {@code limit} packets (tail drop, DropReason.QUEUE_FULL). */
    public static final long QUEUE_FULL = -1;
    static final long U32_MAX = 0xFFFF_FFFFL;

    private final SplittableRandom rng;
    private NetemSpec spec = NetemSpec.NONE;
    private LossGenerator lossGen;
    private CorrelatedRandom delayCor;
    private CorrelatedRandom dupCor;
    private CorrelatedRandom corruptCor;
    private CorrelatedRandom reorderCor;
    private long duplicate;
    private long corrupt;
    private long reorder;
    private int gap;
    private int counter;
    /** time_to_send of the packets netem holds (later than the last enqueue's now). */
    private final LongMinHeap held = new LongMinHeap();
    private long lastTimeToSend;

    private byte[] dupData;
    private long dupTimeToSend;

    public long lost;
    public long limitDrops;
    public long duplicated;
    public long corrupted;
    public long reordered;

    public Netem(SplittableRandom rng, NetemSpec spec) {
        this.rng = rng;
        change(spec);
    }

    /**
     * New settings ({@code tc qdisc change}): correlation and loss-model states start afresh and the reorder gap
     * counter restarts, packets already held keep their departure times.
     */
    public void change(NetemSpec newSpec) {
        this.spec = newSpec;
        lossGen = new LossGenerator(newSpec.loss(), rng);
        delayCor = new CorrelatedRandom(newSpec.delayCorrelation(), rng);
        dupCor = new CorrelatedRandom(newSpec.duplicateCorrelation(), rng);
        corruptCor = new CorrelatedRandom(newSpec.corruptCorrelation(), rng);
        reorderCor = new CorrelatedRandom(newSpec.reorderCorrelation(), rng);
        duplicate = u32(newSpec.duplicate());
        corrupt = u32(newSpec.corrupt());
        reorder = u32(newSpec.reorder());
        gap = newSpec.reorderGap();
        counter = 0;
    }

    /** A fresh qdisc after the impairment was removed and added again: nothing held; counters keep counting. */
    public void restart() {
        held.clear();
        lastTimeToSend = 0;
    }

    public NetemSpec spec() {
        return spec;
    }

    /** Packets held (delayed or waiting for the rate) at {@code now}. */
    public int backlog(long now) {
        release(now);
        return held.size();
    }

    /**
     * Passes a packet of {@code len} bytes at {@code buf[off]} through netem at {@code now}: returns the time it
     * leaves netem (never before now), or {@link #LOST} or {@link #QUEUE_FULL}. May flip one bit of the bytes.
     * Afterwards {@link #duplicateData()} holds a duplicate netem made (its own copy of the bytes, taken before
     * corruption), with its departure time or drop code in {@link #duplicateTimeToSend()}.
     */
    public long enqueue(long now, byte[] buf, int off, int len) {
        dupData = null;
        return enqueue(now, buf, off, len, true);
    }

    /** The duplicate of the last {@link #enqueue}, or null. */
    public byte[] duplicateData() {
        return dupData;
    }

    /** When the duplicate leaves netem, or {@link #LOST} / {@link #QUEUE_FULL}. */
    public long duplicateTimeToSend() {
        return dupTimeToSend;
    }

    private long enqueue(long now, byte[] buf, int off, int len, boolean mayDuplicate) {
        int count = 1;
        if (mayDuplicate && duplicate != 0 && duplicate >= dupCor.next(rng)) {
            count++;
        }
        if (lossGen.lossEvent(rng)) {
            count--;
        }
        if (count == 0) {
            lost++;
            return LOST;
        }
        byte[] copy = count > 1 ? Arrays.copyOfRange(buf, off, off + len) : null;
        if (corrupt != 0 && corrupt >= corruptCor.next(rng)) {
            if (len > 0) {
                buf[off + rng.nextInt(len)] ^= (byte) (1 << rng.nextInt(8));
            }
            corrupted++;
        }
        release(now);
        if (held.size() >= spec.limit()) {
            limitDrops++;
            return QUEUE_FULL;
        }
        if (copy != null) {
            duplicated++;
            dupData = copy;
            dupTimeToSend = enqueue(now, copy, 0, len, false);
        }
        if (gap == 0 || counter < gap - 1 || reorder < reorderCor.next(rng)) {
            long delay = tabledist();
            long base = now;
            if (spec.rateBps() != 0) {
                if (held.size() > 0) {
                    // The last queued packet is the reference point: the delay counts from its departure.
                    delay = Math.max(0, delay - (lastTimeToSend - now));
                    base = lastTimeToSend;
                }
                delay += packetTimeNs(len);
            }
            counter++;
            long timeToSend = Math.max(now, base + delay);
            if (timeToSend > now) {
                if (held.size() == 0 || timeToSend > lastTimeToSend) {
                    lastTimeToSend = timeToSend;
                }
                held.add(timeToSend);
            }
            return timeToSend;
        }
        // Reorder: this packet goes to the head of the queue and leaves at once.
        counter = 0;
        reordered++;
        return now;
    }

    private void release(long now) {
        while (held.size() > 0 && held.peek() <= now) {
            held.poll();
        }
    }

    /** netem's tabledist(latency, jitter): uniform without a table, else latency + jitter * table value. */
    private long tabledist() {
        long mu = spec.latencyNs();
        long sigma = spec.jitterNs();
        if (sigma == 0) {
            return mu;
        }
        long rnd = delayCor.next(rng);
        if (spec.distribution() == Distribution.UNIFORM) {
            return rnd % (2 * sigma) + mu - sigma;
        }
        double t = spec.distribution().deviate(rnd / 4294967296.0);
        return mu + Math.round(sigma * t);
    }

    /** packet_time_ns: serialisation time at {@code rate} with the packet and cell overheads. */
    private long packetTimeNs(int len) {
        long l = len + (long) spec.packetOverhead();
        int cell = spec.cellSize();
        if (cell > 0) {
            long cells = (l + cell - 1) / cell;
            l = cells * (cell + spec.cellOverhead());
        }
        if (l < 0) {
            l = 0;
        }
        return l * 8_000_000_000L / spec.rateBps();
    }

    /** tc's set_percent: a fraction as a 32-bit threshold. */
    static long u32(double fraction) {
        return Math.min(U32_MAX, Math.max(0, Math.round(fraction * U32_MAX)));
    }

    static long next32(SplittableRandom rng) {
        return rng.nextInt() & U32_MAX;
    }
}
