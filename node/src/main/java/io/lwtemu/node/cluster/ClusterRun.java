package io.lwtemu.node.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.topology.Placement;
import io.lwtemu.node.topology.Topology;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Submits a topology to the cluster a client has joined. The only class the CLI and tests need: start a run, watch
 * its {@link ClusterProgress}, and get back the network whose routers hold the final counters of all members, for
 * the same {@link io.lwtemu.node.report.RunReport} as an embedded run.
 */
public final class ClusterRun {
    private final ClusterProgress progress = new ClusterProgress();
    private final CompletableFuture<Network> done = new CompletableFuture<>();
    private final String runId;

    /**
     * @param mirror     the network built from {@code topo} on the client (with its traffic installed, so flows
     *                   have their ids); it is not run, it receives the results
     * @param minMembers members that must host routers before the run starts
     */
    public ClusterRun(ActorSystem<?> client, Topology topo, Network mirror, long untilNs, int minMembers,
            Duration snapshotInterval, Duration startTimeout, Consumer<String> out) {
        this(client, topo, mirror, untilNs, minMembers, snapshotInterval, startTimeout, 0, out);
    }

    /** @param pace wall seconds per emulated second at least (1 = real time, 0 = as fast as possible) */
    public ClusterRun(ActorSystem<?> client, Topology topo, Network mirror, long untilNs, int minMembers,
            Duration snapshotInterval, Duration startTimeout, double pace, Consumer<String> out) {
        this.runId = topo.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        ClusterRunActor.Options options = new ClusterRunActor.Options(minMembers, snapshotInterval.toNanos(),
                startTimeout, pace);
        client.systemActorOf(ClusterRunActor.create(runId, TopologyBundle.of(topo), mirror, Placement.of(topo),
                untilNs, options, progress, done, out), "run-" + runId, Props.empty());
    }

    /**
     * A run of a topology shipped as {@code bundle} (with extra files, e.g. an experiment's scenario), placed by
     * {@code placement}, with {@code hooks} plugged into its coordinator (a cluster experiment's).
     */
    public ClusterRun(ActorSystem<?> client, Topology topo, TopologyBundle bundle, Placement placement,
            Network mirror, long untilNs, int minMembers, Duration snapshotInterval, Duration startTimeout,
            double pace, RunHooks hooks, Consumer<String> out) {
        this.runId = topo.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        ClusterRunActor.Options options = new ClusterRunActor.Options(minMembers, snapshotInterval.toNanos(),
                startTimeout, pace);
        client.systemActorOf(ClusterRunActor.create(runId, bundle, mirror, placement, untilNs, options, progress,
                done, hooks, out), "run-" + runId, Props.empty());
    }

    public String runId() {
        return runId;
    }

    public ClusterProgress progress() {
        return progress;
    }

    /** Completes with the mirror network once every member reported, or with a {@link ClusterRunException}. */
    public CompletableFuture<Network> done() {
        return done;
    }
}
