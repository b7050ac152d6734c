package io.lwtemu.node.serialization;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.SerializerWithStringManifest;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.NotSerializableException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The control plane's serializer: Kryo 5 with registration required for {@link ControlMessage}s and
 * {@link RouterSnapshot}s. Only classes of {@link ControlRegistry} (fixed ids) can be written, so an unlisted
 * class fails at the sender with its name instead of leaking a class name onto the wire or falling back to Java
 * serialization. Records use Kryo's RecordSerializer (canonical constructor, so their checks run on arrival);
 * typed ActorRefs go as paths through {@link ActorRefResolver}. Object graphs are written as trees (no shared or
 * cyclic references), which is what immutable messages are.
 *
 * <p>Kryo instances and buffers are not thread-safe, and Akka calls serializers from many threads: each call
 * borrows a Kryo and an Output from a pool. The manifest is empty: the registration id in the bytes says the
 * class. Written by hand because the community Akka-Kryo serializer does not support Akka 2.8.
 */
public final class ControlSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7302;
    /** Extra classes for Kryo: {@code "fully.qualified.Class" = id} (ids from {@link ControlRegistry#FIRST_CONFIGURED_ID}). */
    public static final String REGISTRATIONS = "lwtemu.serialization.control.registrations";
    private static final int POOL_SIZE = 64;
    private static final int POOLED_OUTPUT_MAX = 64 * 1024;

    private final Pool<Kryo> kryos;
    private final Pool<Output> outputs;

    public ControlSerializer(ExtendedActorSystem system) {
        this(new ResolverOf(system), configured(system.settings().config()), system.dynamicAccess().classLoader());
    }

    ControlSerializer(Supplier<ActorRefResolver> resolver, Map<String, Integer> configured, ClassLoader loader) {
        this.kryos = new Pool<>(true, false, POOL_SIZE) {
            @Override
            protected Kryo create() {
                Kryo k = new Kryo(new ControlClassResolver(), null);
                k.setRegistrationRequired(true);
                k.setReferences(false);
                k.setClassLoader(loader);
                ControlRegistry.register(k, resolver, configured, loader);
                return k;
            }
        };
        this.outputs = new Pool<>(true, false, POOL_SIZE) {
            @Override
            protected Output create() {
                return new Output(1024, -1);
            }
        };
        // Fails on a bad configured registration when the actor system starts, not at the first message.
        kryos.free(kryos.obtain());
    }

    private static Map<String, Integer> configured(Config config) {
        Map<String, Integer> m = new TreeMap<>();
        if (config.hasPath(REGISTRATIONS)) {
            for (Map.Entry<String, ConfigValue> e : config.getObject(REGISTRATIONS).entrySet()) {
                Object v = e.getValue().unwrapped();
                if (!(v instanceof Number n)) {
                    throw new IllegalArgumentException(REGISTRATIONS + ": id of " + e.getKey()
                            + " must be a number, got " + v);
                }
                m.put(e.getKey(), n.intValue());
            }
        }
        return m;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        return "";
    }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = kryos.obtain();
        Output out = outputs.obtain();
        try {
            kryo.writeClassAndObject(out, o);
            return out.toBytes();
        } catch (KryoException | IllegalArgumentException e) {
            // Kryo reports an unregistered class with IllegalArgumentException.
            throw new IllegalArgumentException("ControlSerializer cannot write " + o.getClass().getName() + ": "
                    + e.getMessage() + " (control messages and their fields must be listed in ControlRegistry)", e);
        } finally {
            out.reset();
            // A snapshot may have grown the buffer to megabytes: keep only small buffers pooled.
            if (out.getBuffer().length <= POOLED_OUTPUT_MAX) {
                outputs.free(out);
            }
            kryos.free(kryo);
        }
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Kryo kryo = kryos.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        } catch (KryoException | IllegalArgumentException e) {
            NotSerializableException n = new NotSerializableException("ControlSerializer cannot read a message of "
                    + bytes.length + " bytes: " + e.getMessage()
                    + " (a member with a different ControlRegistry?)");
            n.initCause(e);
            throw n;
        } finally {
            kryos.free(kryo);
        }
    }

    /** Looks up the typed ActorRefResolver on first use: the serializer exists before the typed system does. */
    private static final class ResolverOf implements Supplier<ActorRefResolver> {
        private final ExtendedActorSystem system;
        private volatile ActorRefResolver resolver;

        ResolverOf(ExtendedActorSystem system) {
            this.system = system;
        }

        @Override
        public ActorRefResolver get() {
            ActorRefResolver r = resolver;
            if (r == null) {
                r = ActorRefResolver.get(Adapter.toTyped(system));
                resolver = r;
            }
            return r;
        }
    }
}
