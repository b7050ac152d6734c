package io.lwtemu.node.cluster;

import com.google.protobuf.CodedOutputStream;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.Router;
import io.lwtemu.proto.PacketBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The packets one cluster router sent one neighbour during a tick, kept as the {@link Frame} fields side by side in
 * arrays: a hop between routers of one member passes this object as it is (no protobuf message per packet), and a
 * hop to another member writes it into Artery's buffer in the wire format of a protobuf {@link PacketBatch} and
 * reads it back from there straight into a new batch ({@link #writeTo}, {@link #readFrom}) — no {@code Packet}
 * objects on either side, the packet bytes copied once into the buffer the receiving router works in.
 *
 * <p>A batch that stays in its member returns to its sender after delivery ({@link #release}), so a pair of
 * neighbours alternates between two batches instead of allocating one per tick.
 */
public final class LinkBatch {
    private static final int F = 7;
    private static final int OFF = 0;
    private static final int LEN = 1;
    private static final int ID = 2;
    private static final int FLOW_HOPS = 3;
    private static final int SENT_AT = 4;
    private static final int ARRIVAL = 5;
    private static final int IFINDEX = 6;

    private byte[][] bufs;
    private long[] meta;
    private int size;
    private final AtomicReferenceArray<LinkBatch> home;

    /** @param capacity packets held before the arrays grow; {@code home}: where {@link #release} returns it */
    LinkBatch(int capacity, AtomicReferenceArray<LinkBatch> home) {
        int c = Math.max(4, capacity);
        this.bufs = new byte[c][];
        this.meta = new long[c * F];
        this.home = home;
    }

    /** A batch {@code home} holds (released by its receiver), or a new one that returns there. */
    static LinkBatch take(AtomicReferenceArray<LinkBatch> home, int capacity) {
        for (int i = 0; i < home.length(); i++) {
            LinkBatch b = home.getAndSet(i, null);
            if (b != null) {
                return b;
            }
        }
        return new LinkBatch(capacity, home);
    }

    /** A home for the batches one sender sends one receiver: one being filled, one not yet taken in. */
    static AtomicReferenceArray<LinkBatch> newHome() {
        return new AtomicReferenceArray<>(2);
    }

    public int size() {
        return size;
    }

    /** Appends {@code f}'s fields (its bytes are handed over with it). */
    public void add(Frame f) {
        if (size == bufs.length) {
            bufs = java.util.Arrays.copyOf(bufs, size * 2);
            meta = java.util.Arrays.copyOf(meta, size * 2 * F);
        }
        int b = size * F;
        bufs[size++] = f.buf;
        long[] m = meta;
        m[b + OFF] = f.off;
        m[b + LEN] = f.len;
        m[b + ID] = f.id;
        m[b + FLOW_HOPS] = ((long) f.flow << 32) | (f.hops & 0xffffffffL);
        m[b + SENT_AT] = f.sentAtNs;
        m[b + ARRIVAL] = f.arriveAtNs;
        m[b + IFINDEX] = f.ingressIfindex;
    }

    /** Packet {@code i} into {@code f}. */
    public Frame frame(int i, Frame f) {
        long[] m = meta;
        int b = i * F;
        f.buf = bufs[i];
        f.off = (int) m[b + OFF];
        f.len = (int) m[b + LEN];
        f.id = m[b + ID];
        f.flow = (int) (m[b + FLOW_HOPS] >>> 32);
        f.hops = (int) m[b + FLOW_HOPS];
        f.sentAtNs = m[b + SENT_AT];
        f.arriveAtNs = m[b + ARRIVAL];
        f.ingressIfindex = (int) m[b + IFINDEX];
        return f;
    }

    /** Earliest arrival of the packets in this batch ({@link Long#MAX_VALUE} when empty). */
    long firstArrival() {
        long t = Long.MAX_VALUE;
        for (int i = 0, b = ARRIVAL; i < size; i++, b += F) {
            t = Math.min(t, meta[b]);
        }
        return t;
    }

    /** Puts every packet on the port of {@code to} it arrives on, using {@code scratch}; {@code to}'s thread only. */
    void deliverTo(Router to, Frame scratch) {
        for (int i = 0; i < size; i++) {
            frame(i, scratch);
            to.port(scratch.ingressIfindex).arrive(scratch);
        }
    }

    /** Empties the batch (dropping its references to packet bytes) and returns it to its home, if any. */
    void release() {
        java.util.Arrays.fill(bufs, 0, size, null);
        size = 0;
        if (home != null) {
            for (int i = 0; i < home.length() && !home.compareAndSet(i, null, this); i++) {
                // the next slot; with both taken the batch is left to the GC
            }
        }
    }

    // ------------------------------------------------------------------ wire format (protobuf PacketBatch)

    private static final int PACKETS = 1 << 3 | 2;
    private static final int DATA = 1;
    private static final int P_ID = 2;
    private static final int P_FLOW = 3;
    private static final int P_SENT_AT = 5;
    private static final int P_HOPS = 6;
    private static final int P_ARRIVAL = 7;
    private static final int P_IFINDEX = 8;

    private int packetSize(int i) {
        long[] m = meta;
        int b = i * F;
        int s = CodedOutputStream.computeUInt32SizeNoTag((int) m[b + LEN]) + 1 + (int) m[b + LEN];
        s += m[b + ID] != 0 ? 1 + CodedOutputStream.computeUInt64SizeNoTag(m[b + ID]) : 0;
        int flow = (int) (m[b + FLOW_HOPS] >>> 32);
        int hops = (int) m[b + FLOW_HOPS];
        s += flow != 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(flow) : 0;
        s += m[b + SENT_AT] != 0 ? 1 + CodedOutputStream.computeInt64SizeNoTag(m[b + SENT_AT]) : 0;
        s += hops != 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(hops) : 0;
        s += m[b + ARRIVAL] != 0 ? 1 + CodedOutputStream.computeInt64SizeNoTag(m[b + ARRIVAL]) : 0;
        int ifindex = (int) m[b + IFINDEX];
        s += ifindex != 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(ifindex) : 0;
        return s;
    }

    /** Bytes {@link #writeTo} writes. */
    int serializedSize() {
        int s = 0;
        for (int i = 0; i < size; i++) {
            int p = packetSize(i);
            s += 1 + CodedOutputStream.computeUInt32SizeNoTag(p) + p;
        }
        return s;
    }

    /**
     * Writes the batch at {@code buf}'s position as a protobuf {@link PacketBatch} (fields with their default value
     * left out, as protobuf does) and moves the position past it.
     */
    void writeTo(ByteBuffer buf) {
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            long[] m = meta;
            for (int i = 0; i < size; i++) {
                int b = i * F;
                out.writeUInt32NoTag(PACKETS);
                out.writeUInt32NoTag(packetSize(i));
                out.writeByteArray(DATA, bufs[i], (int) m[b + OFF], (int) m[b + LEN]);
                if (m[b + ID] != 0) {
                    out.writeUInt64(P_ID, m[b + ID]);
                }
                int flow = (int) (m[b + FLOW_HOPS] >>> 32);
                if (flow != 0) {
                    out.writeUInt32(P_FLOW, flow);
                }
                if (m[b + SENT_AT] != 0) {
                    out.writeInt64(P_SENT_AT, m[b + SENT_AT]);
                }
                int hops = (int) m[b + FLOW_HOPS];
                if (hops != 0) {
                    out.writeUInt32(P_HOPS, hops);
                }
                if (m[b + ARRIVAL] != 0) {
                    out.writeInt64(P_ARRIVAL, m[b + ARRIVAL]);
                }
                if (m[b + IFINDEX] != 0) {
                    out.writeUInt32(P_IFINDEX, (int) m[b + IFINDEX]);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a protobuf {@link PacketBatch} from {@code buf}'s position to its limit into a new batch (no home):
     * each packet's bytes land behind {@link Router#RX_HEADROOM} bytes of headroom as the receiving router
     * expects; unknown fields are skipped.
     *
     * @throws IllegalArgumentException when the bytes are not a PacketBatch
     */
    static LinkBatch readFrom(ByteBuffer buf, int capacityHint) {
        LinkBatch batch = new LinkBatch(capacityHint, null);
        Frame f = new Frame();
        try {
            while (buf.hasRemaining()) {
                int tag = varint32(buf);
                if (tag != PACKETS) {
                    skip(buf, tag);
                    continue;
                }
                int len = length(buf);
                int end = buf.position() + len;
                readPacket(buf, end, f);
                batch.add(f);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated PacketBatch", e);
        }
        return batch;
    }

    private static void readPacket(ByteBuffer buf, int end, Frame f) {
        f.buf = null;
        f.off = Router.RX_HEADROOM;
        f.len = 0;
        f.id = 0;
        f.flow = 0;
        f.sentAtNs = 0;
        f.hops = 0;
        f.arriveAtNs = 0;
        f.ingressIfindex = 0;
        while (buf.position() < end) {
            int tag = varint32(buf);
            switch (tag) {
                case DATA << 3 | 2 -> {
                    int len = length(buf);
                    byte[] data = new byte[Router.RX_HEADROOM + len];
                    buf.get(data, Router.RX_HEADROOM, len);
                    f.buf = data;
                    f.len = len;
                }
                case P_ID << 3 -> f.id = varint64(buf);
                case P_FLOW << 3 -> f.flow = (int) varint64(buf);
                case P_SENT_AT << 3 -> f.sentAtNs = varint64(buf);
                case P_HOPS << 3 -> f.hops = (int) varint64(buf);
                case P_ARRIVAL << 3 -> f.arriveAtNs = varint64(buf);
                case P_IFINDEX << 3 -> f.ingressIfindex = (int) varint64(buf);
                default -> skip(buf, tag);
            }
        }
        if (buf.position() != end) {
            throw new IllegalArgumentException("a packet overruns its length");
        }
        if (f.buf == null) {
            f.buf = new byte[Router.RX_HEADROOM];
        }
    }

    private static int length(ByteBuffer buf) {
        int len = varint32(buf);
        if (len < 0 || len > buf.remaining()) {
            throw new IllegalArgumentException("length " + len + " beyond the " + buf.remaining() + " bytes left");
        }
        return len;
    }

    private static void skip(ByteBuffer buf, int tag) {
        switch (tag & 7) {
            case 0 -> varint64(buf);
            case 1 -> buf.position(buf.position() + 8);
            case 2 -> {
                int len = length(buf);
                buf.position(buf.position() + len);
            }
            case 5 -> buf.position(buf.position() + 4);
            default -> throw new IllegalArgumentException("wire type " + (tag & 7) + " in a PacketBatch");
        }
    }

    private static int varint32(ByteBuffer buf) {
        return (int) varint64(buf);
    }

    private static long varint64(ByteBuffer buf) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get();
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
