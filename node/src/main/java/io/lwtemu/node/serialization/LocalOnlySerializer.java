package io.lwtemu.node.serialization;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import java.io.NotSerializableException;

/**
 * The serializer of {@link LocalOnlyMessage}s: it refuses every message, naming it, so a lambda-carrying
 * message sent to a remote actor fails loudly rather than falling back to Java serialization.
 */
public final class LocalOnlySerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7303;

    public LocalOnlySerializer(ExtendedActorSystem system) {
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return o.getClass().getName();
    }

    @Override
    public byte[] toBinary(Object o) {
        throw new IllegalArgumentException(o.getClass().getName()
                + " carries JVM-local state (a Java lambda) and cannot be sent to another cluster member");
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        throw new NotSerializableException(manifest + " is local-only and cannot arrive from another member");
    }
}
