package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message record listed in {@link ControlRegistry} (node.actor, node.cluster, snapshots), filled with generated
 * non-default values of its component types, survives a round trip through Akka's serialization: so a class
 * added to the registry whose fields Kryo cannot write (an unregistered type) fails here, not between members.
 */
class ControlRegistryRoundTripTest {
    private static ActorTestKit kit;
    private static Serialization serialization;
    private static ActorRef<Object> ref;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("registry", TestSystems.config(""));
        serialization = TestSystems.serialization(kit.system());
        ref = kit.createTestProbe().getRef();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void shouldRoundTripEveryRegisteredRecordWithItsFields() throws Exception {
        List<String> failed = new ArrayList<>();
        int checked = 0;
        for (Class<?> c : ControlRegistry.messageClasses().keySet()) {
            if (!c.isRecord() || !ControlMessage.class.isAssignableFrom(c)) {
                continue; // field types (MapSnapshot, ...) are covered inside the messages that carry them
            }
            Object m = sample(c, c, 0);
            assertThat(serialization.findSerializerFor(m)).as(c.getName()).isInstanceOf(ControlSerializer.class);
            try {
                Object back = TestSystems.roundTrip(serialization, m);
                String diff = difference(m, back, c.getSimpleName());
                if (diff != null) {
                    failed.add(diff);
                }
            } catch (Exception e) {
                failed.add(c.getName() + ": " + e.getMessage());
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(7);
        assertThat(failed).isEmpty();
    }

    /** A value of {@code type} with every field set, different per depth so mix-ups show. */
    private static Object sample(Type type, Class<?> owner, int depth) throws Exception {
        int v = 3 + depth;
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == ActorRef.class) {
                return ref;
            }
            if (List.class.isAssignableFrom(raw)) {
                return List.of(sample(args[0], owner, depth + 1), sample(args[0], owner, depth + 2));
            }
            if (Set.class.isAssignableFrom(raw)) {
                Set<Object> s = new LinkedHashSet<>();
                s.add(sample(args[0], owner, depth + 1));
                return Set.copyOf(s);
            }
            if (Map.class.isAssignableFrom(raw)) {
                Map<Object, Object> m = new LinkedHashMap<>();
                m.put(sample(args[0], owner, depth + 1), sample(args[1], owner, depth + 1));
                return Map.copyOf(m);
            }
            return sample(raw, owner, depth);
        }
        if (type instanceof GenericArrayType) {
            throw new IllegalArgumentException("generic array in " + owner.getName());
        }
        Class<?> c = (Class<?>) type;
        if (c == int.class || c == Integer.class) {
            return v;
        }
        if (c == long.class || c == Long.class) {
            return -1_000_000_000_000L * v;
        }
        if (c == boolean.class || c == Boolean.class) {
            return true;
        }
        if (c == double.class || c == Double.class) {
            return 1.5 * v;
        }
        if (c == String.class) {
            return "s" + v;
        }
        if (c.isArray()) {
            Object a = Array.newInstance(c.getComponentType(), 2);
            for (int i = 0; i < 2; i++) {
                Array.set(a, i, c.getComponentType() == byte.class ? (byte) (v + i)
                        : sample(c.getComponentType(), owner, depth + i));
            }
            return a;
        }
        if (c.isEnum()) {
            Object[] values = c.getEnumConstants();
            return values[Math.min(1, values.length - 1)];
        }
        if (c == ActorRef.class) {
            return ref;
        }
        if (c.isRecord() && depth < 16) {
            RecordComponent[] rcs = c.getRecordComponents();
            Object[] args = new Object[rcs.length];
            Class<?>[] types = new Class<?>[rcs.length];
            for (int i = 0; i < rcs.length; i++) {
                types[i] = rcs[i].getType();
                args[i] = sample(rcs[i].getGenericType(), owner, depth + 1);
            }
            Constructor<?> k = c.getDeclaredConstructor(types);
            k.setAccessible(true);
            return k.newInstance(args);
        }
        throw new IllegalArgumentException("no sample value for " + type.getTypeName() + " in " + owner.getName()
                + " (extend ControlRegistryRoundTripTest.sample)");
    }

    /** Null when equal; arrays by content, refs by path without the address. */
    private static String difference(Object a, Object b, String where) throws Exception {
        if (a == null || b == null) {
            return a == b ? null : where + ": " + a + " vs " + b;
        }
        if (a.getClass().isArray()) {
            if (!b.getClass().isArray() || Array.getLength(a) != Array.getLength(b)) {
                return where + ": array differs";
            }
            for (int i = 0; i < Array.getLength(a); i++) {
                String d = difference(Array.get(a, i), Array.get(b, i), where + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof ActorRef<?> ra) {
            return b instanceof ActorRef<?> rb && ra.path().equals(rb.path()) ? null : where + ": ref " + a + " vs " + b;
        }
        if (a instanceof List<?> la) {
            if (!(b instanceof List<?> lb) || la.size() != lb.size()) {
                return where + ": list differs";
            }
            for (int i = 0; i < la.size(); i++) {
                String d = difference(la.get(i), lb.get(i), where + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof Map<?, ?> ma) {
            if (!(b instanceof Map<?, ?> mb) || !ma.keySet().equals(mb.keySet())) {
                return where + ": map keys differ";
            }
            for (Object k : ma.keySet()) {
                String d = difference(ma.get(k), mb.get(k), where + "[" + k + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.getClass().isRecord()) {
            if (a.getClass() != b.getClass()) {
                return where + ": " + a.getClass() + " came back as " + b.getClass();
            }
            for (RecordComponent rc : a.getClass().getRecordComponents()) {
                rc.getAccessor().setAccessible(true);
                String d = difference(rc.getAccessor().invoke(a), rc.getAccessor().invoke(b),
                        where + "." + rc.getName());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return a.equals(b) ? null : where + ": " + a + " vs " + b;
    }
}
