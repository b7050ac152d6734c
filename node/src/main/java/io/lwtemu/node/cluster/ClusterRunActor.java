package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.ClusterEvent;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.serialization.RouterSnapshot;
import io.lwtemu.node.topology.Placement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs one topology on the members of a cluster, from the submitting client: ships the topology to every member
 * ({@link MemberHost.Prepare}), places the routers (explicitly by {@code placement:}, otherwise as Cluster
 * Sharding entities balanced by count), and drives emulated time as {@link io.lwtemu.node.actor.NetworkActor}
 * does in one JVM, with the batches of every tick counted (see {@link RouterEntity}) so that the result is the
 * same as embedded.
 *
 * <p>Member loss: every tick reports each router's counters, so the coordinator always knows them as of the
 * router's last finished tick. When a member leaves or crashes, the survivors finish the tick, then report the
 * packets on their way to them (a census); what the counters say is still in flight and no survivor holds was
 * lost with the member and is counted as {@code member_down}. The lost routers restart on other members (or stay
 * down, with their links down, until their pinned member returns) with their pinned BPF maps from the last
 * snapshot. The accounting identity therefore holds cluster-wide.
 *
 * <p>The client keeps a mirror of the network, built from the same file, which only stores the final counters
 * so that the run ends with the same {@link io.lwtemu.node.report.RunReport} as an embedded run.
 *
 * <p>This actor is the run's state machine (phases, messages); the parts it drives: {@link RunMembers} (members
 * and where explicitly placed routers go), {@link RouterTable} (each router's actor, incarnation, member and
 * state), {@link RouterPlacer} (starting routers), {@link TickClock} (rounds and batch sequence numbers),
 * {@link MemberBarrier} (changes applied on every member between ticks), {@link CounterLedger} (counters,
 * snapshots and the member_down census) and {@link RouterReports} (the final report into the mirror).
 */
public final class ClusterRunActor extends AbstractBehavior<ClusterRunActor.Command> {

    public interface Command {}

    /** A member built the topology (or could not: {@code error}); {@code ticker} takes its routers' ticks. */
    public record Prepared(ActorRef<MemberHost.Command> host, ActorRef<MemberTicker.Command> ticker, String name,
            List<String> roles, String address, String error) implements Command, ControlMessage {}

    /** A router (re)started on {@code member}; {@code nextEvent} is its earliest event. */
    public record Hello(int router, int incarnation, ActorRef<RouterEntity.Command> ref, String member,
            long nextEvent) implements Command, ControlMessage {}

    /**
     * A router finished tick {@code round}: its earliest own event, per receiver the earliest arrival and the
     * sequence number of the batch it sent, its live totals, the counter cells that changed ({@code counterIdx}
     * into {@link io.lwtemu.node.net.FlowCounters#toVector()}), and on request its census (packets on the way to
     * it, per flow) and its pinned maps; a router moving off its member adds what its next incarnation takes over.
     */
    public record TickDone(int router, int incarnation, long round, long nextEvent, int[] dests, long[] firstArrival,
            int[] seqs, long processed, long delivered, long dropped, int[] counterIdx, long[] counterVal,
            long[] census, RouterSnapshot snapshot, RouterEntity.Handover handover)
            implements Command, ControlMessage {}

    /** The TickDones of a member's routers for one round, sent together by its {@link MemberTicker}. */
    public record TicksDone(List<TickDone> done) implements Command, ControlMessage {}

    /**
     * Everything the report needs of one router at the end. {@code inFlight} is a serialized PacketBatch,
     * {@code routeHits} per route of the main table in table order, {@code pingLines} what its pings printed.
     */
    public record RouterReport(int router, int incarnation, long[] flows, long[] deviceOutcomes, List<long[]> devices,
            byte[] inFlight, long lost, List<String> pingLines, long[] routeHits,
            byte[] experimentLedger) implements Command, ControlMessage {}

    /** A router is being moved off its member (leaving, rebalance); it runs on until it is asked to hand over. */
    public record Leaving(int router, int incarnation) implements Command, ControlMessage {}

    /** A member applied link changes. */
    public record Applied(String address) implements Command, ControlMessage {}

    private record HostsChanged(Set<ActorRef<MemberHost.Command>> hosts) implements Command {}

    private record MemberGone(String address) implements Command {}

    private record RoundEmpty(long round) implements Command {}

    /** How many members' shard regions of this run the shard coordinator knows. */
    private record Regions(int count) implements Command {}

    private record AskRegions() implements Command {}

    private record StartTimeout() implements Command {}

    /** Sends Start again to automatically placed routers that have not answered (a shard moving between members). */
    private record RetryStarts() implements Command {}

    private static final Duration START_RETRY = Duration.ofSeconds(2);

    private static final Duration REGIONS_WAIT = Duration.ofSeconds(15);

    private record Paced(long round) implements Command {}

    /** A member a cluster experiment restarted has not come back within the start timeout. */
    private record AwaitTimeout(String member) implements Command {}

    /**
     * How the run is placed and protected. {@code pace}: wall-clock seconds per emulated second at least (1 = real
     * time, 0 = as fast as possible), so people and tests can act while a run is going.
     */
    public record Options(int minMembers, long snapshotIntervalNs, Duration startTimeout, double pace) {}

    private enum Phase { PREPARING, STARTING, RUNNING, APPLYING, RECOVERING, RESTARTING, COLLECTING, DONE,
        /** A cluster experiment restarted a member: time stands still until it hosts routers again. */
        AWAITING_MEMBER }

    public static Behavior<Command> create(String runId, TopologyBundle bundle, Network mirror, Placement placement,
            long untilNs, Options options, ClusterProgress progress, CompletableFuture<Network> result,
            Consumer<String> out) {
        return create(runId, bundle, mirror, placement, untilNs, options, progress, result, RunHooks.NONE, out);
    }

    /** The same with a cluster experiment's {@code hooks} (member faults, counters for its timeline, ledgers). */
    public static Behavior<Command> create(String runId, TopologyBundle bundle, Network mirror, Placement placement,
            long untilNs, Options options, ClusterProgress progress, CompletableFuture<Network> result,
            RunHooks hooks, Consumer<String> out) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ClusterRunActor a = new ClusterRunActor(ctx, timers, runId, bundle, mirror, placement, untilNs, options,
                    progress, result, out);
            a.hooks = hooks;
            hooks.attach(a.new Control());
            return a;
        }));
    }

    private RunHooks hooks = RunHooks.NONE;
    /** Member a cluster experiment restarted and time waits for, or null. */
    private String awaitedMember;

    /** What a cluster experiment's member faults ask of this coordinator (see {@link RunControl}). */
    private final class Control implements RunControl {
        @Override
        public long[] countersOf(int router) {
            return ledger.counters(router);
        }

        @Override
        public void memberKilled(String member, String address) {
            Cluster c = Cluster.get(getContext().getSystem());
            c.manager().tell(new akka.cluster.typed.Down(akka.actor.AddressFromURIString.parse(address)));
            onMemberGone(new MemberGone(address));
        }

        @Override
        public void awaitMember(String member) {
            awaitedMember = member;
        }
    }

    private final String runId;
    private final TopologyBundle bundle;
    private final Network mirror;
    private final long until;
    private final Options options;
    private final ClusterProgress progress;
    private final CompletableFuture<Network> result;
    private final Consumer<String> out;
    private final TimerScheduler<Command> timers;
    private final List<Router> routers;
    private final int n;

    private final RunMembers members;
    private final RouterTable table;
    private final TickClock clock;
    private final CounterLedger ledger;
    private final RouterPlacer placer;
    private final MemberBarrier barrier = new MemberBarrier();
    private final TreeSet<Integer> lost = new TreeSet<>();
    /** Routers in {@link #lost} that are alive, moving off their member: handed over, not lost, at the census. */
    private final boolean[] moving;

    private Phase phase = Phase.PREPARING;
    private int collecting;
    /** Ping output by router, as the members collected it. */
    private final Map<Integer, List<String>> pingLines = new java.util.TreeMap<>();
    private boolean returnWanted;
    private long regionsWaitEnd;

    private ClusterRunActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, String runId,
            TopologyBundle bundle, Network mirror, Placement placement, long untilNs, Options options,
            ClusterProgress progress, CompletableFuture<Network> result, Consumer<String> out) {
        super(ctx);
        this.runId = runId;
        this.bundle = bundle;
        this.mirror = mirror;
        this.until = untilNs;
        this.options = options;
        this.progress = progress;
        this.result = result;
        this.out = out;
        this.timers = timers;
        this.routers = mirror.routers();
        this.n = routers.size();
        this.members = new RunMembers(placement);
        this.table = new RouterTable(n);
        this.clock = new TickClock(n, mirror.now(), mirror.lookahead(), untilNs, options.snapshotIntervalNs(),
                options.pace());
        this.ledger = new CounterLedger(n);
        this.moving = new boolean[n];
        this.placer = new RouterPlacer(runId, routers, members, table, ledger, clock,
                ClusterSharding.get(ctx.getSystem()), ctx.getSelf());
        ActorRef<Receptionist.Listing> listing = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new HostsChanged(l.getServiceInstances(MemberHost.KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(MemberHost.KEY, listing));
        ActorRef<ClusterEvent.MemberRemoved> removed = ctx.messageAdapter(ClusterEvent.MemberRemoved.class,
                e -> new MemberGone(e.member().address().toString()));
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
        timers.startSingleTimer(new StartTimeout(), options.startTimeout());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(HostsChanged.class, this::onHosts)
                .onMessage(Prepared.class, this::onPrepared)
                .onMessage(StartTimeout.class, this::onStartTimeout)
                .onMessage(RetryStarts.class, this::onRetryStarts)
                .onMessage(AskRegions.class, a -> askRegions())
                .onMessage(Regions.class, this::onRegions)
                .onMessage(Hello.class, this::onHello)
                .onMessage(TickDone.class, this::onTickDone)
                .onMessage(TicksDone.class, this::onTicksDone)
                .onMessage(RoundEmpty.class, this::onRoundEmpty)
                .onMessage(Paced.class, p -> {
                    if (p.round() == clock.round() && clock.pending() == 0 && phase == Phase.RUNNING) {
                        sendTick(false);
                    }
                    return this;
                })
                .onMessage(Applied.class, this::onApplied)
                .onMessage(Leaving.class, this::onLeaving)
                .onMessage(MemberGone.class, this::onMemberGone)
                .onMessage(RouterReport.class, this::onReport)
                .onMessage(AwaitTimeout.class, t -> phase == Phase.AWAITING_MEMBER && t.member().equals(awaitedMember)
                        ? fail("member " + t.member() + " did not join again within "
                                + options.startTimeout().toSeconds() + "s after its restart")
                        : this)
                .build();
    }

    // ---------------------------------------------------------------- members and placement

    private Behavior<Command> onHosts(HostsChanged h) {
        if (phase == Phase.DONE) {
            return this;
        }
        for (ActorRef<MemberHost.Command> host : h.hosts()) {
            if (members.firstSeen(host)) {
                host.tell(new MemberHost.Prepare(runId, bundle, until, getContext().getSelf()));
            }
        }
        return this;
    }

    private Behavior<Command> onPrepared(Prepared p) {
        if (p.error() != null) {
            return fail("member " + p.name() + " (" + p.address() + ") cannot build the topology: " + p.error());
        }
        members.add(new RunMembers.Host(p.host(), p.ticker(), p.name(), p.roles(), p.address()));
        progress.members = members.describe();
        boolean awaited = p.name().equals(awaitedMember);
        if (phase == Phase.PREPARING && members.size() >= options.minMembers()
                && placer.unplaceable().isEmpty() && !timers.isTimerActive("regions")) {
            if (placer.allPinned()) {
                startRouters(); // no router goes through Cluster Sharding: no shard regions to wait for
            } else {
                // Place routers once every member's shard region has registered, or the first ones get them all.
                regionsWaitEnd = System.nanoTime() + REGIONS_WAIT.toNanos();
                askRegions();
            }
        } else if (phase != Phase.PREPARING) {
            for (int i = 0; i < n; i++) {
                if (table.state(i) == RouterTable.State.DOWN && placer.hostFor(i) != null) {
                    returnWanted = true;
                }
            }
            if (awaited) {
                awaitedMember = null;
                if (phase == Phase.AWAITING_MEMBER) {
                    phase = Phase.RUNNING;
                    continueAtBoundary();
                }
            }
        }
        return this;
    }

    private Behavior<Command> askRegions() {
        if (phase != Phase.PREPARING) {
            return this;
        }
        ActorRef<akka.cluster.sharding.ShardRegion.ClusterShardingStats> reply = getContext().messageAdapter(
                akka.cluster.sharding.ShardRegion.ClusterShardingStats.class, st -> new Regions(st.getRegions().size()));
        ClusterSharding.get(getContext().getSystem()).shardState().tell(
                new akka.cluster.sharding.typed.GetClusterShardingStats(RouterEntity.TYPE, Duration.ofSeconds(3),
                        reply));
        timers.startSingleTimer("regions", new AskRegions(), Duration.ofMillis(500));
        return this;
    }

    private Behavior<Command> onRegions(Regions r) {
        if (phase == Phase.PREPARING && (r.count() >= members.size() || System.nanoTime() > regionsWaitEnd)) {
            timers.cancel("regions");
            startRouters();
        }
        return this;
    }

    private Behavior<Command> onStartTimeout(StartTimeout t) {
        if (phase != Phase.PREPARING) {
            return this;
        }
        List<String> missing = placer.unplaceable();
        return fail("cluster not ready after " + options.startTimeout().toSeconds() + "s: " + members.size()
                + " of at least " + options.minMembers() + " members hosting routers joined"
                + (missing.isEmpty() ? "" : "; no member for placement " + String.join(", ", missing)));
    }

    private void startRouters() {
        phase = Phase.STARTING;
        out.accept(String.format(Locale.ROOT, "lwtemu: run %s on %d members; placing %d routers", runId,
                members.size(), n));
        for (int i = 0; i < n; i++) {
            place(i);
        }
    }

    /** Starts router {@code i} where it belongs (DOWN when its member is missing). */
    private void place(int i) {
        if (placer.place(i) && !timers.isTimerActive("retry-starts")) {
            timers.startTimerWithFixedDelay("retry-starts", new RetryStarts(), START_RETRY);
        }
    }

    private Behavior<Command> onRetryStarts(RetryStarts r) {
        if (placer.starting() == 0) {
            timers.cancel("retry-starts");
            return this;
        }
        placer.retry();
        return this;
    }

    private Behavior<Command> onHello(Hello h) {
        int i = h.router();
        if (h.incarnation() != table.incarnation(i) || table.state(i) != RouterTable.State.STARTING) {
            return this;
        }
        table.started(i, h.ref(), h.member());
        ledger.handedOver(i); // its packets are in the new incarnation now
        clock.started(i, h.nextEvent());
        if (!placer.answered()) {
            return this;
        }
        broadcastPeers();
        publish();
        if (phase == Phase.STARTING) {
            phase = Phase.RUNNING;
            startTick();
        } else if (phase == Phase.RESTARTING) {
            phase = Phase.RUNNING;
            continueAtBoundary();
        }
        return this;
    }

    private void broadcastPeers() {
        RouterEntity.Peers peers = table.peers(getContext().getSystem().deadLetters());
        Map<String, List<Integer>> byMember = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (table.running(i)) {
                byMember.computeIfAbsent(table.member(i), k -> new ArrayList<>()).add(i);
            }
        }
        byMember.forEach((member, which) -> {
            int[] idx = which.stream().mapToInt(Integer::intValue).toArray();
            int[] incs = which.stream().mapToInt(table::incarnation).toArray();
            RunMembers.Host h = members.host(member);
            if (h != null) {
                h.ticker().tell(new MemberTicker.Relay(idx, incs, peers));
            } else {
                for (int i : idx) {
                    table.ref(i).tell(peers);
                }
            }
        });
    }

    // ---------------------------------------------------------------- time

    private void startTick() {
        clock.plan(clock.nextEvent(table), mirror.nextActionTime());
        long wait = clock.paceWait();
        if (wait > 0) {
            timers.startSingleTimer(new Paced(clock.round()), Duration.ofNanos(wait));
        } else {
            sendTick(false);
        }
    }

    /** Starts a round: one {@link MemberTicker.Ticks} per member with the ticks of its routers that take part. */
    private void sendTick(boolean censusRound) {
        if (progress.firstTickWallNs == 0) {
            progress.firstTickWallNs = System.nanoTime();
            progress.firstTickCpuNs = ClusterProgress.processCpuNs();
        }
        Map<String, List<Integer>> routersOf = new LinkedHashMap<>();
        Map<String, List<RouterEntity.Tick>> ticksOf = new LinkedHashMap<>();
        int sent = clock.send(censusRound, table, (i, tick) -> {
            routersOf.computeIfAbsent(table.member(i), k -> new ArrayList<>()).add(i);
            ticksOf.computeIfAbsent(table.member(i), k -> new ArrayList<>())
                    .add(censusRound && moving[i] ? tick.handingOver() : tick);
        });
        routersOf.forEach((member, which) -> {
            List<RouterEntity.Tick> ticks = ticksOf.get(member);
            RunMembers.Host h = members.host(member);
            if (h == null) {
                for (int k = 0; k < which.size(); k++) {
                    table.ref(which.get(k)).tell(ticks.get(k));
                }
                return;
            }
            int[] idx = which.stream().mapToInt(Integer::intValue).toArray();
            int[] incs = which.stream().mapToInt(table::incarnation).toArray();
            h.ticker().tell(new MemberTicker.Ticks(clock.round(), idx, incs, List.copyOf(ticks),
                    getContext().getSelf()));
        });
        if (sent == 0) {
            getContext().getSelf().tell(new RoundEmpty(clock.round()));
        }
    }

    private Behavior<Command> onRoundEmpty(RoundEmpty e) {
        if (e.round() == clock.round() && clock.pending() == 0) {
            roundComplete();
        }
        return this;
    }

    private Behavior<Command> onTickDone(TickDone d) {
        if (!clock.accept(d, table)) {
            return this;
        }
        ledger.record(d);
        if (clock.pending() == 0) {
            roundComplete();
        }
        return this;
    }

    private Behavior<Command> onTicksDone(TicksDone t) {
        for (TickDone d : t.done()) {
            onTickDone(d);
        }
        return this;
    }

    private void roundComplete() {
        if (phase == Phase.RECOVERING) {
            finishRecovery();
            return;
        }
        if (phase != Phase.RUNNING) {
            return;
        }
        mirror.advancedTo(clock.advance());
        publish();
        if (!lost.isEmpty()) {
            startRecovery();
            return;
        }
        continueAtBoundary();
    }

    /** Between ticks: bring back routers whose member returned, apply due link events, then go on or finish. */
    private void continueAtBoundary() {
        if (!lost.isEmpty()) {
            startRecovery();
            return;
        }
        if (returnWanted) {
            returnWanted = false;
            List<Integer> back = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (table.state(i) == RouterTable.State.DOWN && placer.hostFor(i) != null) {
                    back.add(i);
                }
            }
            if (!back.isEmpty()) {
                setLinks(back, true, () -> restart(back));
                return;
            }
        }
        if (clock.takeActionTick()) {
            long now = clock.now();
            mirror.applyActions(now);
            applyEverywhere(h -> h.ref().tell(new MemberHost.ApplyActions(runId, now, getContext().getSelf())),
                    this::afterActions);
            return;
        }
        afterActions();
    }

    private void afterActions() {
        if (!lost.isEmpty()) {
            startRecovery(); // a member fault of the timeline took routers away at this boundary
            return;
        }
        if (awaitedMember != null) {
            phase = Phase.AWAITING_MEMBER;
            timers.startSingleTimer("await-member", new AwaitTimeout(awaitedMember), options.startTimeout());
            return;
        }
        if (clock.flushing()) {
            collect();
        } else {
            startTick();
        }
    }

    /** Tells every member to apply a change; runs {@code then} once all have (or left). */
    private void applyEverywhere(Consumer<RunMembers.Host> send, Runnable then) {
        phase = Phase.APPLYING;
        barrier.await(Set.copyOf(members.addresses()), () -> {
            phase = Phase.RUNNING;
            then.run();
        });
        for (RunMembers.Host h : members.all()) {
            send.accept(h);
        }
    }

    private Behavior<Command> onApplied(Applied a) {
        if (phase == Phase.APPLYING) {
            barrier.applied(a.address());
        }
        return this;
    }

    private void setLinks(List<Integer> which, boolean up, Runnable then) {
        List<String> names = new ArrayList<>();
        for (int i : which) {
            names.add(routers.get(i).name);
            for (Port p : routers.get(i).ports()) {
                p.link().setUp(up);
            }
        }
        applyEverywhere(h -> h.ref().tell(new MemberHost.SetRouterLinks(runId, List.copyOf(names), up,
                getContext().getSelf())), then);
    }

    // ---------------------------------------------------------------- member loss

    private Behavior<Command> onLeaving(Leaving l) {
        int i = l.router();
        if (l.incarnation() != table.incarnation(i)) {
            return this;
        }
        if (table.running(i) && (phase == Phase.RUNNING || phase == Phase.APPLYING || phase == Phase.RECOVERING
                || phase == Phase.RESTARTING)) {
            // Alive: it hands its packets and state over at the next census round instead of losing them.
            moving[i] = true;
            lost.add(i);
            out.accept(String.format(Locale.ROOT, "t=%.6fs router %s moved off its member; handing it over",
                    clock.now() / 1e9, routers.get(i).name));
            publish();
        } else if (phase != Phase.COLLECTING) {
            markLost(i, "moved off its member"); // still collecting: it answers before it stops
        }
        return this;
    }

    private Behavior<Command> onMemberGone(MemberGone g) {
        RunMembers.Host h = members.remove(g.address());
        if (h != null) {
            out.accept("lwtemu: member " + h.name() + " (" + g.address() + ") left the cluster");
            progress.members = members.describe();
        }
        if (phase == Phase.APPLYING) {
            barrier.forget(g.address());
        }
        for (int i = 0; i < n; i++) {
            RouterTable.State s = table.state(i);
            if (g.address().equals(table.member(i)) && (s == RouterTable.State.RUNNING
                    || s == RouterTable.State.STARTING)) {
                markLost(i, "member " + (h == null ? g.address() : h.name()) + " is gone");
            }
        }
        if (phase == Phase.APPLYING) {
            barrier.releaseIfDone();
        }
        return this;
    }

    private void markLost(int i, String why) {
        if (phase == Phase.PREPARING || phase == Phase.DONE) {
            return;
        }
        moving[i] = false; // gone before it could hand over: lost after all
        RouterTable.State was = table.state(i);
        if (was == RouterTable.State.STARTING) {
            // Nothing ran since its (re)start: start it again elsewhere.
            placer.abandoned();
            table.nextIncarnation(i);
            out.accept("lwtemu: router " + routers.get(i).name + " (" + why + ") is placed again");
            place(i);
            boolean down = table.state(i) == RouterTable.State.DOWN;
            if (down && placer.starting() == 0 && phase == Phase.RESTARTING) {
                phase = Phase.RUNNING;
                broadcastPeers();
                continueAtBoundary();
            } else if (down && placer.starting() == 0 && phase == Phase.STARTING) {
                fail("router " + routers.get(i).name + " has no member to run on");
            }
            return;
        }
        if (was != RouterTable.State.RUNNING) {
            return;
        }
        out.accept(String.format(Locale.ROOT, "t=%.6fs router %s lost (%s)", clock.now() / 1e9,
                routers.get(i).name, why));
        table.lost(i);
        lost.add(i);
        broadcastPeers();
        publish();
        if (phase == Phase.COLLECTING) {
            fail("router " + routers.get(i).name + " was lost while the results were being collected");
            return;
        }
        if (clock.withdraw(i)) {
            roundComplete();
        }
    }

    private void startRecovery() {
        phase = Phase.RECOVERING;
        sendTick(true);
    }

    /**
     * All survivors took in every batch they were promised and counted the packets on their way to them; the
     * ledger charges what went down with the lost routers as member_down. Then the lost routers start again.
     */
    private void finishRecovery() {
        // Moving routers asked to hand over in this round did (they were alive); one that started moving during
        // the round waits for the next census round.
        TreeSet<Integer> done = new TreeSet<>();
        for (int i : lost) {
            if (!moving[i] || ledger.handover(i) != null) {
                done.add(i);
            }
        }
        phase = Phase.RUNNING;
        if (done.isEmpty()) {
            continueAtBoundary();
            return;
        }
        long total = ledger.chargeMemberDown(done, table::running, mirror.flowSlots(), out, getContext().getLog(),
                clock.now());
        List<String> names = new ArrayList<>();
        for (int i : done) {
            if (moving[i]) {
                out.accept(String.format(Locale.ROOT, "t=%.6fs router %s handed over with its packets and state",
                        clock.now() / 1e9, routers.get(i).name));
            } else {
                names.add(routers.get(i).name);
            }
            moving[i] = false;
        }
        if (!names.isEmpty() || total > 0) {
            out.accept(String.format(Locale.ROOT, "t=%.6fs %d packets on their way through %s counted as member_down",
                    clock.now() / 1e9, total, names.isEmpty() ? "the moved routers" : String.join(", ", names)));
        }
        lost.removeAll(done);
        restart(new ArrayList<>(done));
    }

    /** Restarts routers (new incarnation, clean sequence numbers, last snapshot of their maps). */
    private void restart(List<Integer> which) {
        phase = Phase.RESTARTING;
        List<Integer> down = new ArrayList<>();
        List<Integer> start = new ArrayList<>();
        for (int i : which) {
            table.nextIncarnation(i);
            clock.forget(i);
            if (placer.pinned(i) && placer.hostFor(i) == null) {
                table.down(i);
                down.add(i);
                out.accept("lwtemu: router " + routers.get(i).name + " is down until its member returns; its links"
                        + " are down");
            } else {
                start.add(i);
            }
        }
        publish();
        if (down.isEmpty()) {
            startAgain(start);
        } else {
            setLinks(down, false, () -> startAgain(start));
        }
    }

    private void startAgain(List<Integer> which) {
        phase = Phase.RESTARTING;
        for (int i : which) {
            progress.restarts.add(new ClusterProgress.Restart(routers.get(i).name, table.incarnation(i),
                    clock.now(), ledger.snapshot(i)));
            place(i);
        }
        if (placer.starting() == 0) {
            phase = Phase.RUNNING;
            broadcastPeers();
            continueAtBoundary();
        }
    }

    // ---------------------------------------------------------------- the end

    private void collect() {
        phase = Phase.COLLECTING;
        collecting = 0;
        for (int i = 0; i < n; i++) {
            if (table.running(i)) {
                collecting++;
                table.ref(i).tell(new RouterEntity.Collect());
            } else {
                RouterReports.applyBase(routers.get(i), ledger.base(i));
            }
        }
        if (collecting == 0) {
            finish();
        }
    }

    private Behavior<Command> onReport(RouterReport rep) {
        int i = rep.router();
        if (phase != Phase.COLLECTING || rep.incarnation() != table.incarnation(i)) {
            return this;
        }
        RouterReports.apply(routers.get(i), ledger.base(i), rep, out);
        pingLines.put(i, rep.pingLines());
        hooks.ledger(i, rep.experimentLedger());
        if (--collecting == 0) {
            finish();
        }
        return this;
    }

    private void finish() {
        phase = Phase.DONE;
        table.tellRunning(new RouterEntity.Stop());
        for (RunMembers.Host h : members.all()) {
            h.ref().tell(new MemberHost.Finish(runId));
        }
        publish();
        List<String> pings = new ArrayList<>();
        pingLines.values().forEach(pings::addAll);
        progress.pingOutput = List.copyOf(pings);
        progress.doneWallNs = System.nanoTime();
        progress.doneCpuNs = ClusterProgress.processCpuNs();
        result.complete(mirror);
    }

    private Behavior<Command> fail(String message) {
        phase = Phase.DONE;
        table.tellRunning(new RouterEntity.Stop());
        for (RunMembers.Host h : members.all()) {
            h.ref().tell(new MemberHost.Finish(runId));
        }
        result.completeExceptionally(new ClusterRunException(message));
        return Behaviors.stopped();
    }

    // ---------------------------------------------------------------- progress

    private void publish() {
        List<ClusterProgress.RouterView> views = new ArrayList<>(n);
        Map<String, RouterSnapshot> snaps = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = routers.get(i).name;
            views.add(new ClusterProgress.RouterView(name, members.nameOf(table.member(i)),
                    table.state(i).name().toLowerCase(Locale.ROOT), ledger.processed(i), ledger.delivered(i),
                    ledger.dropped(i)));
            if (ledger.snapshot(i) != null) {
                snaps.put(name, ledger.snapshot(i));
            }
        }
        progress.routers = List.copyOf(views);
        progress.emulatedNs = clock.now();
        progress.ticks = clock.round();
        progress.memberDown = ledger.memberDownTotal();
        progress.snapshots = Map.copyOf(snaps);
    }
}
