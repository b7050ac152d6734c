package io.lwtemu.node.net;

import io.lwtemu.node.forward.NetDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Routers and the links between them, in emulated time. Time advances in ticks no longer than the shortest link
 * delay (the lookahead): a packet sent during a tick cannot arrive before the tick ends, so routers can process
 * one tick independently, in one thread ({@link #runUntil}) or in parallel actors, and the result is the same.
 * Idle stretches are skipped: the next tick starts at the earliest pending event.
 */
public final class Network {
    public final String name;
    private final List<Router> routers = new ArrayList<>();
    private final Map<String, Router> byName = new LinkedHashMap<>();
    private final List<Link> links = new ArrayList<>();
    private final List<String> nodeNames = new ArrayList<>();
    private final List<String> flowNames = new ArrayList<>(List.of("-"));
    private long lookahead = Long.MAX_VALUE;
    private long now;
    private final java.util.PriorityQueue<TimedAction> actions = new java.util.PriorityQueue<>();
    private long actionSeq;

    /** A change of the network at an emulated time (link down/up, later: route changes, crashes). */
    public record TimedAction(long atNs, long seq, String description, Runnable action)
            implements Comparable<TimedAction> {
        @Override
        public int compareTo(TimedAction o) {
            int c = Long.compare(atNs, o.atNs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public Network(String name) {
        this.name = name;
    }

    public Router addRouter(String routerName, boolean host, int cpus, long seed, Consumer<String> log) {
        if (byName.containsKey(routerName)) {
            throw new IllegalArgumentException("node " + routerName + " already exists");
        }
        Router r = new Router(routers.size(), routerName, host, cpus, seed, log);
        routers.add(r);
        byName.put(routerName, r);
        // One list shared by all routers (they read it only to name packets in traces): adding a router stays O(1).
        nodeNames.add(routerName);
        r.setNodeNames(nodeNames);
        return r;
    }

    /** Connects two interfaces with a link whose directions share delay, bandwidth, MTU and queue length. */
    public Link connect(NetDevice aDev, Router a, NetDevice bDev, Router b, long delayNs, long bandwidthBps,
            int mtu, int queue) {
        if (delayNs <= 0) {
            throw new IllegalArgumentException("link delay must be > 0");
        }
        Port pa = a.attach(aDev, new LinkDirection(delayNs, bandwidthBps, mtu, queue));
        Port pb = b.attach(bDev, new LinkDirection(delayNs, bandwidthBps, mtu, queue));
        Link l = new Link(pa, pb);
        pa.link = l;
        pb.link = l;
        pa.peer = b;
        pa.peerIfindex = bDev.ifindex;
        pb.peer = a;
        pb.peerIfindex = aDev.ifindex;
        links.add(l);
        lookahead = Math.min(lookahead, delayNs);
        return l;
    }

    /** Gives a flow its id for per-flow counters (0 is "no flow"). */
    public int registerFlow(String flowName) {
        flowNames.add(flowName);
        return flowNames.size() - 1;
    }

    public List<String> flowNames() {
        return List.copyOf(flowNames);
    }

    public List<Router> routers() {
        return List.copyOf(routers);
    }

    public Router router(String routerName) {
        return byName.get(routerName);
    }

    public List<Link> links() {
        return List.copyOf(links);
    }

    /** Longest tick that keeps routers independent: the shortest link delay. */
    public long lookahead() {
        return lookahead == Long.MAX_VALUE ? 1_000_000 : lookahead;
    }

    public long now() {
        return now;
    }

    /** Earliest pending event over all routers, or Long.MAX_VALUE when the network is idle. */
    public long nextEventTime() {
        long t = Long.MAX_VALUE;
        for (Router r : routers) {
            t = Math.min(t, r.nextEventTime());
        }
        return t;
    }

    /**
     * Schedules {@code action} at emulated time {@code atNs}. It runs between ticks, when no router is running:
     * events before {@code atNs} have happened, events at or after it have not.
     */
    public void at(long atNs, String description, Runnable action) {
        actions.add(new TimedAction(atNs, actionSeq++, description, action));
    }

    /** Time of the next scheduled action, or Long.MAX_VALUE. */
    public long nextActionTime() {
        TimedAction a = actions.peek();
        return a == null ? Long.MAX_VALUE : a.atNs();
    }

    /** Runs the actions due at or before {@code t}; the network must be quiescent. Returns their descriptions. */
    public List<String> runActionsUpTo(long t) {
        List<String> done = new ArrayList<>();
        while (!actions.isEmpty() && actions.peek().atNs() <= t) {
            TimedAction a = actions.poll();
            a.action().run();
            done.add(a.description());
        }
        return done;
    }

    private Consumer<String> actionLog = s -> { };

    /** Receives "t=1.000s link r2:eth1 down" lines when scheduled actions run. */
    public void setActionLog(Consumer<String> log) {
        this.actionLog = log;
    }

    /** Runs actions due at {@code t} and logs them. */
    public void applyActions(long t) {
        for (String d : runActionsUpTo(t)) {
            actionLog.accept(String.format(java.util.Locale.ROOT, "t=%.6fs %s", t / 1e9, d));
        }
    }

    /** Runs every router up to {@code until} in this thread, tick by tick. Deterministic. */
    public void runUntil(long until) {
        long step = lookahead();
        for (;;) {
            long a = nextActionTime();
            long t = Math.min(nextEventTime(), a);
            if (t >= until) {
                break;
            }
            if (a <= t) {
                for (Router r : routers) {
                    r.runUntil(a);
                }
                now = Math.max(now, a);
                applyActions(a);
                continue;
            }
            long end = Math.min(Math.min(until, a), Math.max(t, now) + step);
            for (Router r : routers) {
                r.runUntil(end);
            }
            now = end;
        }
        if (until != Long.MAX_VALUE) {
            for (Router r : routers) {
                r.runUntil(until);
            }
            now = Math.max(now, until);
        }
    }

    /** Advances the network clock after a driver (the actor layer) ran the routers to {@code t}. */
    public void advancedTo(long t) {
        now = Math.max(now, t);
    }

    /** Packets on links or waiting for re-injection, per flow id. Only on a quiescent network. */
    public long[] inFlightPerFlow() {
        long[] perFlow = new long[flowSlots()];
        for (Router r : routers) {
            for (Port p : r.ports()) {
                p.countInFlight(perFlow);
            }
            r.countPending(perFlow);
        }
        return perFlow;
    }

    /** Number of flow id slots any counter uses. */
    public int flowSlots() {
        int n = flowNames.size();
        for (Router r : routers) {
            n = Math.max(n, r.flows().flows());
        }
        return n;
    }
}
