package io.lwtemu.node.net;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.proto.Packet;
import java.util.ArrayList;
import java.util.List;

/**
 * A router interface attached to a link: the direction it sends on, and the queue of packets travelling
 * towards it, ordered by the time they leave the sender's netem (jitter and reordering can make a packet overtake
 * others; equal times keep their sending order). The link's serialisation is applied here, in that order, when a
 * packet reaches the head ({@link io.lwtemu.node.impair.DepartureOrderLink}).
 *
 * <p>The queue is a ring of packet byte arrays beside a ring of their other {@link Frame} fields packed into longs:
 * the router's event loop compares arrival times without touching the packets, and queueing allocates nothing
 * once the rings have grown, neither a record nor a protobuf message per packet.
 */
public final class Port {
    public final Router router;
    public final NetDevice device;
    public final LinkDirection out;
    Link link;
    Router peer;
    int peerIfindex;
    /** Packet bytes per slot. */
    private byte[][] bufs = new byte[16][];
    /**
     * The other fields, {@link #STRIDE} longs per slot side by side (arrival, id, sent at, flow|hops, off|len), so
     * queueing and taking a packet touch one or two cache lines instead of one per field.
     */
    private long[] meta = new long[16 * STRIDE];
    static final int STRIDE = 5;
    static final int ARRIVAL = 0;
    static final int ID = 1;
    static final int SENT_AT = 2;
    static final int FLOW_HOPS = 3;
    static final int OFF_LEN = 4;
    private int head;
    private int size;
    private final Frame scratch = new Frame();
    /** Serialisation of the direction towards this port in netem departure order; made on first use. */
    private io.lwtemu.node.impair.DepartureOrderLink wire;
    /** Arrival of the head packet once computed (-1: not yet), and of the last packet taken. */
    private long headAt = -1;
    private long lastArrival;

    Port(Router router, NetDevice device, LinkDirection out) {
        this.router = router;
        this.device = device;
        this.out = out;
    }

    public Link link() {
        return link;
    }

    public Router peer() {
        return peer;
    }

    /** Packets on the way to this port (sent, not yet received). */
    public int inFlight() {
        return size;
    }

    /**
     * The packets on the way to this port, oldest first, as protobuf messages (a snapshot that wraps the queued
     * bytes; quiescent network only).
     */
    public Iterable<Packet> inFlightPackets() {
        List<Packet> l = new ArrayList<>(size);
        Frame f = new Frame();
        for (int i = 0; i < size; i++) {
            l.add(fill(f, (head + i) & (bufs.length - 1)).toPacket());
        }
        return l;
    }

    /** Adds the packets on the way to this port to {@code perFlow[flow]} (quiescent network only). */
    public void countInFlight(long[] perFlow) {
        for (int i = 0; i < size; i++) {
            perFlow[(int) (meta[((head + i) & (bufs.length - 1)) * STRIDE + FLOW_HOPS] >>> 32)]++;
        }
    }

    /** Adds a packet travelling towards this port; the owning router's thread (or a quiescent network) only. */
    public void arrive(Packet p) {
        arrive(scratch.of(p));
    }

    /**
     * Adds a packet travelling towards this port (its fields are copied, {@code f} can be reused; its bytes are
     * handed over). The owning router's thread (or a quiescent network) only.
     */
    public void arrive(Frame f) {
        arrive(f.buf, f.off, f.len, f.id, f.flow, f.sentAtNs, f.hops, f.arriveAtNs);
    }

    void arrive(byte[] buf, int off, int len, long id, int flow, long sentAt, int hops, long t) {
        arrive(buf, t, id, sentAt, ((long) flow << 32) | (hops & 0xffffffffL), ((long) off << 32) | (len & 0xffffffffL));
    }

    /** {@link #arrive(Frame)} with the fields packed as in {@link #meta}. */
    void arrive(byte[] buf, long t, long id, long sentAt, long flowHops, long offLen) {
        if (size == bufs.length) {
            grow();
        }
        int mask = bufs.length - 1;
        long[] m = meta;
        int tail = (head + size) & mask;
        // It overtakes the packets arriving later: insert it behind the last one arriving no later.
        while (tail != head && m[((tail - 1) & mask) * STRIDE + ARRIVAL] > t) { // after grow() there is a free slot
            int prev = (tail - 1) & mask;
            bufs[tail] = bufs[prev];
            System.arraycopy(m, prev * STRIDE, m, tail * STRIDE, STRIDE);
            tail = prev;
        }
        bufs[tail] = buf;
        int b = tail * STRIDE;
        m[b + ARRIVAL] = t;
        m[b + ID] = id;
        m[b + SENT_AT] = sentAt;
        m[b + FLOW_HOPS] = flowHops;
        m[b + OFF_LEN] = offLen;
        if (tail == head) {
            headAt = -1; // a new head
        }
        size++;
    }

    private void grow() {
        int n = bufs.length;
        byte[][] nb = new byte[n * 2][];
        long[] nm = new long[n * 2 * STRIDE];
        for (int i = 0; i < size; i++) {
            int j = (head + i) & (n - 1);
            nb[i] = bufs[j];
            System.arraycopy(meta, j * STRIDE, nm, i * STRIDE, STRIDE);
        }
        bufs = nb;
        meta = nm;
        head = 0;
    }

    long headTime() {
        if (size == 0) {
            return Long.MAX_VALUE;
        }
        if (headAt < 0) {
            if (wire == null) {
                LinkDirection in = link == null ? null : (link.a == this ? link.b : link.a).out;
                wire = in == null ? new io.lwtemu.node.impair.DepartureOrderLink(0, 0)
                        : new io.lwtemu.node.impair.DepartureOrderLink(in.bandwidthBps, in.delayNs);
            }
            int b = head * STRIDE;
            headAt = wire.arrival(meta[b + ARRIVAL], (int) meta[b + OFF_LEN]);
        }
        return headAt;
    }

    /** When the packet last taken from this port arrived (its serialisation included). */
    public long lastArrival() {
        return lastArrival;
    }

    /** Takes the oldest packet into {@code f}; only when {@link #inFlight} is not 0. */
    Frame poll(Frame f) {
        lastArrival = headTime();
        wire.taken(lastArrival);
        headAt = -1;
        int h = head;
        fill(f, h);
        bufs[h] = null;
        head = (h + 1) & (bufs.length - 1);
        size--;
        return f;
    }

    private Frame fill(Frame f, int i) {
        long[] m = meta;
        int b = i * STRIDE;
        f.buf = bufs[i];
        long offLen = m[b + OFF_LEN];
        f.off = (int) (offLen >>> 32);
        f.len = (int) offLen;
        f.id = m[b + ID];
        long flowHops = m[b + FLOW_HOPS];
        f.flow = (int) (flowHops >>> 32);
        f.hops = (int) flowHops;
        f.sentAtNs = m[b + SENT_AT];
        f.arriveAtNs = m[b + ARRIVAL];
        f.ingressIfindex = device.ifindex;
        return f;
    }

    @Override
    public String toString() {
        return router.name + ":" + device.name;
    }
}
