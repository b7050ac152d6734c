package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.lwtemu.node.serialization.ControlMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One member's end of a cluster run's clock. The coordinator sends it one {@link Ticks} per round with the
 * {@link RouterEntity.Tick}s of every router this member hosts, and it answers with one
 * {@link ClusterRunActor.TicksDone} carrying all their TickDones: two remote messages per member and round instead
 * of two per router, which is what a round costs the coordinator's and the members' Artery threads. New
 * peers of the routers ({@link Relay}) take the same path, so a router sees them in the order the coordinator
 * sent them (new peers before the next tick).
 *
 * <p>Routers register here when they start ({@link Register}); a message for an incarnation not registered yet
 * waits for it, one for an earlier incarnation is dropped.
 */
public final class MemberTicker extends AbstractBehavior<MemberTicker.Command> {

    public interface Command {}

    /** The ticks of round {@code round}: {@code ticks[k]} for router {@code routers[k]} (incarnation). */
    public record Ticks(long round, int[] routers, int[] incarnations, List<RouterEntity.Tick> ticks,
            ActorRef<ClusterRunActor.Command> replyTo) implements Command, ControlMessage {}

    /** Passes the new {@code peers} on to routers {@code routers} (incarnations), in order with the ticks. */
    public record Relay(int[] routers, int[] incarnations, RouterEntity.Peers peers)
            implements Command, ControlMessage {}

    /** A router of the run started on this member. */
    record Register(int router, int incarnation, ActorRef<RouterEntity.Command> ref) implements Command {}

    /** A router of this member finished its tick. */
    record Done(ClusterRunActor.TickDone done) implements Command {}

    private record Gone(int router, int incarnation) implements Command {}

    private record Local(int incarnation, ActorRef<RouterEntity.Command> ref) {}

    private record Waiting(int incarnation, RouterEntity.Command message) {}

    static Behavior<Command> create() {
        return Behaviors.setup(MemberTicker::new);
    }

    private final Map<Integer, Local> routers = new HashMap<>();
    /** Per router the latest incarnation that stopped here: ticks for it are not waited for. */
    private final Map<Integer, Integer> stopped = new HashMap<>();
    private final Map<Integer, List<Waiting>> waiting = new HashMap<>();

    private long round = -1;
    private ActorRef<ClusterRunActor.Command> replyTo;
    private final Map<Integer, Integer> awaited = new HashMap<>();
    private final List<ClusterRunActor.TickDone> done = new ArrayList<>();

    private MemberTicker(ActorContext<Command> ctx) {
        super(ctx);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Ticks.class, this::onTicks)
                .onMessage(Relay.class, this::onRelay)
                .onMessage(Register.class, this::onRegister)
                .onMessage(Done.class, this::onDone)
                .onMessage(Gone.class, this::onGone)
                .build();
    }

    private Behavior<Command> onTicks(Ticks t) {
        if (!awaited.isEmpty()) {
            reply(); // routers of the last round that never answered (lost): the coordinator withdrew them
        }
        round = t.round();
        replyTo = t.replyTo();
        done.clear();
        for (int k = 0; k < t.routers().length; k++) {
            int r = t.routers()[k];
            int inc = t.incarnations()[k];
            if (stopped.getOrDefault(r, -1) >= inc) {
                continue; // stopped before its tick came (moved off): the coordinator withdraws it
            }
            awaited.put(r, inc);
            deliver(r, inc, t.ticks().get(k));
        }
        return this;
    }

    private Behavior<Command> onRelay(Relay r) {
        for (int k = 0; k < r.routers().length; k++) {
            deliver(r.routers()[k], r.incarnations()[k], r.peers());
        }
        return this;
    }

    private void deliver(int router, int incarnation, RouterEntity.Command message) {
        Local l = routers.get(router);
        if (l != null && l.incarnation() == incarnation) {
            l.ref().tell(message);
        } else if (l == null || l.incarnation() < incarnation) {
            waiting.computeIfAbsent(router, k -> new ArrayList<>()).add(new Waiting(incarnation, message));
        }
    }

    private Behavior<Command> onRegister(Register r) {
        routers.put(r.router(), new Local(r.incarnation(), r.ref()));
        getContext().watchWith(r.ref(), new Gone(r.router(), r.incarnation()));
        List<Waiting> w = waiting.remove(r.router());
        if (w != null) {
            for (Waiting m : w) {
                deliver(r.router(), m.incarnation(), m.message());
            }
        }
        return this;
    }

    private Behavior<Command> onDone(Done d) {
        ClusterRunActor.TickDone td = d.done();
        Integer inc = awaited.get(td.router());
        if (td.round() != round || inc == null || inc != td.incarnation()) {
            replyTo.tell(new ClusterRunActor.TicksDone(List.of(td))); // not of this round: the coordinator judges
            return this;
        }
        awaited.remove(td.router());
        done.add(td);
        if (awaited.isEmpty()) {
            reply();
        }
        return this;
    }

    private Behavior<Command> onGone(Gone g) {
        stopped.merge(g.router(), g.incarnation(), Math::max);
        Local l = routers.get(g.router());
        if (l != null && l.incarnation() == g.incarnation()) {
            routers.remove(g.router());
        }
        Integer inc = awaited.get(g.router());
        if (inc != null && inc == g.incarnation()) {
            awaited.remove(g.router());
            if (awaited.isEmpty()) {
                reply();
            }
        }
        return this;
    }

    private void reply() {
        awaited.clear();
        if (!done.isEmpty()) {
            replyTo.tell(new ClusterRunActor.TicksDone(List.copyOf(done)));
            done.clear();
        }
    }
}
