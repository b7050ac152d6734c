package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the routers of a cluster run where they belong: explicitly placed ones through their member's
 * {@link MemberHost}, the others as Cluster Sharding entities (which member is the allocation strategy's choice).
 * A start carries the router's incarnation, the emulated time it resumes at and its last pinned-map snapshot, and
 * counts as outstanding until the router's {@link ClusterRunActor.Hello}.
 */
final class RouterPlacer {
    private final String runId;
    private final List<Router> routers;
    private final RunMembers members;
    private final RouterTable table;
    private final CounterLedger ledger;
    private final TickClock clock;
    private final ClusterSharding sharding;
    private final ActorRef<ClusterRunActor.Command> coordinator;
    private int starting;

    RouterPlacer(String runId, List<Router> routers, RunMembers members, RouterTable table, CounterLedger ledger,
            TickClock clock, ClusterSharding sharding, ActorRef<ClusterRunActor.Command> coordinator) {
        this.runId = runId;
        this.routers = routers;
        this.members = members;
        this.table = table;
        this.ledger = ledger;
        this.clock = clock;
        this.sharding = sharding;
        this.coordinator = coordinator;
    }

    /** Routers told to start that have not answered yet. */
    int starting() {
        return starting;
    }

    /** Router {@code i} answered its start (Hello); true when it was the last one outstanding. */
    boolean answered() {
        return --starting == 0;
    }

    /** Router {@code i} will not answer its start (its member went away first). */
    void abandoned() {
        starting--;
    }

    /** The member an explicitly placed router goes to, or null (see {@link RunMembers#hostFor}). */
    RunMembers.Host hostFor(int i) {
        return members.hostFor(routers.get(i).name, table);
    }

    boolean pinned(int i) {
        return members.pinned(routers.get(i).name);
    }

    /** Every router is placed explicitly (none goes through Cluster Sharding). */
    boolean allPinned() {
        for (int i = 0; i < routers.size(); i++) {
            if (!pinned(i)) {
                return false;
            }
        }
        return true;
    }

    /** Explicitly placed routers without a member to go to, as the start-timeout message names them. */
    List<String> unplaceable() {
        List<String> names = new ArrayList<>(routers.size());
        for (Router r : routers) {
            names.add(r.name);
        }
        return members.unplaceable(names, table);
    }

    /**
     * Starts router {@code i} (its current incarnation) where it belongs. False when it is explicitly placed and
     * its member is missing: it is DOWN then.
     */
    boolean place(int i) {
        RouterEntity.Start st = startMessage(i);
        if (pinned(i)) {
            RunMembers.Host h = hostFor(i);
            if (h == null) {
                table.down(i);
                return false;
            }
            table.starting(i, h.address());
            h.ref().tell(new MemberHost.SpawnRouter(st));
        } else {
            table.starting(i, null);
            sharding.entityRefFor(RouterEntity.TYPE, RouterEntity.entityId(runId, routers.get(i).name)).tell(st);
        }
        starting++;
        return true;
    }

    /** Sends Start again to automatically placed routers that have not answered (a shard moving between members). */
    void retry() {
        for (int i = 0; i < routers.size(); i++) {
            if (table.state(i) == RouterTable.State.STARTING && !pinned(i)) {
                sharding.entityRefFor(RouterEntity.TYPE, RouterEntity.entityId(runId, routers.get(i).name))
                        .tell(startMessage(i));
            }
        }
    }

    private RouterEntity.Start startMessage(int i) {
        return new RouterEntity.Start(runId, routers.get(i).name, table.incarnation(i), clock.now(),
                ledger.snapshot(i), coordinator, ledger.startState(i));
    }
}
