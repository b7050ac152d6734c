package io.lwtemu.node.net;

import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The packets one router sent to one neighbour during a tick, in sending order, as parallel arrays of the
 * {@link Frame} fields: the actor engine's message payload between routers of one JVM. Adding a packet copies its
 * fields and allocates nothing once the arrays have grown; {@link #deliverTo} puts them on the receiver's ports.
 * Between JVMs (and under {@code akka.actor.serialize-messages}) the batch travels as the protobuf
 * {@link PacketBatch} ({@link #toPacketBatch}, {@link #of}).
 *
 * <p>A batch made with a home goes back there after delivery ({@link #release}), where its sender takes it
 * for a later tick ({@link #take}): a pair of neighbours alternates between two batches (one being filled while
 * the neighbour has not yet taken in the other) instead of allocating one per tick.
 */
public final class FrameBatch {
    private byte[][] bufs;
    private int[] offs;
    private int[] lens;
    private long[] ids;
    private int[] flows;
    private long[] sentAts;
    private int[] hopss;
    private long[] arrivals;
    private int[] ports;
    private int size;
    private final AtomicReferenceArray<FrameBatch> home;

    /** @param home where {@link #release} returns this batch to, or null to leave it to the GC */
    public FrameBatch(AtomicReferenceArray<FrameBatch> home) {
        this.home = home;
        allocate(16);
    }

    /** A home for the batches one sender sends to one receiver (two slots: one in use, one on its way). */
    public static AtomicReferenceArray<FrameBatch> newHome() {
        return new AtomicReferenceArray<>(2);
    }

    /** A released batch of {@code home}, or a new one that returns there. */
    public static FrameBatch take(AtomicReferenceArray<FrameBatch> home) {
        for (int i = 0; i < home.length(); i++) {
            FrameBatch b = home.getAndSet(i, null);
            if (b != null) {
                return b;
            }
        }
        return new FrameBatch(home);
    }

    private void allocate(int n) {
        bufs = new byte[n][];
        offs = new int[n];
        lens = new int[n];
        ids = new long[n];
        flows = new int[n];
        sentAts = new long[n];
        hopss = new int[n];
        arrivals = new long[n];
        ports = new int[n];
    }

    public int size() {
        return size;
    }

    /** Appends a copy of {@code f}'s fields (its bytes are handed over with it). */
    public void add(Frame f) {
        if (size == bufs.length) {
            grow();
        }
        int i = size++;
        bufs[i] = f.buf;
        offs[i] = f.off;
        lens[i] = f.len;
        ids[i] = f.id;
        flows[i] = f.flow;
        sentAts[i] = f.sentAtNs;
        hopss[i] = f.hops;
        arrivals[i] = f.arriveAtNs;
        ports[i] = f.ingressIfindex;
    }

    private void grow() {
        byte[][] b = bufs;
        int[] o = offs;
        int[] l = lens;
        long[] id = ids;
        int[] fl = flows;
        long[] s = sentAts;
        int[] h = hopss;
        long[] a = arrivals;
        int[] p = ports;
        allocate(b.length * 2);
        System.arraycopy(b, 0, bufs, 0, size);
        System.arraycopy(o, 0, offs, 0, size);
        System.arraycopy(l, 0, lens, 0, size);
        System.arraycopy(id, 0, ids, 0, size);
        System.arraycopy(fl, 0, flows, 0, size);
        System.arraycopy(s, 0, sentAts, 0, size);
        System.arraycopy(h, 0, hopss, 0, size);
        System.arraycopy(a, 0, arrivals, 0, size);
        System.arraycopy(p, 0, ports, 0, size);
    }

    /** Puts every packet on the port of {@code to} it arrives on; {@code to}'s thread only. */
    public void deliverTo(Router to) {
        for (int i = 0; i < size; i++) {
            to.port(ports[i]).arrive(bufs[i], offs[i], lens[i], ids[i], flows[i], sentAts[i], hopss[i], arrivals[i]);
        }
    }

    /** Empties the batch (dropping its references to packet bytes) and returns it to its home slot, if any. */
    public void release() {
        java.util.Arrays.fill(bufs, 0, size, null);
        size = 0;
        if (home != null) {
            for (int i = 0; i < home.length() && !home.compareAndSet(i, null, this); i++) {
                // the next slot; with every slot taken the batch is left to the GC
            }
        }
    }

    /** Equal when both hold the same packets (bytes and fields) in the same order; the home slot does not count. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FrameBatch b) || b.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (ids[i] != b.ids[i] || flows[i] != b.flows[i] || sentAts[i] != b.sentAts[i] || hopss[i] != b.hopss[i]
                    || arrivals[i] != b.arrivals[i] || ports[i] != b.ports[i] || lens[i] != b.lens[i]
                    || !java.util.Arrays.equals(bufs[i], offs[i], offs[i] + lens[i], b.bufs[i], b.offs[i],
                            b.offs[i] + b.lens[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(ids[i]);
        }
        return h;
    }

    /** The batch as the protobuf message it travels as between JVMs (wraps the packet bytes). */
    public PacketBatch toPacketBatch() {
        PacketBatch.Builder b = PacketBatch.newBuilder();
        Frame f = new Frame();
        for (int i = 0; i < size; i++) {
            f.buf = bufs[i];
            f.off = offs[i];
            f.len = lens[i];
            f.id = ids[i];
            f.flow = flows[i];
            f.sentAtNs = sentAts[i];
            f.hops = hopss[i];
            f.arriveAtNs = arrivals[i];
            f.ingressIfindex = ports[i];
            b.addPackets(f.toPacket());
        }
        return b.build();
    }

    /** A batch (without a home) holding the packets of a protobuf batch. */
    public static FrameBatch of(PacketBatch batch) {
        FrameBatch fb = new FrameBatch(null);
        Frame f = new Frame();
        for (Packet p : batch.getPacketsList()) {
            fb.add(f.of(p));
        }
        return fb;
    }
}
