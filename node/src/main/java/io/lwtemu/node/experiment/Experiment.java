package io.lwtemu.node.experiment;

import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.experiment.FaultSchedule.Occurrence;
import io.lwtemu.node.fault.ClusterFaults;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.fault.FaultInjector;
import io.lwtemu.node.net.FlowCounters;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of a {@link Scenario}: builds the topology with the experiment seed, installs its traffic, the fault
 * schedule, the per-packet ledgers and the timeline sampler, runs it on the actor engine (or sequentially, with
 * the same result) and collects an {@link ExperimentReport}. Every random choice comes from the seed: the
 * routers' BPF prandom, link models, the nemesis and random partitions.
 */
public final class Experiment {
    private final Scenario scenario;
    private final long seed;
    private final long durationNs;
    private final Network net;
    private final Traffic traffic;
    private final FaultInjector injector;
    private final List<Occurrence> occurrences;
    private final PacketLedger[] ledgers;
    private final TimelineSampler sampler;
    private final List<String> log = new ArrayList<>();

    /**
     * @param seed        the experiment seed (null: the scenario's)
     * @param durationNs  run length (null: the scenario's)
     * @param cluster    the cluster run's member faults, or null for an embedded run
     * @param out        receives fault and ping lines as they happen
     */
    public Experiment(Scenario scenario, Long seed, Long durationNs, ClusterFaults cluster, Consumer<String> out) {
        this.scenario = scenario;
        this.seed = seed != null ? seed : scenario.seed();
        this.durationNs = durationNs != null ? durationNs : scenario.durationNs();
        Topology seeded = seeded(scenario, this.seed, this.durationNs);
        Consumer<String> sink = line -> {
            synchronized (log) {
                log.add(line);
            }
            out.accept(line);
        };
        this.net = TopologyBuilder.build(seeded, sink);
        this.traffic = Traffic.install(net, seeded, this.durationNs, sink);
        SplittableRandom root = new SplittableRandom(this.seed ^ SEED_SALT);
        this.injector = new FaultInjector(net, seeded, cluster, root.split(), sink);
        this.occurrences = FaultSchedule.expand(scenario, root.split());
        for (Occurrence o : occurrences) {
            String why = injector.refusal(o.fault());
            if (why != null) {
                throw new ExperimentException(scenario.file() + ":" + o.loc().line() + ":" + o.loc().column() + ": "
                        + why);
            }
        }
        if (scenario.nemesis() != null) {
            for (Fault f : scenario.nemesis().faults()) {
                String why = injector.refusal(f);
                if (why != null) {
                    throw new ExperimentException(scenario.file() + ":" + scenario.nemesis().loc().line() + ":"
                            + scenario.nemesis().loc().column() + ": " + why);
                }
            }
        }
        List<Router> rs = net.routers();
        this.ledgers = new PacketLedger[rs.size()];
        for (Router r : rs) {
            ledgers[r.index] = new PacketLedger(rs.size());
            r.setObserver(ledgers[r.index]);
        }
        FaultSchedule.install(net, injector, occurrences, this.durationNs);
        this.sampler = new TimelineSampler(net);
        sampler.install(endNs());
        net.setActionLog(line -> { });
    }

    /** Mixed into the seed for the fault streams (partitions, nemesis); members derive the same streams. */
    static final long SEED_SALT = 0x6c7774656d75L;

    /** The scenario's topology with the experiment's seed and duration (what every engine and member builds). */
    public static Topology seeded(Scenario scenario, long seed, long durationNs) {
        Topology t = scenario.topology();
        return new Topology(t.file(), t.name(), seed, t.cpus(), durationNs, t.nodes(), t.links(), t.flows(),
                t.pings(), t.events());
    }

    /**
     * Puts the per-packet ledger a cluster member kept for router {@code index} (its {@link
     * MemberExperiment#ledger}) in place of this network's, which did not run that router.
     */
    public void takeLedger(int index, byte[] ledger) {
        ledgers[index] = PacketLedger.fromBytes(ledger, ledgers.length);
    }

    /**
     * Where the timeline reads the routers' counters: this network's (embedded), or a cluster coordinator's view
     * of the counters of every router as of the last tick ({@link FlowCounters#toVector()} layout per router).
     */
    public void readCountersFrom(java.util.function.IntFunction<long[]> countersOfRouter) {
        sampler.readFrom(countersOfRouter);
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Faults stop and are healed at the duration; the run goes on for the settle time. */
    public long endNs() {
        return durationNs + scenario.settleNs();
    }

    public Network network() {
        return net;
    }

    public long seed() {
        return seed;
    }

    /** Traffic and faults stop here; the run ends {@link #endNs()}. */
    public long durationNs() {
        return durationNs;
    }

    /** Runs the network to an emulated time; a cluster run plugs in its own (its coordinator). */
    @FunctionalInterface
    public interface Driver {
        void runUntil(Network net, long untilNs) throws Exception;
    }

    /** Runs to the end and reports; {@code sequential} runs all routers in this thread (same result). */
    public ExperimentReport run(boolean sequential) throws Exception {
        return run(sequential ? Network::runUntil : (n, until) -> {
            try (ActorDriver driver = new ActorDriver(n)) {
                driver.runUntil(until).toCompletableFuture().get(7, TimeUnit.DAYS);
            }
        });
    }

    /** Runs to the end with {@code driver} and reports. */
    public ExperimentReport run(Driver driver) throws Exception {
        driver.runUntil(net, endNs());
        sampler.readFrom(null); // the network now holds every router's final counters
        for (PingSession p : traffic.pings()) {
            p.finish();
        }
        sampler.sample(net.now());
        RunReport run = RunReport.of(net);
        return ExperimentReport.of(scenario, seed, durationNs, net, run, ledgers, sampler, injector.events(),
                occurrences, traffic);
    }
}
