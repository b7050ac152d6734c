package io.lwtemu.node.experiment;

import io.lwtemu.node.fault.ClusterFaults;
import io.lwtemu.node.fault.FaultInjector;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A cluster experiment as a member holds it: the scenario (shipped with the topology, see {@link #DESCRIPTOR}),
 * its seeded topology, and for every copy of the network the member builds the fault timeline (so link, router,
 * program and map faults act on the routers wherever they run, between the same ticks as in one JVM) and a
 * per-packet ledger per router, sent to the client at the end. Member kill and restart are the client's business
 * (it owns the processes); partitions are cut here, in the data plane, by the placement.
 */
public final class MemberExperiment {
    /** Name of the file in a topology bundle that makes its run an experiment: scenario path, seed, duration. */
    public static final String DESCRIPTOR = "lwtemu-experiment.properties";

    private final Scenario scenario;
    private final long seed;
    private final long durationNs;
    private final Topology topology;
    private final Map<String, String> placement;
    private final Consumer<String> log;
    private final Map<Router, PacketLedger> ledgers = new IdentityHashMap<>();

    private MemberExperiment(Scenario scenario, long seed, long durationNs, Consumer<String> log) {
        this.scenario = scenario;
        this.seed = seed;
        this.durationNs = durationNs;
        this.topology = Experiment.seeded(scenario, seed, durationNs);
        this.placement = ExperimentPlacement.of(scenario);
        this.log = log;
    }

    /** The descriptor's text for {@code scenarioPath} (inside the bundle) run with {@code seed} for a duration. */
    public static byte[] descriptor(String scenarioPath, long seed, long durationNs) {
        Properties p = new Properties();
        p.setProperty("scenario", scenarioPath);
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("duration-ns", Long.toString(durationNs));
        try (java.io.StringWriter w = new java.io.StringWriter(); Writer ww = w) {
            p.store(ww, "lwtemu experiment shipped to a cluster member");
            return w.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The experiment of a bundle written to {@code dir}, or null when it carries none (a plain run). */
    public static MemberExperiment load(Path dir, Consumer<String> log) {
        Path d = dir.resolve(DESCRIPTOR);
        if (!Files.isRegularFile(d)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(d)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + d + ": " + e.getMessage(), e);
        }
        Scenario sc = ScenarioLoader.load(dir.resolve(p.getProperty("scenario")));
        return new MemberExperiment(sc, Long.parseLong(p.getProperty("seed")),
                Long.parseLong(p.getProperty("duration-ns")), log);
    }

    /** Traffic and faults stop here (the run goes on for the scenario's settle time). */
    public long durationNs() {
        return durationNs;
    }

    /** The topology to build copies from (the experiment's seed and duration). */
    public Topology topology() {
        return topology;
    }

    /**
     * Installs the fault timeline and the ledgers on a copy of the network, right after it was built and its
     * traffic installed (a copy built mid-run catches up by running the actions up to its start).
     */
    public synchronized void install(Network copy) {
        SplittableRandom root = new SplittableRandom(seed ^ Experiment.SEED_SALT);
        FaultInjector injector = new FaultInjector(copy, topology, new OnMember(), root.split(), line -> { });
        List<FaultSchedule.Occurrence> occ = FaultSchedule.expand(scenario, root.split());
        FaultSchedule.install(copy, injector, occ, durationNs);
        List<Router> rs = copy.routers();
        for (Router r : rs) {
            PacketLedger l = new PacketLedger(rs.size());
            ledgers.put(r, l);
            r.setObserver(l);
        }
    }

    /** The ledger of {@code router} (a router of one of the copies), as bytes for the client. */
    public synchronized byte[] ledger(Router router) {
        PacketLedger l = ledgers.get(router);
        return l == null ? null : l.toBytes();
    }

    /** Member faults as a member sees them: partitions cut by placement, kill and restart done by the client. */
    private final class OnMember implements ClusterFaults {
        @Override
        public List<String> members() {
            return scenario.members();
        }

        @Override
        public void kill(String member) {
            // The client SIGKILLs the member's JVM.
        }

        @Override
        public void restart(String member) {
            // The client starts it again.
        }

        @Override
        public void partition(Map<String, Set<String>> grudge) {
            log.accept("partition " + grudge);
        }

        @Override
        public void heal() {
            // The FaultInjector ends the data-plane cut.
        }

        @Override
        public Map<String, String> placement() {
            return placement;
        }
    }
}
