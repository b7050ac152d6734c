package io.lwtemu.node.net;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.proto.Packet;
import java.util.ArrayList;
import java.util.List;

/**
 * A router interface attached to a link: the direction it sends on, and the queue of packets travelling
 * towards it, ordered by arrival time (netem jitter and reordering can make a packet overtake others; equal
 * times keep their sending order).
 *
 * <p>The queue is a set of parallel rings, one per {@link Frame} field (bytes, offset, length, id, flow, sent
 * time, hops, arrival time): the router's event loop compares arrival times without touching the packets, and
 * queueing allocates nothing once the rings have grown, neither a record nor a protobuf message per packet.
 */
public final class Port {
    public final Router router;
    public final NetDevice device;
    public final LinkDirection out;
    Link link;
    Router peer;
    int peerIfindex;
    private byte[][] bufs = new byte[16][];
    private int[] offs = new int[16];
    private int[] lens = new int[16];
    private long[] ids = new long[16];
    private int[] flows = new int[16];
    private long[] sentAts = new long[16];
    private int[] hopss = new int[16];
    private long[] arrivals = new long[16];
    private int head;
    private int size;
    private final Frame scratch = new Frame();

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
            perFlow[flows[(head + i) & (bufs.length - 1)]]++;
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
        if (size == bufs.length) {
            grow();
        }
        int mask = bufs.length - 1;
        int tail = (head + size) & mask;
        // It overtakes the packets arriving later: insert it behind the last one arriving no later.
        while (tail != head && arrivals[(tail - 1) & mask] > t) { // after grow() the ring has a free slot
            int prev = (tail - 1) & mask;
            bufs[tail] = bufs[prev];
            offs[tail] = offs[prev];
            lens[tail] = lens[prev];
            ids[tail] = ids[prev];
            flows[tail] = flows[prev];
            sentAts[tail] = sentAts[prev];
            hopss[tail] = hopss[prev];
            arrivals[tail] = arrivals[prev];
            tail = prev;
        }
        bufs[tail] = buf;
        offs[tail] = off;
        lens[tail] = len;
        ids[tail] = id;
        flows[tail] = flow;
        sentAts[tail] = sentAt;
        hopss[tail] = hops;
        arrivals[tail] = t;
        size++;
    }

    private void grow() {
        int n = bufs.length;
        byte[][] nb = new byte[n * 2][];
        int[] no = new int[n * 2];
        int[] nl = new int[n * 2];
        long[] ni = new long[n * 2];
        int[] nf = new int[n * 2];
        long[] ns = new long[n * 2];
        int[] nh = new int[n * 2];
        long[] na = new long[n * 2];
        for (int i = 0; i < size; i++) {
            int j = (head + i) & (n - 1);
            nb[i] = bufs[j];
            no[i] = offs[j];
            nl[i] = lens[j];
            ni[i] = ids[j];
            nf[i] = flows[j];
            ns[i] = sentAts[j];
            nh[i] = hopss[j];
            na[i] = arrivals[j];
        }
        bufs = nb;
        offs = no;
        lens = nl;
        ids = ni;
        flows = nf;
        sentAts = ns;
        hopss = nh;
        arrivals = na;
        head = 0;
    }

    long headTime() {
        return size == 0 ? Long.MAX_VALUE : arrivals[head];
    }

    /** Takes the oldest packet into {@code f}; only when {@link #inFlight} is not 0. */
    Frame poll(Frame f) {
        int h = head;
        fill(f, h);
        bufs[h] = null;
        head = (h + 1) & (bufs.length - 1);
        size--;
        return f;
    }

    private Frame fill(Frame f, int i) {
        f.buf = bufs[i];
        f.off = offs[i];
        f.len = lens[i];
        f.id = ids[i];
        f.flow = flows[i];
        f.sentAtNs = sentAts[i];
        f.hops = hopss[i];
        f.arriveAtNs = arrivals[i];
        f.ingressIfindex = device.ifindex;
        return f;
    }

    @Override
    public String toString() {
        return router.name + ":" + device.name;
    }
}
