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
 * <p>The queue is a ring of packets beside a ring of their arrival times, so the router's event loop compares
 * arrival times without touching the packets, and queueing allocates nothing once the ring has grown.
 */
public final class Port {
    public final Router router;
    public final NetDevice device;
    public final LinkDirection out;
    Link link;
    Router peer;
    int peerIfindex;
    private Packet[] packets = new Packet[16];
    private long[] arrivals = new long[16];
    private int head;
    private int size;
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

    /** The packets on the way to this port, oldest first (a snapshot; quiescent network only). */
    public Iterable<Packet> inFlightPackets() {
        List<Packet> l = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            l.add(packets[(head + i) & (packets.length - 1)]);
        }
        return l;
    }

    /** Adds a packet travelling towards this port; the owning router's thread (or a quiescent network) only. */
    public void arrive(Packet p) {
        if (size == packets.length) {
            grow();
        }
        int mask = packets.length - 1;
        long t = p.getArriveAtNs();
        int tail = (head + size) & mask;
        // It overtakes the packets arriving later: insert it behind the last one arriving no later.
        while (tail != head && arrivals[(tail - 1) & mask] > t) { // after grow() the ring has a free slot
            int prev = (tail - 1) & mask;
            packets[tail] = packets[prev];
            arrivals[tail] = arrivals[prev];
            tail = prev;
        }
        packets[tail] = p;
        arrivals[tail] = t;
        if (tail == head) {
            headAt = -1; // a new head
        }
        size++;
    }

    private void grow() {
        int n = packets.length;
        Packet[] np = new Packet[n * 2];
        long[] na = new long[n * 2];
        for (int i = 0; i < size; i++) {
            np[i] = packets[(head + i) & (n - 1)];
            na[i] = arrivals[(head + i) & (n - 1)];
        }
        packets = np;
        arrivals = na;
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
            headAt = wire.arrival(arrivals[head], packets[head].getData().size());
        }
        return headAt;
    }

    /** When the packet last taken from this port arrived (its serialisation included). */
    public long lastArrival() {
        return lastArrival;
    }

    /** Takes the oldest packet; only when {@link #inFlight} is not 0. */
    Packet poll() {
        lastArrival = headTime();
        wire.taken(lastArrival);
        headAt = -1;
        Packet p = packets[head];
        packets[head] = null;
        head = (head + 1) & (packets.length - 1);
        size--;
        return p;
    }

    @Override
    public String toString() {
        return router.name + ":" + device.name;
    }
}
