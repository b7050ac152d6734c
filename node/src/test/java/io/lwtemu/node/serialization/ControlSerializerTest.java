package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import io.lwtemu.node.actor.NetworkActor;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.proto.PacketBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ControlSerializerTest {
    private static ActorTestKit kit;
    private static Serialization serialization;

    /** A control message no registry lists: must be refused, never Java-serialized. */
    record Unlisted(String text) implements ControlMessage {}

    /** Listed through configuration, the way other modules add classes. */
    record Configured(List<String> names, long value) implements ControlMessage {}

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("control", TestSystems.config("""
                lwtemu.serialization.control.registrations {
                  "io.lwtemu.node.serialization.ControlSerializerTest$Configured" = 1000
                }
                """));
        serialization = TestSystems.serialization(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static List<Object> controlMessages(ActorRef<NetworkActor.Command> net, ActorRef<RouterActor.Command> r1,
            ActorRef<RouterActor.Command> r2, ActorRef<NetworkActor.Finished> waiter) {
        return List.of(
                new RouterActor.Connect(List.of(r1, r2)),
                new RouterActor.Connect(List.of(r1)),
                new RouterActor.Connect(List.of()),
                new RouterActor.Tick(123_456_789L, net),
                new NetworkActor.RunUntil(Long.MAX_VALUE, waiter),
                new NetworkActor.Finished(42L),
                new NetworkActor.TickDone(3, 1_000L, new int[] {0, 2}, new long[] {5L, Long.MAX_VALUE}, 7, 6, 1),
                new NetworkActor.ControlDone(9));
    }

    private List<Object> messages() {
        return controlMessages(kit.<NetworkActor.Command>createTestProbe().getRef(),
                kit.<RouterActor.Command>createTestProbe().getRef(), kit.<RouterActor.Command>createTestProbe().getRef(),
                kit.<NetworkActor.Finished>createTestProbe().getRef());
    }

    @Test
    void shouldPickTheKryoSerializerForEveryControlMessage() {
        for (Object m : messages()) {
            assertThat(serialization.findSerializerFor(m)).as(m.getClass().getName())
                    .isInstanceOf(ControlSerializer.class);
        }
    }

    @Test
    void shouldRoundTripEveryControlMessageWithItsActorRefs() throws Exception {
        for (Object m : messages()) {
            Object back = TestSystems.roundTrip(serialization, m);
            if (m instanceof NetworkActor.TickDone t) {
                NetworkActor.TickDone b = (NetworkActor.TickDone) back;
                assertThat(b.router()).isEqualTo(t.router());
                assertThat(b.nextEvent()).isEqualTo(t.nextEvent());
                assertThat(b.dests()).containsExactly(t.dests());
                assertThat(b.firstArrival()).containsExactly(t.firstArrival());
                assertThat(List.of(b.processed(), b.delivered(), b.dropped()))
                        .isEqualTo(List.of(t.processed(), t.delivered(), t.dropped()));
            } else {
                assertThat(back).as(m.getClass().getName()).isEqualTo(m);
            }
        }
    }

    @Test
    void shouldDeliverToTheRefThatCameBack() throws Exception {
        var probe = kit.<NetworkActor.Finished>createTestProbe();
        NetworkActor.RunUntil r = (NetworkActor.RunUntil) TestSystems.roundTrip(serialization,
                new NetworkActor.RunUntil(5, probe.getRef()));
        r.replyTo().tell(new NetworkActor.Finished(5));
        probe.expectMessage(new NetworkActor.Finished(5));
    }

    @Test
    void shouldRefuseAControlMessageThatIsNotRegistered() {
        Unlisted m = new Unlisted("x");
        assertThat(serialization.findSerializerFor(m)).isInstanceOf(ControlSerializer.class);
        assertThatThrownBy(() -> serialization.findSerializerFor(m).toBinary(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Unlisted.class.getName())
                .hasMessageContaining("ControlRegistry");
    }

    @Test
    void shouldUseRegistrationsFromConfiguration() throws Exception {
        Configured m = new Configured(List.of("a", "b", "c"), -1);
        assertThat(TestSystems.roundTrip(serialization, m)).isEqualTo(m);
    }

    @Test
    void shouldRejectConfiguredIdsInTheReservedRange() {
        assertThatThrownBy(() -> new ControlSerializer(() -> null,
                java.util.Map.of(Configured.class.getName(), 150), getClass().getClassLoader()))
                .hasMessageContaining("id 150").hasMessageContaining("reserved");
        assertThatThrownBy(() -> new ControlSerializer(() -> null,
                java.util.Map.of("no.such.Clazz", 1001), getClass().getClassLoader()))
                .hasMessageContaining("no class no.such.Clazz");
    }

    @Test
    void shouldReportBytesFromAnotherRegistryClearly() {
        ControlSerializer s = (ControlSerializer) serialization.findSerializerFor(new NetworkActor.Finished(1));
        assertThatThrownBy(() -> s.fromBinary(new byte[] {(byte) 0xF0, 0x7F, 1}, ""))
                .isInstanceOf(java.io.NotSerializableException.class)
                .hasMessageContaining("different ControlRegistry");
    }

    @Test
    void shouldGiveEveryThreadCorrectResultsFromThePools() throws Exception {
        ControlSerializer s = (ControlSerializer) serialization.findSerializerFor(new NetworkActor.Finished(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long v = (long) seed * 1_000_000 + i;
                        NetworkActor.TickDone m = new NetworkActor.TickDone(seed, v, new int[] {seed, i},
                                new long[] {v, -v}, i, seed, v);
                        NetworkActor.TickDone b = (NetworkActor.TickDone) s.fromBinary(s.toBinary(m), "");
                        if (b.nextEvent() != v || b.dests()[1] != i || b.firstArrival()[1] != -v
                                || b.router() != seed || b.dropped() != v) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldKeepDataPlaneMessagesOffKryo() {
        assertThat(serialization.findSerializerFor(new RouterActor.Deliver(PacketBatch.getDefaultInstance())))
                .isInstanceOf(PacketSerializer.class);
        assertThat(serialization.findSerializerFor(PacketBatch.getDefaultInstance()))
                .isInstanceOf(PacketSerializer.class);
        assertThat(serialization.findSerializerFor(PacketSerializerTest.packet(1)))
                .isInstanceOf(PacketSerializer.class);
    }
}
