package io.lwtemu.node.serialization;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Configuration and helpers shared by the serialization tests: lwtemu-node.conf (and lwtemu-cluster.conf) as in production. */
final class TestSystems {
    private TestSystems() {
    }

    static Config config(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseResources("lwtemu-node.conf"))
                // The cluster layer's own bindings, where that layer is present.
                .withFallback(ConfigFactory.parseResources("lwtemu-cluster.conf"))
                .withFallback(ConfigFactory.load())
                .resolve();
    }

    static Serialization serialization(ActorSystem<?> system) {
        return SerializationExtension.get(Adapter.toClassic(system));
    }

    /** Serializes and deserializes {@code m} the way Akka does for remoting (serializer id + manifest). */
    static Object roundTrip(Serialization s, Object m) throws Exception {
        akka.serialization.Serializer ser = s.findSerializerFor(m);
        byte[] bytes = ser.toBinary(m);
        return s.deserialize(bytes, ser.identifier(), Serializers.manifestFor(ser, m)).get();
    }
}
