package io.lwtemu.node.actor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.FrameBatch;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.serialization.LocalOnlyMessage;
import io.lwtemu.proto.PacketBatch;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * One router as an actor. It owns its {@link Router} (FIB, pipeline, BPF runtime) and is the only thread that
 * touches it. Per tick it processes every event before the tick's end, batches the packets it sent per
 * neighbour into one {@link Deliver} each, and reports to the {@link NetworkActor} with the earliest time it or
 * its neighbours have work (its own queue, or the arrival of a packet it just sent).
 */
public final class RouterActor extends AbstractBehavior<RouterActor.Command> {

    public interface Command {}

    /** The actors of all routers, indexed like {@link io.lwtemu.node.net.Network#routers()}. */
    public record Connect(List<ActorRef<Command>> routers) implements Command, ControlMessage {}

    /**
     * Packets from a neighbour, each tagged with the ifindex it arrives on. In one JVM the batch goes over as is
     * (no protobuf message per packet); PacketSerializer writes it as a protobuf {@link PacketBatch}.
     */
    public record Deliver(FrameBatch batch) implements Command {
        public Deliver(PacketBatch batch) {
            this(FrameBatch.of(batch));
        }
    }

    /** Process events before {@code until}, then answer {@link NetworkActor.TickDone}. */
    public record Tick(long until, ActorRef<NetworkActor.Command> replyTo) implements Command, ControlMessage {}

    /** Runs control code on the router's thread (link changes, route changes, inspection). */
    public record Control(Consumer<Router> action, ActorRef<NetworkActor.Command> replyTo)
            implements Command, LocalOnlyMessage {}

    public static Behavior<Command> create(Router router) {
        return Behaviors.setup(ctx -> new RouterActor(ctx, router));
    }

    private static final int[] NO_DESTS = new int[0];
    private static final long[] NO_ARRIVALS = new long[0];

    private final Router router;
    private List<ActorRef<Command>> peers = List.of();
    private FrameBatch[] outgoing = new FrameBatch[0];
    /** Per neighbour: the batch it has delivered and handed back, for reuse (see FrameBatch#release). */
    private AtomicReferenceArray<FrameBatch>[] spare = newHomes(0);
    private int[] touched = new int[0];
    private int touchedCount;
    /** Per neighbour: earliest arrival among the packets sent to it this tick. */
    private long[] minArrival = new long[0];

    private RouterActor(ActorContext<Command> ctx, Router router) {
        super(ctx);
        this.router = router;
        router.setFrameTransport(this::send);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Connect.class, this::onConnect)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Tick.class, this::onTick)
                .onMessage(Control.class, this::onControl)
                .build();
    }

    private Behavior<Command> onConnect(Connect c) {
        peers = c.routers();
        outgoing = new FrameBatch[peers.size()];
        spare = newHomes(peers.size());
        touched = new int[peers.size()];
        minArrival = new long[peers.size()];
        java.util.Arrays.fill(minArrival, Long.MAX_VALUE);
        return this;
    }

    @SuppressWarnings("unchecked")
    private static AtomicReferenceArray<FrameBatch>[] newHomes(int n) {
        AtomicReferenceArray<FrameBatch>[] homes = new AtomicReferenceArray[n];
        for (int i = 0; i < n; i++) {
            homes[i] = FrameBatch.newHome();
        }
        return homes;
    }

    private Behavior<Command> onDeliver(Deliver d) {
        FrameBatch b = d.batch();
        b.deliverTo(router);
        b.release();
        return this;
    }

    private Behavior<Command> onTick(Tick t) {
        router.runUntil(t.until());
        int n = touchedCount;
        // Hosts at the edge of a quiet network send nothing in most ticks: share the empty arrays then.
        int[] dests = n == 0 ? NO_DESTS : new int[n];
        long[] firstArrival = n == 0 ? NO_ARRIVALS : new long[n];
        for (int i = 0; i < n; i++) {
            dests[i] = touched[i];
            firstArrival[i] = minArrival[touched[i]];
            minArrival[touched[i]] = Long.MAX_VALUE;
        }
        flush();
        t.replyTo().tell(new NetworkActor.TickDone(router.index, router.nextEventTime(), dests, firstArrival,
                router.processed(), router.deliveredTotal(), router.droppedTotal()));
        return this;
    }

    private Behavior<Command> onControl(Control c) {
        c.action().accept(router);
        c.replyTo().tell(new NetworkActor.ControlDone(router.index));
        return this;
    }

    private void send(Router to, int toPort, Frame f) {
        int idx = to.index;
        FrameBatch b = outgoing[idx];
        if (b == null) {
            // A batch the neighbour handed back (it has delivered it), or a new one.
            b = FrameBatch.take(spare[idx]);
            outgoing[idx] = b;
            touched[touchedCount++] = idx;
        }
        b.add(f);
        if (f.arriveAtNs < minArrival[idx]) {
            minArrival[idx] = f.arriveAtNs;
        }
    }

    /** Sends this tick's batches; they reach each neighbour's mailbox before the next Tick does. */
    private void flush() {
        for (int i = 0; i < touchedCount; i++) {
            int idx = touched[i];
            peers.get(idx).tell(new Deliver(outgoing[idx]));
            outgoing[idx] = null;
        }
        touchedCount = 0;
    }
}
