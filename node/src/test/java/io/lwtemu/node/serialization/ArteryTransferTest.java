package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapDump;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.node.actor.NetworkActor;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two actor systems in one JVM joined by Artery TCP on 127.0.0.1 (ports chosen by the OS): packets and control
 * messages cross the real transport, through the serializers' ByteBuffer and byte[] paths, and arrive intact.
 */
class ArteryTransferTest {
    private static final String REMOTE = """
            akka.actor.provider = remote
            akka.remote.artery.transport = tcp
            akka.remote.artery.canonical.hostname = 127.0.0.1
            akka.remote.artery.canonical.port = 0
            akka.remote.artery.advanced.maximum-frame-size = 1 MiB
            akka.loglevel = WARNING
            """;
    private static ActorTestKit a;
    private static ActorTestKit b;

    @BeforeAll
    static void start() {
        a = ActorTestKit.create("member-a", TestSystems.config(REMOTE));
        b = ActorTestKit.create("member-b", TestSystems.config(REMOTE));
    }

    @AfterAll
    static void stop() {
        a.shutdownTestKit();
        b.shutdownTestKit();
    }

    /** The ref of {@code probe} (in b) as a member a sees it. */
    private static <T> ActorRef<T> fromA(TestProbe<T> probe) {
        String path = ActorRefResolver.get(b.system()).toSerializationFormat(probe.getRef());
        assertThat(path).contains("akka://member-b@127.0.0.1:");
        return ActorRefResolver.get(a.system()).resolveActorRef(path);
    }

    @Test
    void shouldCarryPacketBatchesAcrossIntact() {
        TestProbe<Object> inB = b.createTestProbe();
        ActorRef<Object> target = fromA(inB);
        RouterActor.Deliver small = new RouterActor.Deliver(PacketSerializerTest.batch(64));
        PacketBatch big = PacketSerializerTest.batch(5_000);
        assertThat(PacketSerializer.serializedSize(big)).as("more than Artery's default frame").isGreaterThan(256 * 1024);
        Packet one = PacketSerializerTest.packet(77);

        target.tell(small);
        target.tell(big);
        target.tell(one);
        target.tell(new RouterActor.Deliver(PacketBatch.getDefaultInstance()));

        Duration wait = Duration.ofSeconds(30);
        RouterActor.Deliver got = (RouterActor.Deliver) inB.receiveMessage(wait);
        assertThat(got).isEqualTo(small);
        assertThat(got.batch().toPacketBatch().getPackets(63).getData().toByteArray())
                .isEqualTo(small.batch().toPacketBatch().getPackets(63).getData().toByteArray());
        assertThat(inB.receiveMessage(wait)).isEqualTo(big);
        assertThat(inB.receiveMessage(wait)).isEqualTo(one);
        assertThat(((RouterActor.Deliver) inB.receiveMessage(wait)).batch().size()).isZero();
    }

    @Test
    void shouldCarryControlMessagesWhoseRefsReachBack() {
        TestProbe<Object> inB = b.createTestProbe();
        ActorRef<Object> target = fromA(inB);
        TestProbe<NetworkActor.Command> netInA = a.createTestProbe();
        TestProbe<RouterActor.Command> routerInA = a.createTestProbe();
        TestProbe<NetworkActor.Finished> waiterInA = a.createTestProbe();
        Duration wait = Duration.ofSeconds(30);

        for (Object m : ControlSerializerTest.controlMessages(netInA.getRef(), routerInA.getRef(), routerInA.getRef(),
                waiterInA.getRef())) {
            target.tell(m);
            Object got = inB.receiveMessage(wait);
            assertThat(got.getClass()).isEqualTo(m.getClass());
            if (!(m instanceof NetworkActor.TickDone)) {
                // A ref that came back from b is a remote ref with a's address: same path and uid.
                assertThat(got.toString().replaceAll("@127\\.0\\.0\\.1:\\d+", "")).isEqualTo(m.toString());
            } else {
                assertThat(((NetworkActor.TickDone) got).firstArrival())
                        .containsExactly(((NetworkActor.TickDone) m).firstArrival());
            }
            // Refs that crossed point back into member a.
            if (got instanceof RouterActor.Tick t) {
                t.replyTo().tell(new NetworkActor.ControlDone(4));
                netInA.expectMessage(wait, new NetworkActor.ControlDone(4));
            } else if (got instanceof NetworkActor.RunUntil r) {
                r.replyTo().tell(new NetworkActor.Finished(99));
                waiterInA.expectMessage(wait, new NetworkActor.Finished(99));
            } else if (got instanceof RouterActor.Connect c && !c.routers().isEmpty()) {
                c.routers().get(0).tell(new RouterActor.Deliver(PacketSerializerTest.batch(3)));
                assertThat(routerInA.receiveMessage(wait))
                        .isEqualTo(new RouterActor.Deliver(PacketSerializerTest.batch(3)));
            }
        }
    }

    @Test
    void shouldCarryARouterSnapshotAcross() {
        TestProbe<Object> inB = b.createTestProbe();
        PinNamespace pins = new PinNamespace();
        BpfMap m = pins.createOrReuse(new MapDefinition("counts", MapType.PERCPU_ARRAY, 4, 8, 4, 0,
                MapDefinition.PIN_BY_NAME), 2);
        m.updateElem(new byte[4], 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, BpfMap.BPF_ANY, 1);
        fromA(inB).tell(RouterSnapshot.capture("r7", 5_000, pins));

        RouterSnapshot got = (RouterSnapshot) inB.receiveMessage(Duration.ofSeconds(30));
        PinNamespace restored = new PinNamespace();
        got.restoreInto(restored);
        assertThat(got.router()).isEqualTo("r7");
        assertThat(MapDump.plain(restored.get("/sys/fs/bpf/counts"))).isEqualTo(MapDump.plain(m));
        assertThat(List.copyOf(restored.list().keySet())).containsExactly("/sys/fs/bpf/counts");
    }
}
