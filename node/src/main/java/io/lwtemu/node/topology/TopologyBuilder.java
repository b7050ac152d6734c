package io.lwtemu.node.topology;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.node.bpf.BpfLwtProgram;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.fib.FibException;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.BpfLwt;
import io.lwtemu.node.forward.LwtHook;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology.InterfaceSpec;
import io.lwtemu.node.topology.Topology.LinkSpec;
import io.lwtemu.node.topology.Topology.NodeSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a validated {@link Topology} into a {@link Network}: one {@link Router} per node with its interfaces, the
 * links, and each node's {@code config:} applied in order as the kernel would (addresses with their local and
 * connected routes, routes, rules, link settings). {@code encap bpf} programs are opened with the router's own
 * eBPF runtime for the hook's program type and verified; load and verifier errors name the topology line.
 * Tunnel devices and seg6 routes go to the {@link TunnelSupport}.
 */
public final class TopologyBuilder {
    private final Topology topo;
    private final TunnelSupport tunnels;
    private final Consumer<String> log;

    private TopologyBuilder(Topology topo, TunnelSupport tunnels, Consumer<String> log) {
        this.topo = topo;
        this.tunnels = tunnels;
        this.log = log;
    }

    /** Builds with lwtemu's tunnel devices and SRv6 states. */
    public static Network build(Topology topo, Consumer<String> log) {
        return build(topo, new RouterTunnels(log), log);
    }

    public static Network build(Topology topo, TunnelSupport tunnels, Consumer<String> log) {
        return new TopologyBuilder(topo, tunnels, log).build();
    }

    private Network build() {
        Network net = new Network(topo.name());
        Map<String, LinkSpec> linkOf = new HashMap<>();
        for (LinkSpec l : topo.links()) {
            linkOf.put(l.aNode() + ":" + l.aIf(), l);
            linkOf.put(l.bNode() + ":" + l.bIf(), l);
        }
        for (NodeSpec n : topo.nodes().values()) {
            Router r = net.addRouter(n.name(), n.kind() == Topology.Kind.HOST, n.cpus(), topo.seed(), log);
            for (InterfaceSpec i : n.interfaces().values()) {
                LinkSpec l = linkOf.get(n.name() + ":" + i.name());
                int mtu = l != null && l.mtu() > 0 ? Math.min(l.mtu(), i.mtu()) : i.mtu();
                NetDevice d = r.devices().add(i.name(), mtu);
                // Topology interfaces come up with their link; an interface without a link has no carrier.
                d.setUp(l != null);
            }
        }
        for (LinkSpec l : topo.links()) {
            Router a = net.router(l.aNode());
            Router b = net.router(l.bNode());
            NetDevice ad = a.devices().byName(l.aIf());
            NetDevice bd = b.devices().byName(l.bIf());
            int mtu = l.mtu() > 0 ? l.mtu() : Math.max(ad.mtu(), bd.mtu());
            io.lwtemu.node.net.Link link = net.connect(ad, a, bd, b, l.delayNs(), l.bandwidthBps(), mtu, l.queue());
            link.setSeed(topo.seed());
            link.aToB().setNetem(l.netemAtoB());
            link.bToA().setNetem(l.netemBtoA());
        }
        for (NodeSpec n : topo.nodes().values()) {
            Router r = net.router(n.name());
            for (ConfigCommand c : n.config()) {
                apply(n, r, c);
            }
        }
        for (Topology.EventSpec e : topo.events()) {
            Router r = net.router(e.node());
            io.lwtemu.node.net.Link link = r.port(r.devices().byName(e.iface()).ifindex).link();
            net.at(e.atNs(), "link " + link + (e.up() ? " up" : " down"), () -> link.setUp(e.up()));
        }
        return net;
    }

    /**
     * Applies one iproute2 command to router {@code r} of a built topology while it runs (fault experiments:
     * {@code ip route add/del}, {@code ip rule}); the kernel's answer becomes an IllegalArgumentException.
     */
    public static void applyAtRuntime(Topology topo, Router r, ConfigCommand c, Consumer<String> log) {
        NodeSpec n = topo.nodes().get(r.name);
        try {
            new TopologyBuilder(topo, new RouterTunnels(log), log).apply(n, r, c);
        } catch (TopologyException e) {
            throw new IllegalArgumentException(e.detail.startsWith("node " + r.name + ": ")
                    ? e.detail.substring(r.name.length() + 7) : e.detail, e);
        }
    }

    private void apply(NodeSpec n, Router r, ConfigCommand c) {
        try {
            if (c instanceof ConfigCommand.AddrAdd a) {
                r.devices().addAddress(r.fib(), a.dev(), a.address(), a.prefixLength());
            } else if (c instanceof ConfigCommand.LinkSet s) {
                linkSet(r, s);
            } else if (c instanceof ConfigCommand.RouteCmd rc) {
                route(n, r, rc);
            } else if (c instanceof ConfigCommand.RuleCmd rule) {
                if (rule.add()) {
                    r.fib().addRule(rule.rule());
                } else {
                    r.fib().deleteRule(rule.rule());
                }
            } else {
                tunnels.apply(r, c);
            }
        } catch (FibException e) {
            throw error(n, c, "RTNETLINK answers: " + e.getMessage());
        } catch (BpfLoadException e) {
            throw error(n, c, "cannot load BPF program: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw error(n, c, e.getMessage());
        }
    }

    private static void linkSet(Router r, ConfigCommand.LinkSet s) {
        NetDevice d = device(r, s.dev());
        if (s.mtu() != null) {
            d.mtu(s.mtu());
        }
        if (s.up() != null) {
            boolean linked = r.port(d.ifindex) != null;
            // "up" on a linked interface whose link is down keeps NO-CARRIER.
            d.setUp(s.up() && (!linked || r.port(d.ifindex).link().isUp()));
        }
    }

    private static NetDevice device(Router r, String name) {
        NetDevice d = r.devices().byName(name);
        if (d == null) {
            throw new IllegalArgumentException("Cannot find device \"" + name + "\"");
        }
        return d;
    }

    private void route(NodeSpec n, Router r, ConfigCommand.RouteCmd rc) {
        if (rc.dev() != null) {
            device(r, rc.dev());
        }
        Object encap = null;
        if (rc.encap() instanceof EncapSpec.Bpf b) {
            encap = bpfLwt(r, b);
        } else if (rc.encap() != null) {
            encap = tunnels.encapState(r, rc.encap());
        }
        Route route = rc.toRoute(encap);
        switch (rc.op()) {
            case ADD -> r.fib().table(rc.table()).add(route);
            case REPLACE -> r.fib().table(rc.table()).replace(route);
            case DEL -> {
                if (r.fib().table(rc.table()).delete(rc.prefix(), rc.metric(), rc.dev(), rc.via(), rc.type()) == null) {
                    throw new IllegalArgumentException("RTNETLINK answers: No such process");
                }
            }
        }
    }

    private BpfLwt bpfLwt(Router r, EncapSpec.Bpf b) {
        LwtProgram in = load(r, b.in(), LwtHook.IN);
        LwtProgram out = load(r, b.out(), LwtHook.OUT);
        LwtProgram xmit = load(r, b.xmit(), LwtHook.XMIT);
        return new BpfLwt(in == null ? null : in.prog, in == null ? null : in.name, out == null ? null : out.prog,
                out == null ? null : out.name, xmit == null ? null : xmit.prog, xmit == null ? null : xmit.name,
                b.headroom());
    }

    private record LwtProgram(BpfLwtProgram prog, String name) {}

    /** iproute2 loads the object for each route; maps are per load unless pinned. */
    private static LwtProgram load(Router r, ProgRef ref, LwtHook hook) {
        if (ref == null) {
            return null;
        }
        LoadedObject obj = r.bpf().open(ref.object(), hook.programType);
        LoadedProgram p = obj.prepare(ref.section());
        ObjectRegistry.register(r, ref, obj);
        String name = ref.object().getFileName() + ":[" + ref.section() + "]";
        BpfLwtProgram prog = new BpfLwtProgram(p, r.runner(), name);
        r.addProgram(prog);
        return new LwtProgram(prog, name);
    }

    private TopologyException error(NodeSpec n, ConfigCommand c, String msg) {
        return new TopologyException(topo.file(), n.fileLine(c.line()), n.configIndent() + 1, "node " + n.name()
                + ": " + msg);
    }
}
