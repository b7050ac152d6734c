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
import com.google.protobuf.InvalidProtocolBufferException;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Drops;
import io.lwtemu.node.net.FlowCounters;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.serialization.RouterSnapshot;
import io.lwtemu.node.topology.Placement;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
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
 */
public final class ClusterRunActor extends AbstractBehavior<ClusterRunActor.Command> {

    public interface Command {}

    /** A member built the topology (or could not: {@code error}). */
    public record Prepared(ActorRef<MemberHost.Command> host, String name, List<String> roles, String address,
            String error) implements Command, ControlMessage {}

    /** A router (re)started on {@code member}; {@code nextEvent} is its earliest event. */
    public record Hello(int router, int incarnation, ActorRef<RouterEntity.Command> ref, String member,
            long nextEvent) implements Command, ControlMessage {}

    /**
     * A router finished tick {@code round}: its earliest own event, per receiver the earliest arrival and the
     * sequence number of the batch it sent, its live totals, the counter cells that changed ({@code counterIdx}
     * into {@link FlowCounters#toVector()}), and on request its census (packets on the way to it, per flow) and
     * its pinned maps.
     */
    public record TickDone(int router, int incarnation, long round, long nextEvent, int[] dests, long[] firstArrival,
            int[] seqs, long processed, long delivered, long dropped, int[] counterIdx, long[] counterVal,
            long[] census, RouterSnapshot snapshot) implements Command, ControlMessage {}

    /** Everything the report needs of one router at the end. {@code inFlight} is a serialized PacketBatch. */
    public record RouterReport(int router, int incarnation, long[] flows, long[] deviceOutcomes, List<long[]> devices,
            byte[] inFlight, long lost) implements Command, ControlMessage {}

    /** A router is being moved off its member (leaving, rebalance) and has stopped. */
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

    private record Paced(long round) implements Command {}

    /**
     * How the run is placed and protected. {@code pace}: wall-clock seconds per emulated second at least (1 = real
     * time, 0 = as fast as possible), so people and tests can act while a run is going.
     */
    public record Options(int minMembers, long snapshotIntervalNs, Duration startTimeout, double pace) {}

    private enum State { STARTING, RUNNING, LOST, DOWN }

    private enum Phase { PREPARING, STARTING, RUNNING, APPLYING, RECOVERING, RESTARTING, COLLECTING, DONE }

    private record Host(ActorRef<MemberHost.Command> ref, String name, List<String> roles, String address) {}

    public static Behavior<Command> create(String runId, TopologyBundle bundle, Network mirror, Placement placement,
            long untilNs, Options options, ClusterProgress progress, CompletableFuture<Network> result,
            Consumer<String> out) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClusterRunActor(ctx, timers, runId, bundle,
                mirror, placement, untilNs, options, progress, result, out)));
    }

    private final String runId;
    private final TopologyBundle bundle;
    private final Network mirror;
    private final Placement placement;
    private final long until;
    private final Options options;
    private final ClusterProgress progress;
    private final CompletableFuture<Network> result;
    private final Consumer<String> out;
    private final List<Router> routers;
    private final int n;
    private final long lookahead;

    private final Map<String, Host> hosts = new LinkedHashMap<>();
    /** Member names by address, also of members gone (to name where a lost router was). */
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Set<ActorRef<MemberHost.Command>> asked = new HashSet<>();
    private final ActorRef<RouterEntity.Command>[] ref;
    private final int[] inc;
    private final String[] memberOf;
    private final State[] state;
    private final int[][] expected;
    private final long[] own;
    private final long[] incoming;
    private final long[][] base;
    private final long[][] vec;
    private final long[] baseTotals;
    private final long[][] live;
    private final long[][] census;
    private final List<RouterSnapshot> snapshots = new ArrayList<>();
    private final boolean[] inRound;
    private final TreeSet<Integer> lost = new TreeSet<>();
    private final Set<String> awaitingApplied = new HashSet<>();

    private Phase phase = Phase.PREPARING;
    private int starting;
    private int pending;
    private long round;
    private long now;
    private long tickEnd;
    private boolean flushing;
    private boolean actionTick;
    private long nextSnapshotAt;
    private boolean returnWanted;
    private Runnable afterApplied;
    private long memberDownTotal;
    private final TimerScheduler<Command> timers;
    private long wallStart;
    private long wallStartEmulated;

    @SuppressWarnings("unchecked")
    private ClusterRunActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, String runId,
            TopologyBundle bundle, Network mirror, Placement placement, long untilNs, Options options,
            ClusterProgress progress, CompletableFuture<Network> result, Consumer<String> out) {
        super(ctx);
        this.runId = runId;
        this.bundle = bundle;
        this.mirror = mirror;
        this.placement = placement;
        this.until = untilNs;
        this.options = options;
        this.progress = progress;
        this.result = result;
        this.out = out;
        this.routers = mirror.routers();
        this.n = routers.size();
        this.lookahead = mirror.lookahead();
        this.ref = new ActorRef[n];
        this.inc = new int[n];
        this.memberOf = new String[n];
        this.state = new State[n];
        Arrays.fill(state, State.STARTING);
        this.expected = new int[n][n];
        this.own = new long[n];
        this.incoming = new long[n];
        Arrays.fill(incoming, Long.MAX_VALUE);
        this.base = new long[n][0];
        this.vec = new long[n][0];
        this.baseTotals = new long[3 * n];
        this.live = new long[n][3];
        this.census = new long[n][];
        this.inRound = new boolean[n];
        for (int i = 0; i < n; i++) {
            snapshots.add(null);
        }
        this.timers = timers;
        this.now = mirror.now();
        this.nextSnapshotAt = options.snapshotIntervalNs();
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
                .onMessage(RoundEmpty.class, this::onRoundEmpty)
                .onMessage(Paced.class, p -> {
                    if (p.round() == round && pending == 0 && phase == Phase.RUNNING) {
                        sendTick(false);
                    }
                    return this;
                })
                .onMessage(Applied.class, this::onApplied)
                .onMessage(Leaving.class, this::onLeaving)
                .onMessage(MemberGone.class, this::onMemberGone)
                .onMessage(RouterReport.class, this::onReport)
                .build();
    }

    // ---------------------------------------------------------------- members and placement

    private Behavior<Command> onHosts(HostsChanged h) {
        for (ActorRef<MemberHost.Command> host : h.hosts()) {
            if (asked.add(host)) {
                host.tell(new MemberHost.Prepare(runId, bundle, until, getContext().getSelf()));
            }
        }
        return this;
    }

    private Behavior<Command> onPrepared(Prepared p) {
        if (p.error() != null) {
            return fail("member " + p.name() + " (" + p.address() + ") cannot build the topology: " + p.error());
        }
        hosts.put(p.address(), new Host(p.host(), p.name(), p.roles(), p.address()));
        names.put(p.address(), p.name());
        publishMembers();
        if (phase == Phase.PREPARING && hosts.size() >= options.minMembers() && pinnedSatisfiable()
                && !timers.isTimerActive("regions")) {
            // Place routers once every member's shard region has registered, or the first ones get them all.
            regionsWaitEnd = System.nanoTime() + REGIONS_WAIT.toNanos();
            askRegions();
        } else if (phase != Phase.PREPARING) {
            for (int i = 0; i < n; i++) {
                if (state[i] == State.DOWN && hostFor(i) != null) {
                    returnWanted = true;
                }
            }
        }
        return this;
    }

    private static final Duration REGIONS_WAIT = Duration.ofSeconds(15);
    private long regionsWaitEnd;

    private Behavior<Command> askRegions() {
        if (phase != Phase.PREPARING) {
            return this;
        }
        ActorRef<akka.cluster.sharding.ShardRegion.ClusterShardingStats> reply = getContext().messageAdapter(
                akka.cluster.sharding.ShardRegion.ClusterShardingStats.class, st -> new Regions(st.getRegions().size()));
        ClusterSharding.get(getContext().getSystem()).shardState().tell(
                new akka.cluster.sharding.typed.GetClusterShardingStats(RouterEntity.type(runId), Duration.ofSeconds(3),
                        reply));
        timers.startSingleTimer("regions", new AskRegions(), Duration.ofMillis(500));
        return this;
    }

    private Behavior<Command> onRegions(Regions r) {
        if (phase == Phase.PREPARING && (r.count() >= hosts.size() || System.nanoTime() > regionsWaitEnd)) {
            timers.cancel("regions");
            startRouters();
        }
        return this;
    }

    private boolean pinnedSatisfiable() {
        for (int i = 0; i < n; i++) {
            if (placement.pinned(routers.get(i).name) && hostFor(i) == null) {
                return false;
            }
        }
        return true;
    }

    private Behavior<Command> onStartTimeout(StartTimeout t) {
        if (phase != Phase.PREPARING) {
            return this;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String r = routers.get(i).name;
            if (placement.pinned(r) && hostFor(i) == null) {
                missing.add(r + " -> " + (placement.members().containsKey(r) ? placement.members().get(r)
                        : "role:" + placement.roles().get(r)));
            }
        }
        return fail("cluster not ready after " + options.startTimeout().toSeconds() + "s: " + hosts.size()
                + " of at least " + options.minMembers() + " members hosting routers joined"
                + (missing.isEmpty() ? "" : "; no member for placement " + String.join(", ", missing)));
    }

    /** The member an explicitly placed router goes to (fewest routers among those with the role), or null. */
    private Host hostFor(int i) {
        String name = routers.get(i).name;
        String member = placement.members().get(name);
        if (member != null) {
            for (Host h : hosts.values()) {
                if (h.name().equals(member)) {
                    return h;
                }
            }
            return null;
        }
        String role = placement.roles().get(name);
        Host best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Host h : hosts.values()) {
            if (h.roles().contains(role)) {
                int c = 0;
                for (int j = 0; j < n; j++) {
                    if (h.address().equals(memberOf[j]) && (state[j] == State.RUNNING || state[j] == State.STARTING)) {
                        c++;
                    }
                }
                if (c < bestCount) {
                    best = h;
                    bestCount = c;
                }
            }
        }
        return best;
    }

    private void startRouters() {
        phase = Phase.STARTING;
        out.accept(String.format(Locale.ROOT, "lwtemu: run %s on %d members; placing %d routers", runId,
                hosts.size(), n));
        for (int i = 0; i < n; i++) {
            place(i);
        }
    }

    /** Starts router {@code i} (incarnation {@code inc[i]}) where it belongs; DOWN when its member is missing. */
    private void place(int i) {
        Router r = routers.get(i);
        RouterEntity.Start st = new RouterEntity.Start(runId, r.name, inc[i], now, snapshots.get(i),
                getContext().getSelf());
        if (placement.pinned(r.name)) {
            Host h = hostFor(i);
            if (h == null) {
                state[i] = State.DOWN;
                memberOf[i] = null;
                return;
            }
            memberOf[i] = h.address();
            h.ref().tell(new MemberHost.SpawnRouter(st));
        } else {
            memberOf[i] = null;
            ClusterSharding.get(getContext().getSystem()).entityRefFor(RouterEntity.type(runId), r.name)
                    .tell(st);
        }
        state[i] = State.STARTING;
        starting++;
        if (!timers.isTimerActive("retry-starts")) {
            timers.startTimerWithFixedDelay("retry-starts", new RetryStarts(), START_RETRY);
        }
    }

    private Behavior<Command> onRetryStarts(RetryStarts r) {
        if (starting == 0) {
            timers.cancel("retry-starts");
            return this;
        }
        for (int i = 0; i < n; i++) {
            String name = routers.get(i).name;
            if (state[i] == State.STARTING && !placement.pinned(name)) {
                ClusterSharding.get(getContext().getSystem()).entityRefFor(RouterEntity.type(runId), name)
                        .tell(new RouterEntity.Start(runId, name, inc[i], now, snapshots.get(i),
                                getContext().getSelf()));
            }
        }
        return this;
    }

    private Behavior<Command> onHello(Hello h) {
        int i = h.router();
        if (h.incarnation() != inc[i] || state[i] != State.STARTING) {
            return this;
        }
        ref[i] = h.ref();
        memberOf[i] = h.member();
        own[i] = h.nextEvent();
        state[i] = State.RUNNING;
        if (--starting > 0) {
            return this;
        }
        broadcastPeers();
        publish();
        if (phase == Phase.STARTING) {
            phase = Phase.RUNNING;
            startTick(nextEvent());
        } else if (phase == Phase.RESTARTING) {
            phase = Phase.RUNNING;
            continueAtBoundary();
        }
        return this;
    }

    private void broadcastPeers() {
        List<ActorRef<RouterEntity.Command>> refs = new ArrayList<>(n);
        int[] incs = new int[n];
        ActorRef<RouterEntity.Command> nobody = getContext().getSystem().deadLetters();
        for (int i = 0; i < n; i++) {
            boolean up = state[i] == State.RUNNING;
            refs.add(up ? ref[i] : nobody);
            incs[i] = up ? inc[i] : -1;
        }
        RouterEntity.Peers p = new RouterEntity.Peers(List.copyOf(refs), incs);
        for (int i = 0; i < n; i++) {
            if (state[i] == State.RUNNING) {
                ref[i].tell(p);
            }
        }
    }

    // ---------------------------------------------------------------- time

    private void startTick(long next) {
        long action = mirror.nextActionTime();
        if (action <= next && action < until) {
            flushing = false;
            actionTick = true;
            tickEnd = Math.max(action, now);
            paced();
            return;
        }
        actionTick = false;
        if (next >= until) {
            flushing = true;
            tickEnd = until;
        } else {
            flushing = false;
            tickEnd = Math.min(Math.min(until, action), Math.max(next, now) + lookahead);
        }
        paced();
    }

    /** Sends the tick now, or later when the run is ahead of its pace. */
    private void paced() {
        if (options.pace() > 0) {
            if (wallStart == 0) {
                wallStart = System.nanoTime();
                wallStartEmulated = now;
            }
            long due = wallStart + (long) ((now - wallStartEmulated) * options.pace());
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                pending = 0;
                timers.startSingleTimer(new Paced(round), Duration.ofNanos(wait));
                return;
            }
        }
        sendTick(false);
    }

    private void sendTick(boolean censusRound) {
        round++;
        pending = 0;
        boolean snapshot = !censusRound && (now >= nextSnapshotAt || flushing);
        if (snapshot) {
            nextSnapshotAt = now + options.snapshotIntervalNs();
        }
        for (int i = 0; i < n; i++) {
            if (state[i] != State.RUNNING) {
                continue;
            }
            if (censusRound || flushing || snapshot || Math.min(own[i], incoming[i]) < tickEnd) {
                incoming[i] = Long.MAX_VALUE;
                inRound[i] = true;
                pending++;
                ref[i].tell(tickFor(i, censusRound ? now : tickEnd, snapshot, censusRound));
            }
        }
        if (pending == 0) {
            getContext().getSelf().tell(new RoundEmpty(round));
        }
    }

    private RouterEntity.Tick tickFor(int i, long end, boolean snapshot, boolean censusRound) {
        int c = 0;
        for (int s = 0; s < n; s++) {
            if (expected[i][s] > 0 && state[s] == State.RUNNING) {
                c++;
            }
        }
        int[] senders = new int[c];
        int[] seqs = new int[c];
        for (int s = 0, k = 0; s < n; s++) {
            if (expected[i][s] > 0 && state[s] == State.RUNNING) {
                senders[k] = s;
                seqs[k++] = expected[i][s];
            }
        }
        return new RouterEntity.Tick(round, end, senders, seqs, snapshot, censusRound);
    }

    private long nextEvent() {
        long t = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (state[i] == State.RUNNING) {
                t = Math.min(t, Math.min(own[i], incoming[i]));
            }
        }
        return t;
    }

    private Behavior<Command> onRoundEmpty(RoundEmpty e) {
        if (e.round() == round && pending == 0) {
            roundComplete();
        }
        return this;
    }

    private Behavior<Command> onTickDone(TickDone d) {
        int r = d.router();
        if (d.round() != round || !inRound[r] || d.incarnation() != inc[r]) {
            return this;
        }
        inRound[r] = false;
        own[r] = d.nextEvent();
        for (int k = 0; k < d.dests().length; k++) {
            int dest = d.dests()[k];
            if (state[dest] == State.RUNNING) {
                incoming[dest] = Math.min(incoming[dest], d.firstArrival()[k]);
                expected[dest][r] = d.seqs()[k];
            }
        }
        long[] v = vec[r];
        for (int k = 0; k < d.counterIdx().length; k++) {
            int idx = d.counterIdx()[k];
            if (idx >= v.length) {
                // Whole flows only: readers take the vector flow by flow.
                int stride = FlowCounters.VECTOR_STRIDE;
                v = Arrays.copyOf(v, (idx / stride + 1) * stride);
            }
            v[idx] = d.counterVal()[k];
        }
        vec[r] = v;
        live[r][0] = d.processed();
        live[r][1] = d.delivered();
        live[r][2] = d.dropped();
        if (d.census() != null) {
            census[r] = d.census();
        }
        if (d.snapshot() != null) {
            snapshots.set(r, d.snapshot());
        }
        if (--pending == 0) {
            roundComplete();
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
        now = tickEnd;
        mirror.advancedTo(now);
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
                if (state[i] == State.DOWN && hostFor(i) != null) {
                    back.add(i);
                }
            }
            if (!back.isEmpty()) {
                setLinks(back, true, () -> restart(back));
                return;
            }
        }
        if (actionTick) {
            actionTick = false;
            mirror.applyActions(now);
            applyEverywhere(h -> h.ref().tell(new MemberHost.ApplyActions(runId, now, getContext().getSelf())),
                    this::afterActions);
            return;
        }
        afterActions();
    }

    private void afterActions() {
        if (flushing) {
            collect();
        } else {
            startTick(nextEvent());
        }
    }

    private void applyEverywhere(Consumer<Host> send, Runnable then) {
        phase = Phase.APPLYING;
        awaitingApplied.clear();
        awaitingApplied.addAll(hosts.keySet());
        afterApplied = then;
        for (Host h : hosts.values()) {
            send.accept(h);
        }
        if (awaitingApplied.isEmpty()) {
            appliedEverywhere();
        }
    }

    private Behavior<Command> onApplied(Applied a) {
        if (phase == Phase.APPLYING && awaitingApplied.remove(a.address()) && awaitingApplied.isEmpty()) {
            appliedEverywhere();
        }
        return this;
    }

    private void appliedEverywhere() {
        phase = Phase.RUNNING;
        Runnable r = afterApplied;
        afterApplied = null;
        r.run();
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
        if (l.incarnation() == inc[l.router()]) {
            markLost(l.router(), "moved off its member");
        }
        return this;
    }

    private Behavior<Command> onMemberGone(MemberGone g) {
        Host h = hosts.remove(g.address());
        if (h != null) {
            out.accept("lwtemu: member " + h.name() + " (" + g.address() + ") left the cluster");
            publishMembers();
        }
        if (phase == Phase.APPLYING) {
            awaitingApplied.removeIf(a -> a.equals(g.address()) || a.startsWith(g.address() + "#"));
        }
        for (int i = 0; i < n; i++) {
            if (g.address().equals(memberOf[i]) && (state[i] == State.RUNNING || state[i] == State.STARTING)) {
                markLost(i, "member " + (h == null ? g.address() : h.name()) + " is gone");
            }
        }
        if (phase == Phase.APPLYING && awaitingApplied.isEmpty()) {
            appliedEverywhere();
        }
        return this;
    }

    private void markLost(int i, String why) {
        if (phase == Phase.PREPARING || phase == Phase.DONE) {
            return;
        }
        State was = state[i];
        if (was == State.STARTING) {
            // Nothing ran since its (re)start: start it again elsewhere.
            starting--;
            inc[i]++;
            out.accept("lwtemu: router " + routers.get(i).name + " (" + why + ") is placed again");
            place(i);
            if (state[i] == State.DOWN && starting == 0 && phase == Phase.RESTARTING) {
                phase = Phase.RUNNING;
                broadcastPeers();
                continueAtBoundary();
            } else if (state[i] == State.DOWN && starting == 0 && phase == Phase.STARTING) {
                fail("router " + routers.get(i).name + " has no member to run on");
            }
            return;
        }
        if (was != State.RUNNING) {
            return;
        }
        out.accept(String.format(Locale.ROOT, "t=%.6fs router %s lost (%s)", now / 1e9, routers.get(i).name, why));
        state[i] = State.LOST;
        lost.add(i);
        broadcastPeers();
        publish();
        if (phase == Phase.COLLECTING) {
            fail("router " + routers.get(i).name + " was lost while the results were being collected");
            return;
        }
        if (inRound[i]) {
            inRound[i] = false;
            if (--pending == 0) {
                roundComplete();
            }
        }
    }

    private void startRecovery() {
        phase = Phase.RECOVERING;
        sendTick(true);
    }

    /**
     * All survivors took in every batch they were promised and counted the packets on their way to them. What the
     * counters of all routers say is in flight and no survivor holds went down with the lost routers.
     */
    private void finishRecovery() {
        int slots = mirror.flowSlots();
        long[] residual = new long[slots];
        for (int i = 0; i < n; i++) {
            addInFlight(residual, base[i]);
            addInFlight(residual, vec[i]);
            if (state[i] == State.RUNNING && census[i] != null) {
                for (int f = 0; f < Math.min(slots, census[i].length); f++) {
                    residual[f] -= census[i][f];
                }
            }
            census[i] = null;
        }
        int first = lost.first();
        long[] down = new long[slots * FlowCounters.VECTOR_STRIDE];
        long total = 0;
        for (int f = 0; f < slots; f++) {
            if (residual[f] < 0) {
                out.accept("lwtemu: accounting defect: flow " + f + " has " + -residual[f]
                        + " more outcomes than packets after losing a member");
                continue;
            }
            down[f * FlowCounters.VECTOR_STRIDE + 5 + Drops.of(DropReason.MEMBER_DOWN)] = residual[f];
            total += residual[f];
        }
        memberDownTotal += total;
        if (getContext().getLog().isDebugEnabled()) {
            getContext().getLog().debug("recovery at {}: residual per flow {}", now, Arrays.toString(residual));
        }
        List<String> names = new ArrayList<>();
        for (int i : lost) {
            base[i] = add(add(base[i], vec[i]), i == first ? down : new long[0]);
            vec[i] = new long[0];
            for (int k = 0; k < 3; k++) {
                baseTotals[3 * i + k] += live[i][k];
                live[i][k] = 0;
            }
            baseTotals[3 * i + 2] += i == first ? total : 0;
            names.add(routers.get(i).name);
        }
        out.accept(String.format(Locale.ROOT, "t=%.6fs %d packets on their way through %s counted as member_down",
                now / 1e9, total, String.join(", ", names)));
        List<Integer> again = new ArrayList<>(lost);
        lost.clear();
        phase = Phase.RUNNING;
        restart(again);
    }

    /** Restarts routers (new incarnation, clean sequence numbers, last snapshot of their maps). */
    private void restart(List<Integer> which) {
        phase = Phase.RESTARTING;
        List<Integer> down = new ArrayList<>();
        List<Integer> start = new ArrayList<>();
        for (int i : which) {
            inc[i]++;
            for (int s = 0; s < n; s++) {
                expected[i][s] = 0;
                expected[s][i] = 0;
            }
            own[i] = Long.MAX_VALUE;
            incoming[i] = Long.MAX_VALUE;
            if (placement.pinned(routers.get(i).name) && hostFor(i) == null) {
                state[i] = State.DOWN;
                memberOf[i] = null;
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
            progress.restarts.add(new ClusterProgress.Restart(routers.get(i).name, inc[i], now, snapshots.get(i)));
            place(i);
        }
        if (starting == 0) {
            phase = Phase.RUNNING;
            broadcastPeers();
            continueAtBoundary();
        }
    }

    private static void addInFlight(long[] residual, long[] v) {
        int stride = FlowCounters.VECTOR_STRIDE;
        for (int f = 0; f < Math.min(residual.length, v.length / stride); f++) {
            int o = f * stride;
            long dropped = 0;
            for (int c = 0; c < Drops.COUNT; c++) {
                dropped += v[o + 5 + c];
            }
            residual[f] += v[o] - v[o + 1] - dropped;
        }
    }

    private static long[] add(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            r[i] += b[i];
        }
        return r;
    }

    // ---------------------------------------------------------------- the end

    private int collecting;

    private void collect() {
        phase = Phase.COLLECTING;
        collecting = 0;
        for (int i = 0; i < n; i++) {
            if (state[i] == State.RUNNING) {
                collecting++;
                ref[i].tell(new RouterEntity.Collect());
            } else {
                routers.get(i).flows().addVector(base[i]);
            }
        }
        if (collecting == 0) {
            finish();
        }
    }

    private Behavior<Command> onReport(RouterReport rep) {
        int i = rep.router();
        if (phase != Phase.COLLECTING || rep.incarnation() != inc[i]) {
            return this;
        }
        Router r = routers.get(i);
        r.flows().addVector(base[i]);
        r.flows().addVector(rep.flows());
        r.deviceOutcomes().addVector(rep.deviceOutcomes());
        for (long[] d : rep.devices()) {
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
        try {
            for (Packet p : PacketBatch.parseFrom(rep.inFlight()).getPacketsList()) {
                r.port(p.getIngressIfindex()).arrive(p);
            }
        } catch (InvalidProtocolBufferException e) {
            out.accept("lwtemu: router " + r.name + ": unreadable in-flight packets: " + e.getMessage());
        }
        if (rep.lost() > 0) {
            out.accept("lwtemu: router " + r.name + ": " + rep.lost() + " packets left no outcome");
        }
        if (--collecting == 0) {
            finish();
        }
        return this;
    }

    private void finish() {
        phase = Phase.DONE;
        for (int i = 0; i < n; i++) {
            if (state[i] == State.RUNNING) {
                ref[i].tell(new RouterEntity.Stop());
            }
        }
        for (Host h : hosts.values()) {
            h.ref().tell(new MemberHost.Finish(runId));
        }
        publish();
        result.complete(mirror);
    }

    private Behavior<Command> fail(String message) {
        phase = Phase.DONE;
        for (int i = 0; i < n; i++) {
            if (ref[i] != null && state[i] == State.RUNNING) {
                ref[i].tell(new RouterEntity.Stop());
            }
        }
        for (Host h : hosts.values()) {
            h.ref().tell(new MemberHost.Finish(runId));
        }
        result.completeExceptionally(new ClusterRunException(message));
        return Behaviors.stopped();
    }

    // ---------------------------------------------------------------- progress

    private void publish() {
        List<ClusterProgress.RouterView> views = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String member = memberOf[i] == null ? "-" : names.getOrDefault(memberOf[i], memberOf[i]);
            views.add(new ClusterProgress.RouterView(routers.get(i).name, member,
                    state[i].name().toLowerCase(Locale.ROOT), baseTotals[3 * i] + live[i][0],
                    baseTotals[3 * i + 1] + live[i][1], baseTotals[3 * i + 2] + live[i][2]));
        }
        progress.routers = List.copyOf(views);
        progress.emulatedNs = now;
        progress.ticks = round;
        progress.memberDown = memberDownTotal;
        Map<String, RouterSnapshot> snaps = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            if (snapshots.get(i) != null) {
                snaps.put(routers.get(i).name, snapshots.get(i));
            }
        }
        progress.snapshots = Map.copyOf(snaps);
    }

    private void publishMembers() {
        List<String> m = new ArrayList<>();
        for (Host h : hosts.values()) {
            m.add(h.name() + " (" + h.address() + ")" + (h.roles().isEmpty() ? "" : " roles " + h.roles()));
        }
        progress.members = List.copyOf(m);
    }
}
