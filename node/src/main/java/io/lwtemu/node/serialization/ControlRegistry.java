package io.lwtemu.node.serialization;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapSnapshot;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.node.actor.NetworkActor;
import io.lwtemu.node.actor.RouterActor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Every class the control plane's Kryo may write, each with a fixed id: the id is what goes on the wire, so all
 * members must agree and ids are never reused or renumbered (append new classes with new ids). Kryo itself
 * takes 0-9 for primitives and String.
 *
 * <p>Ranges: 20-49 JDK types, 50-59 Akka, 60-79 eBPF map state, 100-149 {@code node.actor}, 150-199
 * {@code node.serialization}, 200-299 {@code node.cluster}, 1000+ from configuration
 * ({@code lwtemu.serialization.control.registrations}).
 */
public final class ControlRegistry {
    /** The first id free for classes registered from configuration. */
    public static final int FIRST_CONFIGURED_ID = 1000;

    private ControlRegistry() {
    }

    /** The lwtemu classes with their ids (the JDK and Akka ones are registered by {@link #register}). */
    public static Map<Class<?>, Integer> messageClasses() {
        Map<Class<?>, Integer> m = new LinkedHashMap<>();
        m.put(MapSnapshot.class, 60);
        m.put(MapDefinition.class, 61);
        m.put(MapType.class, 62);

        m.put(RouterActor.Connect.class, 100);
        m.put(RouterActor.Tick.class, 101);
        m.put(NetworkActor.RunUntil.class, 102);
        m.put(NetworkActor.Finished.class, 103);
        m.put(NetworkActor.TickDone.class, 104);
        m.put(NetworkActor.ControlDone.class, 105);

        m.put(RouterSnapshot.class, 150);

        m.put(io.lwtemu.node.cluster.TopologyBundle.class, 200);
        m.put(io.lwtemu.node.cluster.RouterEntity.Start.class, 201);
        m.put(io.lwtemu.node.cluster.RouterEntity.Peers.class, 202);
        m.put(io.lwtemu.node.cluster.RouterEntity.Tick.class, 203);
        m.put(io.lwtemu.node.cluster.RouterEntity.Collect.class, 204);
        m.put(io.lwtemu.node.cluster.RouterEntity.Stop.class, 205);
        m.put(io.lwtemu.node.cluster.RouterEntity.HandOff.class, 206);
        m.put(io.lwtemu.node.cluster.RouterEntity.Handover.class, 207);
        m.put(io.lwtemu.node.cluster.MemberHost.Prepare.class, 210);
        m.put(io.lwtemu.node.cluster.MemberHost.SpawnRouter.class, 211);
        m.put(io.lwtemu.node.cluster.MemberHost.ApplyActions.class, 212);
        m.put(io.lwtemu.node.cluster.MemberHost.SetRouterLinks.class, 213);
        m.put(io.lwtemu.node.cluster.MemberHost.Finish.class, 214);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.Prepared.class, 220);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.Hello.class, 221);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.TickDone.class, 222);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.RouterReport.class, 223);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.Leaving.class, 224);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.Applied.class, 225);
        m.put(io.lwtemu.node.cluster.ClusterRunActor.TicksDone.class, 226);
        m.put(io.lwtemu.node.cluster.MemberTicker.Ticks.class, 215);
        m.put(io.lwtemu.node.cluster.MemberTicker.Relay.class, 216);
        return m;
    }

    /** Registers everything on {@code kryo}, then the configured extra classes ({@code class name -> id}). */
    static void register(Kryo kryo, Supplier<ActorRefResolver> resolver, Map<String, Integer> configured,
            ClassLoader loader) {
        ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
        kryo.register(byte[].class, 20);
        kryo.register(int[].class, 21);
        kryo.register(long[].class, 22);
        kryo.register(String[].class, 23);
        kryo.register(boolean[].class, 24);
        kryo.register(ArrayList.class, 25);
        kryo.register(HashMap.class, 26);
        kryo.register(LinkedHashMap.class, 27);
        kryo.register(TreeMap.class, 28);
        kryo.register(HashSet.class, 29);
        kryo.register(LinkedHashSet.class, 30);
        kryo.register(TreeSet.class, 31);
        // The JDK's List.of/Set.of/Map.of classes (List12 and ListN, ...), as List.copyOf and records make them.
        kryo.register(List.of().getClass(), 32);
        kryo.register(List.of(1).getClass(), 33);
        kryo.register(Set.of().getClass(), 34);
        kryo.register(Set.of(1).getClass(), 35);
        kryo.register(Map.of().getClass(), 36);
        kryo.register(Map.of(1, 1).getClass(), 37);
        kryo.register(Object[].class, 38);

        kryo.register(ActorRef.class, new TypedActorRefSerializer(resolver), 50);

        for (Map.Entry<Class<?>, Integer> e : messageClasses().entrySet()) {
            kryo.register(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Integer> e : configured.entrySet()) {
            int id = e.getValue();
            if (id < FIRST_CONFIGURED_ID) {
                throw new IllegalArgumentException("lwtemu.serialization.control.registrations: id " + id + " of "
                        + e.getKey() + " is below " + FIRST_CONFIGURED_ID + " (reserved for lwtemu's own classes)");
            }
            Registration taken = kryo.getClassResolver().getRegistration(id);
            if (taken != null) {
                throw new IllegalArgumentException("lwtemu.serialization.control.registrations: id " + id + " of "
                        + e.getKey() + " is already used by " + taken.getType().getName());
            }
            Class<?> cls;
            try {
                cls = Class.forName(e.getKey(), false, loader);
            } catch (ClassNotFoundException ex) {
                throw new IllegalArgumentException("lwtemu.serialization.control.registrations: no class "
                        + e.getKey(), ex);
            }
            kryo.register(cls, id);
        }
    }
}
