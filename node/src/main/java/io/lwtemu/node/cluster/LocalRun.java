package io.lwtemu.node.cluster;

import io.lwtemu.node.experiment.MemberExperiment;
import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.FlowSource;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One submitted topology as a member holds it: the bundle written to a folder of its own, and the network built
 * from it with the traffic installed. The routers this member hosts run on that network's {@link Router}s; a
 * router restarted here later (re-homed from a lost member) gets a fresh copy built at the current emulated time,
 * its flows resumed and the scheduled link events already applied.
 *
 * <p>Scheduled actions and link changes are applied to every copy between ticks, when no router runs.
 */
final class LocalRun {
    private static final ConcurrentHashMap<String, LocalRun> RUNS = new ConcurrentHashMap<>();

    /**
     * Where the ping output of the router running on this thread goes (its {@link RouterEntity} sets it while the
     * router runs), so it reaches the client's output; without it, the member's log.
     */
    static final ThreadLocal<List<String>> PING_OUT = new ThreadLocal<>();

    final String runId;
    final Topology topology;
    final long untilNs;
    private final Path dir;
    private final Network prepared;
    private final Set<String> taken = new HashSet<>();
    private final List<Network> copies = new ArrayList<>();
    private final java.util.Map<Network, Traffic> traffic = new java.util.IdentityHashMap<>();
    /** Per copy the line each ping session printed when it was set up ("PING ..."), in session order. */
    private final java.util.Map<Network, List<String>> pingHeaders = new java.util.IdentityHashMap<>();
    /** Routers whose member is gone: their links are down on every copy, also on copies built later. */
    private final Set<String> downRouters = new HashSet<>();
    private final Consumer<String> log;
    /** The fault timeline and ledgers of a cluster experiment, or null for a plain run. */
    private final MemberExperiment experiment;
    /** This member's {@link MemberTicker} of the run (set by its MemberHost when it prepares the run). */
    volatile akka.actor.typed.ActorRef<MemberTicker.Command> ticker;

    private LocalRun(String runId, TopologyBundle bundle, long untilNs, Consumer<String> log) {
        this.runId = runId;
        this.untilNs = untilNs;
        this.log = log;
        try {
            this.dir = Files.createTempDirectory("lwtemu-run-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the topology: " + e.getMessage(), e);
        }
        Path file = bundle.writeTo(dir);
        this.experiment = MemberExperiment.load(dir, log);
        this.topology = experiment != null ? experiment.topology() : TopologyLoader.load(file);
        this.prepared = build(0);
    }

    /** Builds (or finds) run {@code runId} on the member whose address is {@code member}. */
    static LocalRun prepare(String member, String runId, TopologyBundle bundle, long untilNs, Consumer<String> log) {
        return RUNS.computeIfAbsent(member + "|" + runId, k -> new LocalRun(runId, bundle, untilNs, log));
    }

    static LocalRun find(String member, String runId) {
        return RUNS.get(member + "|" + runId);
    }

    static LocalRun remove(String member, String runId) {
        LocalRun r = RUNS.remove(member + "|" + runId);
        if (r != null) {
            r.deleteFolder();
        }
        return r;
    }

    /** Names of the routers of every run going on in this JVM (the shards {@link BalancedByCount} counts). */
    static Set<String> activeRouterNames() {
        Set<String> names = new HashSet<>();
        for (LocalRun r : RUNS.values()) {
            names.addAll(r.topology.nodes().keySet());
        }
        return names;
    }

    private Network build(long nowNs) {
        Network net = TopologyBuilder.build(topology, log);
        List<String> before = PING_OUT.get();
        List<String> headers = new ArrayList<>();
        PING_OUT.set(headers);
        Traffic traffic;
        long trafficUntil = experiment != null ? experiment.durationNs() : untilNs; // an experiment's traffic stops
        try {
            traffic = Traffic.install(net, topology, trafficUntil, line -> {
                List<String> sink = PING_OUT.get();
                if (sink != null) {
                    sink.add(line);
                } else {
                    log.accept(line);
                }
            });
        } finally {
            PING_OUT.set(before);
        }
        this.traffic.put(net, traffic);
        this.pingHeaders.put(net, headers);
        if (experiment != null) {
            experiment.install(net);
        }
        if (nowNs > 0) {
            net.runActionsUpTo(nowNs);
            for (FlowSource f : traffic.flows()) {
                f.resumeAt(nowNs);
            }
        }
        for (String d : downRouters) {
            for (Port p : net.router(d).ports()) {
                p.link().setUp(false);
            }
        }
        copies.add(net);
        return net;
    }

    /**
     * The router {@code name} to host from emulated time {@code nowNs}: the prepared copy's the first time, a
     * fresh one (clock at {@code nowNs}, flows resumed there) when it was taken before or the run has begun.
     */
    synchronized Router router(String name, long nowNs) {
        if (nowNs == 0 && taken.add(name)) {
            return prepared.router(name);
        }
        Router r = build(nowNs).router(name);
        r.runUntil(nowNs);
        return r;
    }

    /** The experiment ledger of a router this member hosts, as bytes for the client; null in a plain run. */
    byte[] experimentLedger(Router r) {
        return experiment == null ? null : experiment.ledger(r);
    }

    /** The lines the ping sessions of {@code r} printed when they were set up. */
    synchronized List<String> pingHeaders(Router r) {
        List<String> out = new ArrayList<>();
        for (java.util.Map.Entry<Network, List<String>> e : pingHeaders.entrySet()) {
            List<String> h = e.getValue();
            if (e.getKey().router(r.name) != r || h.size() != topology.pings().size()) {
                continue;
            }
            for (int i = 0; i < h.size(); i++) {
                if (topology.pings().get(i).from().equals(r.name)) {
                    out.add(h.get(i));
                }
            }
        }
        return out;
    }

    /** The ping sessions that start at {@code r} (on the copy of the network it runs on). */
    synchronized List<io.lwtemu.node.traffic.PingSession> pings(Router r) {
        List<io.lwtemu.node.traffic.PingSession> out = new ArrayList<>();
        for (java.util.Map.Entry<Network, Traffic> e : traffic.entrySet()) {
            if (e.getKey().router(r.name) != r) {
                continue;
            }
            List<io.lwtemu.node.traffic.PingSession> all = e.getValue().pings();
            for (int i = 0; i < all.size(); i++) {
                if (topology.pings().get(i).from().equals(r.name)) {
                    out.add(all.get(i));
                }
            }
        }
        return out;
    }

    /** Index of every router, same on all members (file order). */
    int routerCount() {
        return prepared.routers().size();
    }

    int flowSlots() {
        return Math.max(prepared.flowSlots(), prepared.flowNames().size());
    }

    /** Runs the scheduled actions (link events) due at or before {@code t} on every copy. */
    synchronized void applyActions(long t) {
        for (Network n : copies) {
            n.runActionsUpTo(t);
        }
    }

    /** Takes every link of {@code router} down or up on every copy (a router whose member is gone). */
    synchronized void setRouterLinks(String router, boolean up) {
        if (up) {
            downRouters.remove(router);
        } else {
            downRouters.add(router);
        }
        for (Network n : copies) {
            Router r = n.router(router);
            for (Port p : r.ports()) {
                Link l = p.link();
                l.setUp(up);
            }
        }
    }

    private void deleteFolder() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary folder; the OS cleans it eventually.
        }
    }
}
