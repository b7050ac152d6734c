package io.lwtemu.node.serialization;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.function.Supplier;

/**
 * Kryo form of a typed {@link ActorRef}: its full path with address and uid, as {@link ActorRefResolver} writes
 * it, so the receiving member resolves it to a (remote) ref of the sender's system. The resolver is looked up on
 * first use: serializers are created while the actor system is still starting.
 */
final class TypedActorRefSerializer extends Serializer<ActorRef<?>> {
    private final Supplier<ActorRefResolver> resolver;

    TypedActorRefSerializer(Supplier<ActorRefResolver> resolver) {
        super(false, true);
        this.resolver = resolver;
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef<?> ref) {
        output.writeString(resolver.get().toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
        return resolver.get().resolveActorRef(input.readString());
    }
}
