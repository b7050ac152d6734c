package io.lwtemu.node.net;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.proto.Packet;
import java.util.ArrayDeque;

/**
 * A router interface attached to a link: the direction it sends on, and the queue of packets travelling
 * towards it, ordered by arrival time (netem jitter and reordering can make a packet overtake others; equal
 * times keep their sending order).
 */
public final class Port {
    public final Router router;
    public final NetDevice device;
    public final LinkDirection out;
    Link link;
    Router peer;
    int peerIfindex;
    final ArrayDeque<Packet> incoming = new ArrayDeque<>();
    private final ArrayDeque<Packet> overtaken = new ArrayDeque<>();

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
        return incoming.size();
    }

    /** The packets on the way to this port, oldest first (quiescent network only). */
    public Iterable<Packet> inFlightPackets() {
        return incoming;
    }

    /** Adds a packet travelling towards this port; the owning router's thread (or a quiescent network) only. */
    public void arrive(Packet p) {
        Packet last = incoming.peekLast();
        if (last == null || last.getArriveAtNs() <= p.getArriveAtNs()) {
            incoming.add(p);
            return;
        }
        // It overtakes the packets arriving later: insert it behind the last one arriving no later.
        long t = p.getArriveAtNs();
        while (!incoming.isEmpty() && incoming.peekLast().getArriveAtNs() > t) {
            overtaken.push(incoming.pollLast());
        }
        incoming.add(p);
        while (!overtaken.isEmpty()) {
            incoming.add(overtaken.pop());
        }
    }

    long headTime() {
        Packet p = incoming.peekFirst();
        return p == null ? Long.MAX_VALUE : p.getArriveAtNs();
    }

    @Override
    public String toString() {
        return router.name + ":" + device.name;
    }
}
