package io.lwtemu.node.net;

/**
 * Carries packets that left a router over a link to the router at the other end, within one JVM and without a
 * message object per packet: the sequential {@link Network#runUntil} appends to the peer's port directly, the
 * actor engine collects them into one batch per neighbour and tick. A {@link PacketTransport} (protobuf
 * {@code Packet}s: cluster members, tests) is adapted to it by {@link Router#setTransport}.
 */
@FunctionalInterface
public interface FrameTransport {
    /**
     * {@code frame} is valid during the call only (the sender reuses it; its bytes are handed over).
     * {@code frame.arriveAtNs} is never earlier than the end of the current tick (link delay >= lookahead).
     */
    void send(Router to, int toPort, Frame frame);
}
