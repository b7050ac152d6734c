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
    private final List<String> flowNames = new ArrayList<>(List.of("-"));
    private long lookahead = Long.MAX_VALUE;
    private long now;

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
        String[] names = byName.keySet().toArray(new String[0]);
        for (Router x : routers) {
            x.setNodeNames(names);
        }
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

    /** Runs every router up to {@code until} in this thread, tick by tick. Deterministic. */
    public void runUntil(long until) {
        long step = lookahead();
        for (;;) {
            long t = nextEventTime();
            if (t >= until) {
                break;
            }
            long end = Math.min(until, Math.max(t, now) + step);
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
                for (io.lwtemu.proto.Packet pkt : p.incoming) {
                    perFlow[pkt.getFlowId()]++;
                }
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
