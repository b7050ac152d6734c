package io.lwtemu.node.serialization;

import akka.actor.ExtendedActorSystem;
import akka.serialization.ByteBufferSerializer;
import akka.serialization.SerializerWithStringManifest;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The data plane's serializer: protobuf {@link Packet}, {@link PacketBatch} and the router-to-router
 * {@link RouterActor.Deliver}. Artery hands it the envelope's {@link ByteBuffer} directly, so a batch is
 * encoded into the outgoing frame and decoded from the incoming one without a {@code byte[]} in between; the
 * {@code byte[]} methods serve Akka's other paths ({@code serialize-messages}, persistence, tests).
 *
 * <p>Protobuf is used rather than Akka's generic {@code ProtobufSerializer} because that one reflects on the
 * message class for every call and always goes through {@code byte[]}. Decoding never aliases the input
 * buffer (Artery recycles it), so the packet bytes are copied once, into the {@code ByteString}.
 *
 * <p>A message must fit into one Artery frame ({@code akka.remote.artery.advanced.maximum-frame-size}); senders
 * split larger batches ({@link #serializedSize(Object)} tells the size without encoding).
 */
public final class PacketSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
    /** Akka serializer id (0-40 are Akka's own); fixed, members of one cluster must agree. */
    public static final int IDENTIFIER = 7301;

    static final String PACKET = "P";
    static final String BATCH = "B";
    static final String DELIVER = "D";

    public PacketSerializer(ExtendedActorSystem system) {
        // Stateless: nothing of the actor system is needed.
    }

    /** For use outside an actor system (benchmarks, tests). */
    public PacketSerializer() {
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof RouterActor.Deliver) {
            return DELIVER;
        }
        if (o instanceof PacketBatch) {
            return BATCH;
        }
        if (o instanceof Packet) {
            return PACKET;
        }
        throw unsupported(o);
    }

    /** Bytes the message takes on the wire (protobuf's cached size; no encoding). */
    public static int serializedSize(Object o) {
        return message(o).getSerializedSize();
    }

    @Override
    public byte[] toBinary(Object o) {
        return message(o).toByteArray();
    }

    @Override
    public void toBinary(Object o, ByteBuffer buf) {
        MessageLite m = message(o);
        // Writes at buf's position and, on flush, moves the position past the message.
        CodedOutputStream out = CodedOutputStream.newInstance(buf);
        try {
            m.writeTo(out);
            out.flush();
        } catch (CodedOutputStream.OutOfSpaceException e) {
            throw new IllegalArgumentException(describe(o) + " of " + m.getSerializedSize()
                    + " bytes does not fit the " + buf.remaining()
                    + " bytes left in the Artery frame (akka.remote.artery.advanced.maximum-frame-size)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return decode(CodedInputStream.newInstance(bytes), manifest);
    }

    @Override
    public Object fromBinary(ByteBuffer buf, String manifest) throws NotSerializableException {
        // Direct buffers are read in place; enableAliasing stays off, so nothing keeps pointing into buf.
        Object msg = decode(CodedInputStream.newInstance(buf), manifest);
        buf.position(buf.limit());
        return msg;
    }

    private static Object decode(CodedInputStream in, String manifest) throws NotSerializableException {
        try {
            switch (manifest) {
                case PACKET:
                    return Packet.parseFrom(in);
                case BATCH:
                    return PacketBatch.parseFrom(in);
                case DELIVER:
                    return new RouterActor.Deliver(PacketBatch.parseFrom(in));
                default:
                    throw new NotSerializableException("PacketSerializer: unknown manifest '" + manifest
                            + "' (a member running a different lwtemu version?)");
            }
        } catch (InvalidProtocolBufferException e) {
            NotSerializableException n = new NotSerializableException("PacketSerializer: malformed "
                    + manifest + " message: " + e.getMessage());
            n.initCause(e);
            throw n;
        } catch (NotSerializableException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageLite message(Object o) {
        if (o instanceof RouterActor.Deliver d) {
            return d.batch().toPacketBatch();
        }
        if (o instanceof MessageLite m && (o instanceof Packet || o instanceof PacketBatch)) {
            return m;
        }
        throw unsupported(o);
    }

    private static String describe(Object o) {
        return o.getClass().getSimpleName();
    }

    private static IllegalArgumentException unsupported(Object o) {
        return new IllegalArgumentException("PacketSerializer cannot serialize " + o.getClass().getName()
                + "; it handles Packet, PacketBatch and RouterActor.Deliver");
    }
}
