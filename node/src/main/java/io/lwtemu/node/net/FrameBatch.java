package io.lwtemu.node.net;

import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The packets one router sent to one neighbour during a tick, in sending order: their byte arrays, and the other
 * {@link Frame} fields packed side by side in a long array as a {@link Port} keeps them (plus the port): the actor
 * engine's message payload between routers of one JVM. Adding a packet copies its fields and allocates nothing once
 * the arrays have grown; {@link #deliverTo} puts them on the receiver's ports.
 * Between JVMs (and under {@code akka.actor.serialize-messages}) the batch travels as the protobuf
 * {@link PacketBatch} ({@link #toPacketBatch}, {@link #of}).
 *
 * <p>A batch made with a home goes back there after delivery ({@link #release}), where its sender takes it
 * for a later tick ({@link #take}): a pair of neighbours alternates between two batches (one being filled while
 * the neighbour has not yet taken in the other) instead of allocating one per tick.
 */
public final class FrameBatch {
    private static final int STRIDE = Port.STRIDE + 1;
    private static final int PORT = Port.STRIDE;
    private byte[][] bufs;
    private long[] meta;
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
        meta = new long[n * STRIDE];
    }

    public int size() {
        return size;
    }

    /** Appends a copy of {@code f}'s fields (its bytes are handed over with it). */
    public void add(Frame f) {
        if (size == bufs.length) {
            byte[][] b = bufs;
            long[] m = meta;
            allocate(b.length * 2);
            System.arraycopy(b, 0, bufs, 0, size);
            System.arraycopy(m, 0, meta, 0, size * STRIDE);
        }
        int i = size++;
        bufs[i] = f.buf;
        long[] m = meta;
        int b = i * STRIDE;
        m[b + Port.ARRIVAL] = f.arriveAtNs;
        m[b + Port.ID] = f.id;
        m[b + Port.SENT_AT] = f.sentAtNs;
        m[b + Port.FLOW_HOPS] = ((long) f.flow << 32) | (f.hops & 0xffffffffL);
        m[b + Port.OFF_LEN] = ((long) f.off << 32) | (f.len & 0xffffffffL);
        m[b + PORT] = f.ingressIfindex;
    }

    /** Puts every packet on the port of {@code to} it arrives on; {@code to}'s thread only. */
    public void deliverTo(Router to) {
        long[] m = meta;
        for (int i = 0, b = 0; i < size; i++, b += STRIDE) {
            to.port((int) m[b + PORT]).arrive(bufs[i], m[b + Port.ARRIVAL], m[b + Port.ID], m[b + Port.SENT_AT],
                    m[b + Port.FLOW_HOPS], m[b + Port.OFF_LEN]);
        }
    }

    private Frame frame(int i, Frame f) {
        long[] m = meta;
        int b = i * STRIDE;
        f.buf = bufs[i];
        long offLen = m[b + Port.OFF_LEN];
        f.off = (int) (offLen >>> 32);
        f.len = (int) offLen;
        f.id = m[b + Port.ID];
        long flowHops = m[b + Port.FLOW_HOPS];
        f.flow = (int) (flowHops >>> 32);
        f.hops = (int) flowHops;
        f.sentAtNs = m[b + Port.SENT_AT];
        f.arriveAtNs = m[b + Port.ARRIVAL];
        f.ingressIfindex = (int) m[b + PORT];
        return f;
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
        Frame x = new Frame();
        Frame y = new Frame();
        for (int i = 0; i < size; i++) {
            frame(i, x);
            b.frame(i, y);
            // Where the bytes start in their buffer (the headroom) is not part of the packet.
            if (x.id != y.id || x.flow != y.flow || x.sentAtNs != y.sentAtNs || x.hops != y.hops
                    || x.arriveAtNs != y.arriveAtNs || x.ingressIfindex != y.ingressIfindex
                    || !java.util.Arrays.equals(x.buf, x.off, x.off + x.len, y.buf, y.off, y.off + y.len)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(meta[i * STRIDE + Port.ID]);
        }
        return h;
    }

    /** The batch as the protobuf message it travels as between JVMs (wraps the packet bytes). */
    public PacketBatch toPacketBatch() {
        PacketBatch.Builder b = PacketBatch.newBuilder();
        Frame f = new Frame();
        for (int i = 0; i < size; i++) {
            b.addPackets(frame(i, f).toPacket());
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
