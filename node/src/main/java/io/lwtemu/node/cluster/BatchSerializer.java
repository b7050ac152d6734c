package io.lwtemu.node.cluster;

import akka.actor.ExtendedActorSystem;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;
import io.lwtemu.proto.PacketBatch;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;

/**
 * Writes a cluster router's {@link RouterEntity.Batch} into Artery's buffer: a 12-byte header (sender index,
 * sender incarnation, sequence number; the receiver needs them to count batches per tick) and then the packets in
 * the wire format of a protobuf {@link PacketBatch}, written from the sender's {@link LinkBatch} straight into the
 * frame and read from the frame straight into the receiver's (no protobuf message objects on either side).
 */
public final class BatchSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
    /** Akka serializer id; members of one cluster must agree. */
    public static final int IDENTIFIER = 7310;
    private static final String BATCH = "CB";
    private static final int HEADER = 12;

    public BatchSerializer(ExtendedActorSystem system) {
        // Stateless.
    }

    public BatchSerializer() {
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        batch(o);
        return BATCH;
    }

    @Override
    public byte[] toBinary(Object o) {
        RouterEntity.Batch b = batch(o);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + b.batch().serializedSize());
        toBinary(o, buf);
        return buf.array();
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        RouterEntity.Batch b = batch(o);
        int size = b.batch().serializedSize();
        if (buf.remaining() < HEADER + size) {
            throw new IllegalArgumentException("a batch of " + b.batch().size() + " packets (" + size
                    + " bytes) does not fit the " + buf.remaining()
                    + " bytes left in the Artery frame (akka.remote.artery.advanced.maximum-frame-size)");
        }
        buf.putInt(b.from()).putInt(b.incarnation()).putInt(b.seq());
        b.batch().writeTo(buf);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return fromBinary(ByteBuffer.wrap(bytes), manifest);
    }

    @Override
    public Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
        if (!BATCH.equals(manifest)) {
            throw new NotSerializableException("BatchSerializer: unknown manifest '" + manifest + "'");
        }
        int from = buf.getInt();
        int incarnation = buf.getInt();
        int seq = buf.getInt();
        try {
            // 64-byte packets take ~100 bytes on the wire: a first guess at the count that rarely needs to grow.
            LinkBatch batch = LinkBatch.readFrom(buf, buf.remaining() / 96);
            return new RouterEntity.Batch(from, incarnation, seq, batch);
        } catch (IllegalArgumentException e) {
            NotSerializableException n = new NotSerializableException("BatchSerializer: malformed batch: "
                    + e.getMessage());
            n.initCause(e);
            throw n;
        }
    }

    private static RouterEntity.Batch batch(Object o) {
        if (o instanceof RouterEntity.Batch b) {
            return b;
        }
        throw new IllegalArgumentException("BatchSerializer cannot serialize " + o.getClass().getName());
    }
}
