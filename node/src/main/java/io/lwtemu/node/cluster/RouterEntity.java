package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.serialization.RouterSnapshot;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One router of a cluster run, on the member that hosts it: a Cluster Sharding entity (automatic placement) or a
 * child of the member's {@link MemberHost} (explicit placement). It builds its {@link Router} from the member's
 * copy of the topology and runs it tick by tick for the {@link ClusterRunActor}.
 *
 * <p>The time protocol across members: batches carry the sender's index, incarnation and a sequence number per
 * receiver, and every {@link TickDone} tells the coordinator how far each receiver's sequence went. A {@link Tick}
 * names, per sender, the last sequence number the router must have taken in before it may run, so a batch still
 * on the wire to another JVM can never be overtaken by the next tick. Batches of a sender's earlier incarnation
 * (a router lost with its member) are discarded: the coordinator counts their packets as {@code member_down}.
 */
public final class RouterEntity extends AbstractBehavior<RouterEntity.Command> {

    public interface Command {}

    /**
     * Each run has its own entity type, so its routers are balanced among themselves (shards of earlier runs,
     * left allocated and empty, do not count) and a member that joins is given routers of the run going on.
     */
    public static EntityTypeKey<Command> type(String runId) {
        return EntityTypeKey.create(Command.class, "lwtemu-router-" + runId);
    }

    /**
     * Build router {@code router} of run {@code runId} here (incarnation 0), or restart it (incarnation > 0) at
     * emulated time {@code nowNs} with its pinned maps from the last snapshot; answered by
     * {@link ClusterRunActor.Hello}.
     */
    public record Start(String runId, String router, int incarnation, long nowNs, RouterSnapshot snapshot,
            ActorRef<ClusterRunActor.Command> coordinator) implements Command, ControlMessage {}

    /** The actors of all routers by index, and their incarnations (-1: down, send nothing, expect nothing). */
    public record Peers(List<ActorRef<Command>> routers, int[] incarnations) implements Command, ControlMessage {}

    /** Packets from router {@code from}: its {@code seq}-th batch to this router in this pair of incarnations. */
    public record Batch(int from, int incarnation, int seq, PacketBatch batch) implements Command {}

    /**
     * Run events before {@code until} once the batches up to {@code seqs[i]} from router {@code senders[i]} are in.
     * {@code snapshot}: attach the pinned maps; {@code census}: attach the packets on their way to this router.
     */
    public record Tick(long round, long until, int[] senders, int[] seqs, boolean snapshot, boolean census)
            implements Command, ControlMessage {}

    /** Answers a {@link ClusterRunActor.RouterReport} with every counter and the packets still in flight here. */
    public record Collect() implements Command, ControlMessage {}

    /** The run is over. */
    public record Stop() implements Command, ControlMessage {}

    /** Cluster Sharding moves this entity (member leaving, rebalance): tell the coordinator, then stop. */
    public record HandOff() implements Command, ControlMessage {}

    private record RetryStart(Start start) implements Command {}

    private static final Duration RETRY = Duration.ofMillis(100);

    public static Behavior<Command> create(String memberAddress, java.util.function.Consumer<String> log) {
        return Behaviors.withStash(10_000, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new Waiting(ctx, stash, timers, memberAddress, log))));
    }

    /** Before {@link Start}: everything else waits in the stash. */
    private static final class Waiting extends AbstractBehavior<Command> {
        private final StashBuffer<Command> stash;
        private final akka.actor.typed.javadsl.TimerScheduler<Command> timers;
        private final String member;
        private final java.util.function.Consumer<String> log;

        Waiting(ActorContext<Command> ctx, StashBuffer<Command> stash,
                akka.actor.typed.javadsl.TimerScheduler<Command> timers, String member,
                java.util.function.Consumer<String> log) {
            super(ctx);
            this.stash = stash;
            this.timers = timers;
            this.member = member;
            this.log = log;
        }

        @Override
        public Receive<Command> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Start.class, this::onStart)
                    .onMessage(RetryStart.class, r -> onStart(r.start()))
                    .onMessage(HandOff.class, h -> Behaviors.stopped())
                    .onMessage(Stop.class, s -> Behaviors.stopped())
                    .onAnyMessage(m -> {
                        stash.stash(m);
                        return this;
                    })
                    .build();
        }

        private Behavior<Command> onStart(Start s) {
            LocalRun run = LocalRun.find(member, s.runId());
            if (run == null) {
                // The coordinator has not prepared this member yet (it just joined): try again shortly.
                timers.startSingleTimer(new RetryStart(s), RETRY);
                return this;
            }
            Router router = run.router(s.router(), s.nowNs());
            if (s.snapshot() != null) {
                try {
                    s.snapshot().restoreInto(router);
                } catch (IllegalArgumentException e) {
                    log.accept(router.name + ": pinned maps not restored: " + e.getMessage());
                }
            }
            log.accept("hosting router " + s.router() + (s.incarnation() > 0 ? " (restarted, incarnation "
                    + s.incarnation() + ")" : ""));
            RouterEntity running = new RouterEntity(getContext(), run, router, s, log);
            s.coordinator().tell(new ClusterRunActor.Hello(router.index, s.incarnation(), getContext().getSelf(),
                    member, router.nextEventTime()));
            return stash.unstashAll(running);
        }
    }

    private final LocalRun run;
    private final Router router;
    private final int index;
    private final int incarnation;
    private final ActorRef<ClusterRunActor.Command> coordinator;
    private final java.util.function.Consumer<String> log;
    private final int n;
    private List<ActorRef<Command>> peers = List.of();
    private int[] peerIncarnation;
    /** Per sender: batches received and not yet taken in; sequence number taken in so far. */
    private final ArrayDeque<Batch>[] inbox;
    private final int[] takenSeq;
    /** Per receiver: batches sent in the current pair of incarnations. */
    private final int[] sentSeq;
    private final PacketBatch.Builder[] outgoing;
    private final long[] minArrival;
    private final int[] touched;
    private int touchedCount;
    private Tick waiting;
    private long lastRound = -1;
    private long[] lastVector = new long[0];

    @SuppressWarnings("unchecked")
    private RouterEntity(ActorContext<Command> ctx, LocalRun run, Router router, Start s,
            java.util.function.Consumer<String> log) {
        super(ctx);
        this.run = run;
        this.router = router;
        this.index = router.index;
        this.incarnation = s.incarnation();
        this.coordinator = s.coordinator();
        this.log = log;
        this.n = run.routerCount();
        this.peerIncarnation = new int[n];
        this.inbox = new ArrayDeque[n];
        for (int i = 0; i < n; i++) {
            inbox[i] = new ArrayDeque<>();
        }
        this.takenSeq = new int[n];
        this.sentSeq = new int[n];
        this.outgoing = new PacketBatch.Builder[n];
        this.minArrival = new long[n];
        Arrays.fill(minArrival, Long.MAX_VALUE);
        this.touched = new int[n];
        router.setTransport(this::send);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Peers.class, this::onPeers)
                .onMessage(Batch.class, this::onBatch)
                .onMessage(Tick.class, this::onTick)
                .onMessage(Collect.class, this::onCollect)
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onMessage(HandOff.class, this::onHandOff)
                .onMessage(Start.class, s -> this)
                .onMessage(RetryStart.class, s -> this)
                .build();
    }

    private Behavior<Command> onPeers(Peers p) {
        peers = p.routers();
        for (int s = 0; s < n; s++) {
            int inc = p.incarnations()[s];
            if (inc != peerIncarnation[s]) {
                // A new incarnation (or down): sequence numbers start again in both directions.
                peerIncarnation[s] = inc;
                takenSeq[s] = 0;
                sentSeq[s] = 0;
                inbox[s].removeIf(b -> b.incarnation() != inc);
            }
        }
        tryTick();
        return this;
    }

    private Behavior<Command> onBatch(Batch b) {
        if (b.from() < 0 || b.from() >= n) {
            return this;
        }
        inbox[b.from()].add(b);
        if (waiting != null) {
            tryTick();
        }
        return this;
    }

    private Behavior<Command> onTick(Tick t) {
        if (t.round() <= lastRound) {
            return this; // stale (sent to an earlier incarnation before a restart)
        }
        waiting = t;
        tryTick();
        return this;
    }

    /** Takes in the announced batches; runs the tick once all of them are here. */
    private void tryTick() {
        Tick t = waiting;
        if (t == null) {
            return;
        }
        for (int i = 0; i < t.senders().length; i++) {
            int s = t.senders()[i];
            if (peerIncarnation[s] < 0) {
                continue; // lost: its batches are counted by the coordinator
            }
            ArrayDeque<Batch> q = inbox[s];
            while (takenSeq[s] < t.seqs()[i]) {
                Batch b = q.peek();
                if (b == null) {
                    return; // still on the wire
                }
                if (b.incarnation() != peerIncarnation[s]) {
                    q.poll();
                    continue;
                }
                q.poll();
                takeIn(b.batch());
                takenSeq[s] = b.seq();
            }
        }
        waiting = null;
        lastRound = t.round();
        runTick(t);
    }

    private void takeIn(PacketBatch b) {
        for (int i = 0, c = b.getPacketsCount(); i < c; i++) {
            Packet p = b.getPackets(i);
            Port port = router.port(p.getIngressIfindex());
            port.arrive(p);
        }
    }

    private void runTick(Tick t) {
        long[] census = null;
        if (t.census()) {
            census = new long[run.flowSlots()];
            router.countInFlightTowards(census);
        }
        router.runUntil(t.until());
        int c = touchedCount;
        int[] dests = new int[c];
        long[] firstArrival = new long[c];
        int[] seqs = new int[c];
        for (int i = 0; i < c; i++) {
            int d = touched[i];
            dests[i] = d;
            firstArrival[i] = minArrival[d];
            minArrival[d] = Long.MAX_VALUE;
            PacketBatch.Builder b = outgoing[d];
            seqs[i] = ++sentSeq[d];
            if (peerIncarnation[d] >= 0) {
                peers.get(d).tell(new Batch(index, incarnation, seqs[i], b.build()));
            }
            b.clear();
        }
        touchedCount = 0;
        long[] v = router.flows().toVector();
        int changed = 0;
        for (int i = 0; i < v.length; i++) {
            if (i >= lastVector.length ? v[i] != 0 : v[i] != lastVector[i]) {
                changed++;
            }
        }
        int[] idx = new int[changed];
        long[] val = new long[changed];
        for (int i = 0, k = 0; i < v.length; i++) {
            if (i >= lastVector.length ? v[i] != 0 : v[i] != lastVector[i]) {
                idx[k] = i;
                val[k++] = v[i];
            }
        }
        lastVector = v;
        coordinator.tell(new ClusterRunActor.TickDone(index, incarnation, t.round(), router.nextEventTime(), dests,
                firstArrival, seqs, router.processed(), router.deliveredTotal(), router.droppedTotal(), idx, val,
                census, t.snapshot() ? RouterSnapshot.capture(router) : null));
    }

    private void send(Router to, int toPort, Packet p) {
        int d = to.index;
        PacketBatch.Builder b = outgoing[d];
        if (b == null) {
            b = PacketBatch.newBuilder();
            outgoing[d] = b;
        }
        if (b.getPacketsCount() == 0) {
            touched[touchedCount++] = d;
        }
        b.addPackets(p);
        if (p.getArriveAtNs() < minArrival[d]) {
            minArrival[d] = p.getArriveAtNs();
        }
    }

    private Behavior<Command> onCollect(Collect c) {
        List<long[]> devices = new ArrayList<>();
        PacketBatch.Builder inFlight = PacketBatch.newBuilder();
        for (NetDevice d : router.devices().all()) {
            Port p = router.port(d.ifindex);
            devices.add(new long[] {d.ifindex, d.mtu(), d.isUp() ? 1 : 0, d.rxPackets, d.rxBytes, d.rxDropped,
                d.txPackets, d.txBytes, d.txDropped, p == null ? 0 : p.out.queueDrops});
            if (p != null) {
                for (Packet pkt : p.inFlightPackets()) {
                    inFlight.addPackets(pkt);
                }
            }
        }
        coordinator.tell(new ClusterRunActor.RouterReport(index, incarnation, router.flows().toVector(),
                router.deviceOutcomes().toVector(), devices, inFlight.build().toByteArray(), router.lost(),
                run.experimentLedger(router)));
        return this;
    }

    private Behavior<Command> onHandOff(HandOff h) {
        coordinator.tell(new ClusterRunActor.Leaving(index, incarnation));
        return Behaviors.stopped();
    }
}
