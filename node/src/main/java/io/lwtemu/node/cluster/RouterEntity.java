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
     * One entity type for the routers of every run, started once per member (so runs leave no shard coordinator
     * behind). A router's shard is its name ({@link #shardOf}); {@link BalancedByCount} counts only the shards of
     * runs going on, so earlier runs' empty shards do not skew placement.
     */
    public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "lwtemu-router");

    /** The entity id of router {@code router} of run {@code runId}. */
    public static String entityId(String runId, String router) {
        return runId + "|" + router;
    }

    /** The shard of an entity: its router's name (reused by later runs with the same names). */
    static String shardOf(String entityId) {
        return entityId.substring(entityId.indexOf('|') + 1);
    }

    /**
     * Build router {@code router} of run {@code runId} here (incarnation 0), or restart it (incarnation > 0) at
     * emulated time {@code nowNs} with its pinned maps from the last snapshot; answered by
     * {@link ClusterRunActor.Hello}.
     */
    public record Start(String runId, String router, int incarnation, long nowNs, RouterSnapshot snapshot,
            ActorRef<ClusterRunActor.Command> coordinator, Handover handover) implements Command, ControlMessage {}

    /**
     * What a router moved off its member (leave, rebalance) hands to its next incarnation besides its pinned maps:
     * the packets on their way to it (a serialized PacketBatch), its interface counters (rows of
     * {@link #devices}) and its per-interface outcome counters, so the move loses nothing and its report goes on
     * where it was. Snapshot rounds report the counters alone ({@code packets} null): a router restarted after a
     * crash goes on from those.
     */
    public record Handover(byte[] packets, List<long[]> devices, long[] deviceOutcomes)
            implements ControlMessage {}

    /** The actors of all routers by index, and their incarnations (-1: down, send nothing, expect nothing). */
    public record Peers(List<ActorRef<Command>> routers, int[] incarnations) implements Command, ControlMessage {}

    /**
     * Packets from router {@code from}: its {@code seq}-th batch to this router in this pair of incarnations. Within
     * a member the batch object itself is passed (and handed back after delivery); to another member it travels
     * as a protobuf PacketBatch ({@link BatchSerializer}).
     */
    public record Batch(int from, int incarnation, int seq, LinkBatch batch) implements Command {}

    /**
     * Run events before {@code until} once the batches up to {@code seqs[i]} from router {@code senders[i]} are in.
     * {@code snapshot}: attach the pinned maps; {@code census}: attach the packets on their way to this router.
     */
    public record Tick(long round, long until, int[] senders, int[] seqs, boolean snapshot, boolean census,
            boolean handOver) implements Command, ControlMessage {

        /** The same tick, after which the router hands itself over ({@link Handover} in its TickDone) and stops. */
        Tick handingOver() {
            return new Tick(round, until, senders, seqs, snapshot, census, true);
        }
    }

    /** Answers a {@link ClusterRunActor.RouterReport} with every counter and the packets still in flight here. */
    public record Collect() implements Command, ControlMessage {}

    /** The run is over. */
    public record Stop() implements Command, ControlMessage {}

    /**
     * Cluster Sharding moves this entity (member leaving, rebalance): it tells the coordinator, goes on until the
     * coordinator's next census round, which asks it to hand itself over, and stops after that (or after
     * {@link #HANDOFF_LIMIT} without a census round: the run is over or its coordinator gone).
     */
    public record HandOff() implements Command, ControlMessage {}

    private record HandOffLimit() implements Command {}

    private static final Duration HANDOFF_LIMIT = Duration.ofSeconds(20);

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
            if (s.handover() != null) {
                takeOver(router, s.handover(), log);
            }
            log.accept("hosting router " + s.router() + (s.incarnation() > 0 ? " (restarted, incarnation "
                    + s.incarnation() + ")" : ""));
            RouterEntity running = new RouterEntity(getContext(), timers, run, router, s, log);
            run.ticker.tell(new MemberTicker.Register(router.index, s.incarnation(), getContext().getSelf()));
            s.coordinator().tell(new ClusterRunActor.Hello(router.index, s.incarnation(), getContext().getSelf(),
                    member, router.nextEventTime()));
            return stash.unstashAll(running);
        }
    }

    /** Puts a moved router's packets, interface counters and outcome counters into its new incarnation. */
    private static void takeOver(Router router, Handover h, java.util.function.Consumer<String> log) {
        try {
            if (h.packets() != null) {
                for (Packet p : PacketBatch.parseFrom(h.packets()).getPacketsList()) {
                    router.port(p.getIngressIfindex()).arrive(p);
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            log.accept(router.name + ": handed-over packets unreadable: " + e.getMessage());
        }
        setDevices(router, h.devices());
        router.deviceOutcomes().addVector(h.deviceOutcomes());
    }

    /** Sets interface counters as {@link #devices} lists them. */
    static void setDevices(Router r, List<long[]> devices) {
        for (long[] d : devices) {
            NetDevice dev = r.devices().byIndex((int) d[0]);
            if (dev == null) {
                continue;
            }
            dev.mtu((int) d[1]);
            dev.setUp(d[2] == 1);
            dev.rxPackets = d[3];
            dev.rxBytes = d[4];
            dev.rxDropped = d[5];
            dev.txPackets = d[6];
            dev.txBytes = d[7];
            dev.txDropped = d[8];
            Port p = r.port(dev.ifindex);
            if (p != null) {
                p.out.queueDrops = d[9];
            }
        }
    }

    /** Every interface: ifindex, mtu, up, rx packets/bytes/dropped, tx packets/bytes/dropped, queue drops. */
    static List<long[]> devices(Router router) {
        List<long[]> devices = new ArrayList<>();
        for (NetDevice d : router.devices().all()) {
            Port p = router.port(d.ifindex);
            devices.add(new long[] {d.ifindex, d.mtu(), d.isUp() ? 1 : 0, d.rxPackets, d.rxBytes, d.rxDropped,
                d.txPackets, d.txBytes, d.txDropped, p == null ? 0 : p.out.queueDrops});
        }
        return devices;
    }

    /** The packets on their way to {@code router} (its ports' queues), as a serialized PacketBatch. */
    static byte[] packetsTowards(Router router) {
        PacketBatch.Builder inFlight = PacketBatch.newBuilder();
        for (NetDevice d : router.devices().all()) {
            Port p = router.port(d.ifindex);
            if (p != null) {
                for (Packet pkt : p.inFlightPackets()) {
                    inFlight.addPackets(pkt);
                }
            }
        }
        return inFlight.build().toByteArray();
    }

    private final akka.actor.typed.javadsl.TimerScheduler<Command> timers;
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
    private final LinkBatch[] outgoing;
    /** Per receiver: where it hands back our batches once delivered (receivers in this member only). */
    private final java.util.concurrent.atomic.AtomicReferenceArray<LinkBatch>[] spare;
    /** Per receiver: the number of packets of the last batch sent to it (how big to make the next one). */
    private final int[] lastSize;
    /** Per receiver: its actor lives in this JVM, so batches to it are passed as they are and recycled. */
    private boolean[] local = new boolean[0];
    private final io.lwtemu.node.net.Frame scratch = new io.lwtemu.node.net.Frame();
    private final long[] minArrival;
    private final int[] touched;
    private int touchedCount;
    private Tick waiting;
    private boolean handedOver;
    /** What this router's pings printed, for the client's output. */
    private final List<String> pingLines = new ArrayList<>();
    private long lastRound = -1;
    private long[] lastVector = new long[0];

    @SuppressWarnings("unchecked")
    private RouterEntity(ActorContext<Command> ctx, akka.actor.typed.javadsl.TimerScheduler<Command> timers,
            LocalRun run, Router router, Start s, java.util.function.Consumer<String> log) {
        super(ctx);
        this.timers = timers;
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
        this.outgoing = new LinkBatch[n];
        this.spare = new java.util.concurrent.atomic.AtomicReferenceArray[n];
        for (int i = 0; i < n; i++) {
            spare[i] = LinkBatch.newHome();
        }
        this.lastSize = new int[n];
        this.minArrival = new long[n];
        Arrays.fill(minArrival, Long.MAX_VALUE);
        this.touched = new int[n];
        this.pingLines.addAll(run.pingHeaders(router));
        router.setFrameTransport(this::send);
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
                .onMessage(HandOffLimit.class, h -> Behaviors.stopped())
                .onMessage(Start.class, s -> this)
                .onMessage(RetryStart.class, s -> this)
                .build();
    }

    private Behavior<Command> onPeers(Peers p) {
        peers = p.routers();
        local = new boolean[peers.size()];
        for (int i = 0; i < local.length; i++) {
            ActorRef<Command> r = peers.get(i);
            local[i] = r != null && r.path().address().hasLocalScope();
        }
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
        return afterTick();
    }

    /** Stops once the router handed itself over. */
    private Behavior<Command> afterTick() {
        return handedOver ? Behaviors.stopped() : this;
    }

    private Behavior<Command> onBatch(Batch b) {
        if (b.from() < 0 || b.from() >= n) {
            return this;
        }
        inbox[b.from()].add(b);
        if (waiting != null) {
            tryTick();
        }
        return afterTick();
    }

    private Behavior<Command> onTick(Tick t) {
        if (t.round() <= lastRound) {
            return this; // stale (sent to an earlier incarnation before a restart)
        }
        waiting = t;
        tryTick();
        return afterTick();
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
                b.batch().deliverTo(router, scratch);
                b.batch().release();
                takenSeq[s] = b.seq();
            }
        }
        waiting = null;
        lastRound = t.round();
        runTick(t);
    }

    private void runTick(Tick t) {
        long[] census = null;
        if (t.census()) {
            census = new long[run.flowSlots()];
            router.countInFlightTowards(census);
        }
        LocalRun.PING_OUT.set(pingLines);
        try {
            router.runUntil(t.until());
        } finally {
            LocalRun.PING_OUT.remove();
        }
        int c = touchedCount;
        int[] dests = new int[c];
        long[] firstArrival = new long[c];
        int[] seqs = new int[c];
        for (int i = 0; i < c; i++) {
            int d = touched[i];
            dests[i] = d;
            firstArrival[i] = minArrival[d];
            minArrival[d] = Long.MAX_VALUE;
            LinkBatch b = outgoing[d];
            outgoing[d] = null;
            seqs[i] = ++sentSeq[d];
            lastSize[d] = b.size();
            if (peerIncarnation[d] >= 0) {
                peers.get(d).tell(new Batch(index, incarnation, seqs[i], b));
            } else {
                b.release(); // the receiver is down: the coordinator counts these packets
            }
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
        run.ticker.tell(new MemberTicker.Done(new ClusterRunActor.TickDone(index, incarnation, t.round(),
                router.nextEventTime(), dests, firstArrival, seqs, router.processed(), router.deliveredTotal(),
                router.droppedTotal(), idx, val, census,
                t.snapshot() || t.handOver() ? RouterSnapshot.capture(router) : null,
                t.handOver() || t.snapshot() ? new Handover(t.handOver() ? packetsTowards(router) : null,
                        devices(router), router.deviceOutcomes().toVector()) : null)));
        if (t.handOver()) {
            handedOver = true;
            log.accept("handed router " + router.name + " over (incarnation " + incarnation + ")");
        }
    }

    private void send(Router to, int toPort, io.lwtemu.node.net.Frame f) {
        int d = to.index;
        LinkBatch b = outgoing[d];
        if (b == null) {
            // A receiver in this member hands the batch back once delivered; one on another member gets a copy
            // through Artery, so the batch we made is left to the GC after serialization.
            b = d < local.length && local[d] ? LinkBatch.take(spare[d], lastSize[d])
                    : new LinkBatch(lastSize[d], null);
            outgoing[d] = b;
            touched[touchedCount++] = d;
        }
        b.add(f);
        if (f.arriveAtNs < minArrival[d]) {
            minArrival[d] = f.arriveAtNs;
        }
    }

    private Behavior<Command> onCollect(Collect c) {
        LocalRun.PING_OUT.set(pingLines);
        try {
            for (io.lwtemu.node.traffic.PingSession p : run.pings(router)) {
                p.finish();
            }
        } finally {
            LocalRun.PING_OUT.remove();
        }
        coordinator.tell(new ClusterRunActor.RouterReport(index, incarnation, router.flows().toVector(),
                router.deviceOutcomes().toVector(), devices(router), packetsTowards(router), router.lost(),
                List.copyOf(pingLines), routeHits(router), run.experimentLedger(router)));
        return this;
    }

    /** Hits of every route of the main table, family by family in table order (the same on every copy). */
    static long[] routeHits(Router r) {
        List<io.lwtemu.node.fib.Route> routes = mainRoutes(r);
        long[] hits = new long[routes.size()];
        for (int i = 0; i < hits.length; i++) {
            hits[i] = r.pipeline().counters().routeHits(routes.get(i));
        }
        return hits;
    }

    static List<io.lwtemu.node.fib.Route> mainRoutes(Router r) {
        List<io.lwtemu.node.fib.Route> out = new ArrayList<>();
        io.lwtemu.node.fib.FibTable t = r.fib().existingTable(io.lwtemu.node.fib.Route.TABLE_MAIN);
        if (t != null) {
            for (io.lwtemu.node.fib.Family f : io.lwtemu.node.fib.Family.values()) {
                out.addAll(t.routes(f));
            }
        }
        return out;
    }

    private Behavior<Command> onHandOff(HandOff h) {
        coordinator.tell(new ClusterRunActor.Leaving(index, incarnation));
        timers.startSingleTimer(new HandOffLimit(), HANDOFF_LIMIT);
        return this;
    }
}
