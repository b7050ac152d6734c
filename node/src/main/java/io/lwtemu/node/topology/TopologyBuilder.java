package io.lwtemu.node.topology;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.node.bpf.BpfLwtProgram;
import io.lwtemu.node.config.ConfigApplier;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.ConfigException;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.forward.BpfLwt;
import io.lwtemu.node.forward.LwtHook;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.seg6.BpfEndProgram;
import io.lwtemu.node.seg6.Seg6;
import io.lwtemu.node.topology.Topology.InterfaceSpec;
import io.lwtemu.node.topology.Topology.LinkSpec;
import io.lwtemu.node.topology.Topology.NodeSpec;
import io.lwtemu.node.tunnel.Tunnels;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a validated {@link Topology} into a {@link Network}: one {@link Router} per node with its interfaces, the
 * links, and each node's {@code config:} applied in order as the kernel would (addresses with their local and
 * connected routes, routes, rules, link settings, tunnel devices, SRv6) by a {@link ConfigApplier}. {@code encap
 * bpf} programs are opened with the router's own eBPF runtime for the hook's program type and verified; load and
 * verifier errors name the topology line.
 */
public final class TopologyBuilder {
    private final Topology topo;
    private final Consumer<String> log;

    private TopologyBuilder(Topology topo, Consumer<String> log) {
        this.topo = topo;
        this.log = log;
    }

    /** Builds the network; {@code log} receives the routers' one-time kernel warnings. */
    public static Network build(Topology topo, Consumer<String> log) {
        return new TopologyBuilder(topo, log).build();
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
                // Topology interfaces come up with their link or TUN device; others have no carrier.
                d.setUp(l != null || i.tun() != null);
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
            configure(n, net.router(n.name()));
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
     * {@code ip route add/del}, {@code ip rule}, {@code ip link set}); the kernel's answer becomes an
     * IllegalArgumentException. Tunnel devices cannot be created while running.
     */
    public static void applyAtRuntime(Topology topo, Router r, ConfigCommand c, Consumer<String> log) {
        TopologyBuilder b = new TopologyBuilder(topo, log);
        ConfigApplier applier = new ConfigApplier(topo.file(), r.fib(), r.devices(), (spec, rc) -> b.encap(r, spec),
                () -> {
                    throw new IllegalArgumentException("tunnel devices cannot be added while the network runs");
                }, new Seg6(line -> log.accept(r.name + ": " + line)));
        applier.carrier(d -> r.port(d.ifindex) == null || r.port(d.ifindex).link().isUp());
        try {
            applier.apply(c);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.detail, e);
        }
    }

    /**
     * The node's {@code config:} through the one {@link ConfigApplier}: BPF programs are loaded with the router's
     * runtime, tunnels are created on first use and bound to the router's pipeline with the router as backlog (so
     * decapsulated packets are re-received on the tunnel device in the next step, like netif_rx), and
     * {@code ip link set up} respects the link's carrier. Errors are reported at the topology line.
     */
    private void configure(NodeSpec n, Router r) {
        Tunnels[] tunnels = new Tunnels[1];
        ConfigApplier applier = new ConfigApplier(topo.file(), r.fib(), r.devices(), (spec, rc) -> encap(r, spec),
                () -> {
                    if (tunnels[0] == null) {
                        tunnels[0] = new Tunnels(r.fib(), r.devices());
                        tunnels[0].bind(r.pipeline(), r);
                    }
                    return tunnels[0];
                }, new Seg6(line -> log.accept(r.name + ": " + line)));
        applier.carrier(d -> r.port(d.ifindex) == null || r.port(d.ifindex).link().isUp());
        for (ConfigCommand c : n.config()) {
            try {
                applier.apply(c);
            } catch (ConfigException e) {
                throw new TopologyException(topo.file(), n.fileLine(c.line()), n.configIndent() + 1, "node "
                        + n.name() + ": " + e.detail);
            }
        }
    }

    /** The loader's half of {@link ConfigApplier}: {@code encap bpf} state, or End.BPF's program. */
    private Object encap(Router r, EncapSpec spec) {
        try {
            if (spec instanceof EncapSpec.Bpf b) {
                return bpfLwt(r, b);
            }
            if (spec instanceof EncapSpec.Seg6Local sl) {
                return BpfEndProgram.load(r.bpf(), sl.program(), r.runner().context());
            }
        } catch (BpfLoadException e) {
            throw new IllegalArgumentException("cannot load BPF program: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no loader for " + spec);
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
