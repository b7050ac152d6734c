package io.lwtemu.node.traffic;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.YamlNode;
import io.lwtemu.node.topology.Topology.FlowSpec;
import io.lwtemu.node.topology.Topology.PingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The traffic of a topology installed on its network: one {@link FlowSource} per flow, one ping per ping. */
public final class Traffic {
    private final List<FlowSource> flows = new ArrayList<>();
    private final List<PingSession> pings = new ArrayList<>();
    private final List<PcapReplay> replays = new ArrayList<>();

    private Traffic() {
    }

    /**
     * Registers every flow and ping with the network (per-flow counters) and schedules it on its node.
     *
     * @param runEndNs flows without count or duration stop here
     * @param pingOut  receives the pings' iputils-like output lines
     */
    public static Traffic install(Network net, Topology topo, long runEndNs, Consumer<String> pingOut) {
        Traffic t = new Traffic();
        for (FlowSpec f : topo.flows()) {
            Router r = net.router(f.from());
            int id = net.registerFlow(f.name());
            if (f.pcap() != null) {
                try {
                    PcapReplay rp = new PcapReplay(f, id, runEndNs);
                    t.replays.add(rp);
                    r.schedule(rp);
                } catch (IllegalArgumentException e) {
                    throw located(topo, f.loc(), "flow " + f.name() + ": " + e.getMessage());
                }
                continue;
            }
            FlowSource s;
            try {
                s = new FlowSource(f, id, r, runEndNs);
            } catch (IllegalArgumentException e) {
                throw located(topo, f.loc(), "flow " + f.name() + ": " + e.getMessage());
            }
            t.flows.add(s);
            r.schedule(s);
        }
        int n = 0;
        for (PingSpec p : topo.pings()) {
            Router r = net.router(p.from());
            int id = net.registerFlow("ping" + (++n) + ":" + p.from() + "->" + p.to());
            PingSession s;
            try {
                s = new PingSession(r, p.to(), p.count(), p.size(), p.intervalNs(), p.startNs(), true, id, pingOut);
            } catch (IllegalArgumentException e) {
                throw located(topo, p.loc(), "ping: " + e.getMessage());
            }
            t.pings.add(s);
            r.schedule(s);
        }
        return t;
    }

    private static TopologyException located(Topology topo, YamlNode.Loc loc, String msg) {
        return new TopologyException(topo.file(), loc.line(), loc.column(), msg);
    }

    public List<FlowSource> flows() {
        return flows;
    }

    /** Flows that replay a pcap file. */
    public List<PcapReplay> replays() {
        return replays;
    }

    public List<PingSession> pings() {
        return pings;
    }
}
