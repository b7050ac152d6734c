package io.lwtemu.node.net;

import io.lwtemu.proto.Packet;

/**
 * Carries packets that left a router over a link to the router at the other end. In one thread it appends to
 * the peer's port directly ({@link Network#runUntil}); the actor layer batches them into messages per tick.
 */
@FunctionalInterface
public interface PacketTransport {
    /** {@code packet.getArriveAtNs()} is never earlier than the end of the current tick (link delay >= lookahead). */
    void send(Router to, int toPort, Packet packet);
}
