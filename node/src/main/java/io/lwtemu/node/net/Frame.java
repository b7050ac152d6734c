package io.lwtemu.node.net;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.lwtemu.proto.Packet;

/**
 * One packet on a link inside this JVM: the bytes {@code buf[off, off+len)} and what the protobuf {@link Packet}
 * carries besides them. A router fills one Frame per transmission and reuses it for the next, so a hop between
 * routers of one JVM builds no message object: the receiving {@link Port} copies the fields into its rings.
 * A Frame becomes a protobuf {@code Packet} only where it crosses a serialization boundary
 * ({@link #toPacket()}: cluster members, {@code akka.actor.serialize-messages}, a {@link PacketTransport}).
 *
 * <p>The bytes are handed over with the frame (the sender's skb buffer, see {@code Router#transmit}): the receiver
 * keeps working in them, and {@code off} is its headroom.
 */
public final class Frame {
    public byte[] buf;
    public int off;
    public int len;
    public long id;
    public int flow;
    public long sentAtNs;
    public int hops;
    public long arriveAtNs;
    /** The ifindex it arrives on at the receiving router. */
    public int ingressIfindex;
    private final ByteStringArray scratch = new ByteStringArray();

    /** This frame as the protobuf message packets travel as between JVMs (wraps the bytes, does not copy). */
    public Packet toPacket() {
        return Packet.newBuilder()
                .setData(UnsafeByteOperations.unsafeWrap(buf, off, len))
                .setId(id)
                .setFlowId(flow)
                .setSentAtNs(sentAtNs)
                .setHops(hops)
                .setArriveAtNs(arriveAtNs)
                .setIngressIfindex(ingressIfindex)
                .build();
    }

    /**
     * Fills this frame from a protobuf packet. An array-backed {@code data} is taken over without copying (within
     * one JVM it is the sender's buffer, see {@link ByteStringArray}); other data is copied behind
     * {@link Router#RX_HEADROOM} bytes of headroom.
     */
    public Frame of(Packet p) {
        ByteString data = p.getData();
        len = data.size();
        if (scratch.capture(data)) {
            buf = scratch.array;
            off = scratch.offset;
            scratch.array = null;
        } else {
            buf = new byte[Router.RX_HEADROOM + len];
            data.copyTo(buf, Router.RX_HEADROOM);
            off = Router.RX_HEADROOM;
        }
        id = p.getId();
        flow = p.getFlowId();
        sentAtNs = p.getSentAtNs();
        hops = p.getHops();
        arriveAtNs = p.getArriveAtNs();
        ingressIfindex = p.getIngressIfindex();
        return this;
    }
}
