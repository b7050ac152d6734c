package io.lwtemu.node.actor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.serialization.LocalOnlyMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Spawns one {@link RouterActor} per router, wires them, and drives emulated time: a tick may be as long as the
 * shortest link delay (a packet sent in a tick cannot arrive in it), all routers run the tick in parallel, and
 * the next tick starts at the earliest pending event anywhere (idle time is skipped). Conservative synchronous
 * simulation: the result equals the sequential {@link Network#runUntil} exactly.
 *
 * <p>Local provider: a router's {@code Deliver} to a neighbour is enqueued before its {@code TickDone}, so it is
 * in the neighbour's mailbox before the next {@code Tick}. That holds only in one JVM; a run across cluster
 * members goes through {@link io.lwtemu.node.cluster.ClusterRunActor}, whose ticks name the batches a router
 * must have received before it may run.
 */
public final class NetworkActor extends AbstractBehavior<NetworkActor.Command> {

    public interface Command {}

    /** Router actors run on lwtemu.router-dispatcher (lwtemu-node.conf) when configured. */
    private static final akka.actor.typed.DispatcherSelector DISPATCHER =
            akka.actor.typed.DispatcherSelector.fromConfig("lwtemu.router-dispatcher");

    /** Run until emulated time {@code untilNs}; answers {@link Finished}. */
    public record RunUntil(long untilNs, ActorRef<Finished> replyTo) implements Command, ControlMessage {}

    public record Finished(long emulatedNs) implements ControlMessage {}

    /**
     * A router finished a tick: {@code nextEvent} is the earliest event in its own queues, and
     * {@code firstArrival[i]} the earliest arrival among the packets it sent to router {@code dests[i]}.
     */
    public record TickDone(int router, long nextEvent, int[] dests, long[] firstArrival, long processed,
            long delivered, long dropped) implements Command, ControlMessage {}

    /** Runs {@code action} on router {@code name}'s thread; answers {@link Finished} with the current time. */
    public record ControlRouter(String name, Consumer<Router> action, ActorRef<Finished> replyTo)
            implements Command, LocalOnlyMessage {}

    public record ControlDone(int router) implements Command, ControlMessage {}

    public static Behavior<Command> create(Network net, RunProgress progress) {
        return Behaviors.setup(ctx -> new NetworkActor(ctx, net, progress));
    }

    private final Network net;
    private final RunProgress progress;
    private final List<ActorRef<RouterActor.Command>> routers = new ArrayList<>();
    private final long[] processed;
    private final long[] delivered;
    private final long[] dropped;
    private final long lookahead;
    private long now;
    private long until;
    private long tickEnd;
    private int pending;
    /** Per router: earliest event in its own queues as of its last tick, and earliest packet sent to it since. */
    private final long[] own;
    private final long[] incoming;
    private boolean flushing;
    private boolean actionTick;
    private ActorRef<Finished> waiting;
    private ActorRef<Finished> controlWaiting;

    private NetworkActor(ActorContext<Command> ctx, Network net, RunProgress progress) {
        super(ctx);
        this.net = net;
        this.progress = progress;
        this.lookahead = net.lookahead();
        List<Router> rs = net.routers();
        for (Router r : rs) {
            routers.add(ctx.spawn(RouterActor.create(r), "router-" + r.name, DISPATCHER));
        }
        for (ActorRef<RouterActor.Command> ref : routers) {
            ref.tell(new RouterActor.Connect(List.copyOf(routers)));
        }
        this.processed = new long[rs.size()];
        this.delivered = new long[rs.size()];
        this.dropped = new long[rs.size()];
        this.own = new long[rs.size()];
        this.incoming = new long[rs.size()];
        java.util.Arrays.fill(incoming, Long.MAX_VALUE);
        this.now = net.now();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(RunUntil.class, this::onRunUntil)
                .onMessage(TickDone.class, this::onTickDone)
                .onMessage(ControlRouter.class, this::onControlRouter)
                .onMessage(ControlDone.class, this::onControlDone)
                .build();
    }

    private Behavior<Command> onRunUntil(RunUntil r) {
        if (waiting != null) {
            throw new IllegalStateException("a run is already in progress");
        }
        waiting = r.replyTo();
        until = r.untilNs();
        // Nothing runs between runs, so the routers' own queues are exact here.
        List<Router> rs = net.routers();
        for (int i = 0; i < own.length; i++) {
            own[i] = rs.get(i).nextEventTime();
        }
        startTick(nextEvent());
        return this;
    }

    private void startTick(long next) {
        long action = net.nextActionTime();
        if (action <= next && action < until) {
            // Run everything before the action, apply it between ticks, then go on.
            flushing = false;
            actionTick = true;
            tickEnd = Math.max(action, now);
            sendTick();
            return;
        }
        actionTick = false;
        if (next >= until) {
            // Last round: routers take in the batches still in their mailboxes and move their clocks to the end.
            flushing = true;
            tickEnd = until;
        } else {
            flushing = false;
            tickEnd = Math.min(Math.min(until, action), Math.max(next, now) + lookahead);
        }
        sendTick();
    }

    /** Ticks only the routers with work before the tick's end (all of them in the final round). */
    private void sendTick() {
        pending = 0;
        RouterActor.Tick tick = new RouterActor.Tick(tickEnd, getContext().getSelf());
        for (int i = 0; i < routers.size(); i++) {
            if (flushing || Math.min(own[i], incoming[i]) < tickEnd) {
                incoming[i] = Long.MAX_VALUE;
                pending++;
                routers.get(i).tell(tick);
            }
        }
        if (pending == 0) {
            // Only an action is due: nothing to run before it.
            getContext().getSelf().tell(new TickDone(-1, 0, new int[0], new long[0], 0, 0, 0));
            pending = 1;
        }
    }

    private long nextEvent() {
        long t = Long.MAX_VALUE;
        for (int i = 0; i < own.length; i++) {
            t = Math.min(t, Math.min(own[i], incoming[i]));
        }
        return t;
    }

    private Behavior<Command> onTickDone(TickDone d) {
        if (d.router() >= 0) {
            own[d.router()] = d.nextEvent();
            for (int i = 0; i < d.dests().length; i++) {
                int r = d.dests()[i];
                incoming[r] = Math.min(incoming[r], d.firstArrival()[i]);
            }
            processed[d.router()] = d.processed();
            delivered[d.router()] = d.delivered();
            dropped[d.router()] = d.dropped();
        }
        if (--pending > 0) {
            return this;
        }
        now = tickEnd;
        net.advancedTo(now);
        publish();
        if (actionTick) {
            // No router runs between ticks; the next Tick message publishes the change to them.
            net.applyActions(now);
        }
        if (flushing) {
            ActorRef<Finished> w = waiting;
            waiting = null;
            w.tell(new Finished(now));
            return this;
        }
        startTick(nextEvent());
        return this;
    }

    private void publish() {
        long p = 0;
        long dl = 0;
        long dr = 0;
        for (int i = 0; i < processed.length; i++) {
            p += processed[i];
            dl += delivered[i];
            dr += dropped[i];
        }
        progress.processed = p;
        progress.delivered = dl;
        progress.dropped = dr;
        progress.emulatedNs = now;
        progress.ticks++;
    }

    private Behavior<Command> onControlRouter(ControlRouter c) {
        Router r = net.router(c.name());
        if (r == null || waiting != null) {
            c.replyTo().tell(new Finished(now));
            return this;
        }
        controlWaiting = c.replyTo();
        routers.get(r.index).tell(new RouterActor.Control(c.action(), getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onControlDone(ControlDone d) {
        if (controlWaiting != null) {
            controlWaiting.tell(new Finished(now));
            controlWaiting = null;
        }
        return this;
    }
}
