package io.lwtemu.node.fault;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.node.bpf.BpfLwtProgram;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.BpfLwt;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.impair.NetemSpec;
import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.LinkDirection;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.ObjectRegistry;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Applies {@link Fault}s to a running {@link Network} and heals them. Every method runs between ticks (from
 * {@link Network#at} actions), when no router is processing, so a change is atomic for packets: each one sees the
 * network before or after it. What was done is recorded as {@link FaultEvent}s.
 */
public final class FaultInjector {
    private final Network net;
    private final Topology topo;
    private final ClusterFaults cluster;
    private final SplittableRandom random;
    private final Consumer<String> log;
    private final Map<Router, FibSnapshot> booted = new HashMap<>();
    private final Map<Router, List<LoadedObject>> swappedIn = new HashMap<>();
    private final MemberPartition.Arrivals[] arrivals;
    private MemberPartition partition;
    private final List<FaultEvent> events = new ArrayList<>();

    /**
     * @param cluster null in an embedded run (member faults are refused)
     * @param random  the experiment's stream for random partitions
     */
    public FaultInjector(Network net, Topology topo, ClusterFaults cluster, SplittableRandom random,
            Consumer<String> log) {
        this.net = net;
        this.topo = topo;
        this.cluster = cluster;
        this.random = random;
        this.log = log;
        List<Router> rs = net.routers();
        this.arrivals = new MemberPartition.Arrivals[rs.size()];
        for (Router r : rs) {
            booted.put(r, new FibSnapshot(r.fib()));
        }
    }

    public List<FaultEvent> events() {
        return List.copyOf(events);
    }

    /** What refuses {@code f} in this run before it starts (a cluster fault without a cluster, ...), or null. */
    public String refusal(Fault f) {
        if (f.needsCluster() && cluster == null) {
            return "'" + f.text() + "' needs a cluster run; an embedded run (one JVM) has no members to kill or"
                    + " partition";
        }
        if (f instanceof Fault.MapWrite m) {
            try {
                BpfMap map = map(net.router(m.node()), m);
                checkSizes(map, m);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /**
     * Injects {@code f} now (emulated {@code nowNs}). {@code endNs} is when it will be healed or resumed (the run's
     * end if nothing earlier), which a queue-mode pause needs. Returns what heals it, or null when nothing does.
     */
    public Runnable inject(Fault f, long nowNs, long endNs) {
        try {
            Runnable heal = apply(f, nowNs, endNs);
            record(nowNs, "inject", f, true, "");
            return heal == null ? null : () -> {
                try {
                    heal.run();
                    record(net.now(), "heal", f, true, "");
                } catch (RuntimeException e) {
                    record(net.now(), "heal", f, false, message(e));
                }
            };
        } catch (RuntimeException e) {
            record(nowNs, "inject", f, false, message(e));
            return null;
        }
    }

    private static String message(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private void record(long at, String action, Fault f, boolean ok, String message) {
        events.add(new FaultEvent(at, action, f.text(), targets(f), ok, message));
        log.accept(String.format(Locale.ROOT, "t=%.6fs %s %s%s", at / 1e9, action, f.text(),
                ok ? "" : ": FAILED: " + message));
    }

    /** Records a step of a running fault (a flap going down or up). */
    private void step(long at, String action, Fault f) {
        events.add(new FaultEvent(at, action, f.text(), targets(f), true, ""));
    }

    private static List<String> targets(Fault f) {
        if (f instanceof Fault.LinkState l) {
            return List.of(l.node() + ":" + l.iface());
        } else if (f instanceof Fault.LinkFlap l) {
            return List.of(l.node() + ":" + l.iface());
        } else if (f instanceof Fault.LinkImpair l) {
            return List.of(l.node() + ":" + l.iface());
        } else if (f instanceof Fault.RouterCrash c) {
            return List.of(c.node());
        } else if (f instanceof Fault.RouterRestart c) {
            return List.of(c.node());
        } else if (f instanceof Fault.RouterPause c) {
            return List.of(c.node());
        } else if (f instanceof Fault.RouterResume c) {
            return List.of(c.node());
        } else if (f instanceof Fault.IpCommand c) {
            return List.of(c.node());
        } else if (f instanceof Fault.ProgSwap c) {
            return List.of(c.node());
        } else if (f instanceof Fault.MapWrite c) {
            return List.of(c.node());
        } else if (f instanceof Fault.MemberState m) {
            return List.of(m.member());
        } else if (f instanceof Fault.Partition p) {
            List<String> t = new ArrayList<>(p.from());
            t.addAll(p.to());
            return t;
        }
        return List.of();
    }

    private Runnable apply(Fault f, long now, long end) {
        if (f instanceof Fault.LinkState l) {
            Link link = link(l.node(), l.iface());
            boolean before = link.isUp();
            link.setUp(l.up());
            return () -> link.setUp(before);
        } else if (f instanceof Fault.LinkFlap l) {
            return flap(l, now);
        } else if (f instanceof Fault.LinkImpair l) {
            return impair(l);
        } else if (f instanceof Fault.RouterCrash c) {
            Router r = router(c.node());
            crash(r, now);
            return () -> restart(r, net.now());
        } else if (f instanceof Fault.RouterRestart c) {
            restart(router(c.node()), now);
            return null;
        } else if (f instanceof Fault.RouterPause p) {
            Router r = router(p.node());
            if (p.drop()) {
                r.refuse(DropReason.ROUTER_PAUSED);
                return () -> r.refuse(null);
            }
            r.freeze(end);
            return () -> r.thaw(net.now());
        } else if (f instanceof Fault.RouterResume p) {
            Router r = router(p.node());
            if (r.refusing() == DropReason.ROUTER_PAUSED) {
                r.refuse(null);
            }
            if (r.frozen()) {
                r.thaw(now);
            }
            return null;
        } else if (f instanceof Fault.IpCommand c) {
            return ipCommand(router(c.node()), c.command());
        } else if (f instanceof Fault.ProgSwap s) {
            return progSwap(router(s.node()), s);
        } else if (f instanceof Fault.MapWrite m) {
            return mapWrite(router(m.node()), m);
        } else if (f instanceof Fault.MemberState m) {
            if (m.up()) {
                cluster.restart(m.member());
                return null;
            }
            cluster.kill(m.member());
            return () -> cluster.restart(m.member());
        } else if (f instanceof Fault.Partition p) {
            if (p.kind() == PartitionKind.HEAL) {
                heal(now);
                return null;
            }
            Map<String, java.util.Set<String>> grudge = Grudge.of(p, cluster.members(), random);
            cluster.partition(grudge);
            if (cluster.placement() != null) {
                cutPartition(grudge, now);
            }
            return () -> heal(net.now());
        }
        throw new IllegalArgumentException("unknown fault " + f);
    }

    // ---------------------------------------------------------------- partitions

    /** The filter every router consults for packets arriving from its links (created on first need). */
    private MemberPartition.Arrivals arrivals(Router r) {
        MemberPartition.Arrivals a = arrivals[r.index];
        if (a == null) {
            a = new MemberPartition.Arrivals();
            arrivals[r.index] = a;
            r.setArrivalFilter(a);
        }
        return a;
    }

    /** Cuts the data plane between the members of {@code grudge} from {@code now} on (a heal ends it). */
    private void cutPartition(Map<String, java.util.Set<String>> grudge, long now) {
        if (partition == null) {
            partition = new MemberPartition(cluster.members(), net.routers(), cluster.placement());
            for (Router r : net.routers()) {
                arrivals(r).partition = partition;
            }
        }
        partition.close(now); // a new partition replaces the one in place
        partition.open(grudge, now);
    }

    private void heal(long now) {
        cluster.heal();
        if (partition != null) {
            partition.close(now);
        }
    }

    // ---------------------------------------------------------------- links

    private Link link(String node, String iface) {
        Router r = router(node);
        NetDevice d = r.devices().byName(iface);
        Port p = d == null ? null : r.port(d.ifindex);
        if (p == null) {
            throw new IllegalArgumentException("no link on " + node + ":" + iface);
        }
        return p.link();
    }

    /** tc qdisc replace/del of the netem on the direction(s); the heal puts the previous settings back. */
    private Runnable impair(Fault.LinkImpair l) {
        Link link = link(l.node(), l.iface());
        Router r = router(l.node());
        Port from = r.port(r.devices().byName(l.iface()).ifindex);
        LinkDirection out = from.out;
        LinkDirection back = (link.a == from ? link.b : link.a).out;
        NetemSpec outBefore = out.netemSpec();
        NetemSpec backBefore = back.netemSpec();
        out.setNetem(l.netem());
        if (l.both()) {
            back.setNetem(l.netem());
        }
        return () -> {
            out.setNetem(outBefore);
            if (l.both()) {
                back.setNetem(backBefore);
            }
        };
    }

    /** Down for downNs, up for upNs, again and again until healed (the heal leaves the link up). */
    private Runnable flap(Fault.LinkFlap l, long now) {
        Link link = link(l.node(), l.iface());
        boolean[] stopped = {false};
        Runnable[] cycle = new Runnable[1];
        cycle[0] = () -> {
            if (stopped[0]) {
                return;
            }
            link.setUp(false);
            step(net.now(), "flap down", l);
            long downAt = net.now();
            net.at(downAt + l.downNs(), "flap up " + l.text(), () -> {
                if (stopped[0]) {
                    return;
                }
                link.setUp(true);
                step(net.now(), "flap up", l);
                net.at(net.now() + l.upNs(), "flap " + l.text(), cycle[0]);
            });
        };
        cycle[0].run();
        return () -> {
            stopped[0] = true;
            link.setUp(true);
        };
    }

    // ---------------------------------------------------------------- routers

    private Router router(String name) {
        Router r = net.router(name);
        if (r == null) {
            throw new IllegalArgumentException("no node '" + name + "'");
        }
        return r;
    }

    private void crash(Router r, long now) {
        if (r.refusing() == DropReason.ROUTER_DOWN) {
            throw new IllegalArgumentException("router " + r.name + " is down already");
        }
        if (r.frozen()) {
            r.thaw(now);
        }
        r.refuse(DropReason.ROUTER_DOWN);
        for (Port p : r.ports()) {
            Link l = p.link();
            Port far = l.a == p ? l.b : l.a;
            Router peer = far.router;
            MemberPartition.Arrivals a = arrivals(peer);
            if (a.crash == null) {
                a.crash = new CrashWindows();
            }
            CrashWindows w = a.crash;
            w.open(far, now, p.out.delayNs, r);
        }
    }

    /** Back with its boot configuration: routes and rules as the topology set them, maps empty. */
    private void restart(Router r, long now) {
        for (MemberPartition.Arrivals a : arrivals) {
            if (a != null && a.crash != null) {
                a.crash.close(r, now);
            }
        }
        if (r.frozen()) {
            r.thaw(now);
        }
        r.refuse(null);
        booted.get(r).restore(r.fib());
        for (ObjectRegistry.Loaded l : ObjectRegistry.of(r)) {
            clearMaps(l.object());
        }
        for (LoadedObject o : swappedIn.getOrDefault(r, List.of())) {
            clearMaps(o);
        }
    }

    private static void clearMaps(LoadedObject o) {
        for (BpfMap m : o.maps().values()) {
            if (m.name().startsWith(".")) {
                continue; // .data/.rodata/.bss hold the object's globals, not map state
            }
            List<byte[]> keys = new ArrayList<>();
            for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
                keys.add(k);
            }
            for (byte[] k : keys) {
                if (m.delete(k) != 0) {
                    byte[] v = m.lookup(k); // arrays cannot delete: zero the value
                    if (v != null) {
                        m.update(k, new byte[v.length], BpfMap.BPF_ANY);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- configuration

    /** Runs the command; the heal puts back the routes of the prefix (or the rule) as they were. */
    private Runnable ipCommand(Router r, ConfigCommand c) {
        if (c instanceof ConfigCommand.RouteCmd rc) {
            FibTable t = r.fib().table(rc.table());
            List<Route> before = t.routes(rc.prefix());
            TopologyBuilder.applyAtRuntime(topo, r, c, log);
            return () -> {
                for (Route x : t.routes(rc.prefix())) {
                    t.delete(x.prefix, x.metric, x.dev, x.gateway, x.type);
                }
                for (Route x : before) {
                    t.add(x);
                }
            };
        }
        if (c instanceof ConfigCommand.RuleCmd rule) {
            TopologyBuilder.applyAtRuntime(topo, r, c, log);
            ConfigCommand undo = new ConfigCommand.RuleCmd(rule.line(), !rule.add(), rule.rule());
            return () -> TopologyBuilder.applyAtRuntime(topo, r, undo, log);
        }
        if (c instanceof ConfigCommand.LinkSet ls) {
            NetDevice d = r.devices().byName(ls.dev());
            if (d == null) {
                throw new IllegalArgumentException("Cannot find device \"" + ls.dev() + "\"");
            }
            boolean up = d.isUp();
            int mtu = d.mtu();
            TopologyBuilder.applyAtRuntime(topo, r, c, log);
            return () -> {
                d.mtu(mtu);
                d.setUp(up);
            };
        }
        throw new IllegalArgumentException("not a run-time command: " + c);
    }

    /** Builds the route again with one program replaced and swaps it in with one FIB replace (same metric). */
    private Runnable progSwap(Router r, Fault.ProgSwap s) {
        FibTable t = r.fib().existingTable(s.table());
        List<Route> routes = t == null ? List.of() : t.routes(s.prefix());
        Route old = null;
        for (Route x : routes) {
            if (x.encap instanceof BpfLwt) {
                old = x;
                break;
            }
        }
        if (old == null) {
            throw new IllegalArgumentException("no route " + s.prefix() + " with encap bpf in table " + s.table()
                    + " of " + r.name);
        }
        BpfLwt b = (BpfLwt) old.encap;
        LoadedObject obj = r.bpf().open(s.prog().object(), s.hook().programType);
        LoadedProgram lp = obj.prepare(s.prog().section());
        String name = s.prog().object().getFileName() + ":[" + s.prog().section() + "]";
        BpfLwtProgram prog = new BpfLwtProgram(lp, r.runner(), name);
        r.addProgram(prog);
        swappedIn.computeIfAbsent(r, k -> new ArrayList<>()).add(obj);
        BpfLwt nb = switch (s.hook()) {
            case IN -> new BpfLwt(prog, name, b.out(), b.outName(), b.xmit(), b.xmitName(), b.headroom());
            case OUT -> new BpfLwt(b.in(), b.inName(), prog, name, b.xmit(), b.xmitName(), b.headroom());
            case XMIT -> new BpfLwt(b.in(), b.inName(), b.out(), b.outName(), prog, name, b.headroom());
        };
        Route oldRoute = old;
        t.replace(old.toBuilder().encap(nb).build());
        return () -> t.replace(oldRoute);
    }

    private BpfMap map(Router r, Fault.MapWrite m) {
        if (m.pinnedPath() != null) {
            BpfMap map = r.bpf().pins().get(m.pinnedPath());
            if (map == null) {
                throw new IllegalArgumentException("bpf obj get (" + m.pinnedPath() + "): No such file or directory"
                        + " (pinned maps of " + r.name + ": " + String.join(", ", r.bpf().pins().list().keySet())
                        + ")");
            }
            return map;
        }
        List<LoadedObject> objs = new ArrayList<>();
        for (ObjectRegistry.Loaded l : ObjectRegistry.of(r)) {
            objs.add(l.object());
        }
        objs.addAll(swappedIn.getOrDefault(r, List.of()));
        for (LoadedObject o : objs) {
            BpfMap map = o.maps().get(m.mapName());
            if (map != null) {
                return map;
            }
        }
        throw new IllegalArgumentException("no map named '" + m.mapName() + "' on " + r.name);
    }

    private static void checkSizes(BpfMap map, Fault.MapWrite m) {
        int ks = map.definition().keySize();
        if (m.key().length != ks) {
            throw new IllegalArgumentException("map '" + map.name() + "': key has " + m.key().length
                    + " bytes, expected " + ks);
        }
        if (m.value() != null && !map.type().isPerCpu() && m.value().length != map.definition().valueSize()) {
            throw new IllegalArgumentException("map '" + map.name() + "': value has " + m.value().length
                    + " bytes, expected " + map.definition().valueSize());
        }
    }

    /** bpftool map update/delete; the heal writes the old value back (or deletes a key that was new). */
    private Runnable mapWrite(Router r, Fault.MapWrite m) {
        BpfMap map = map(r, m);
        checkSizes(map, m);
        byte[] old = map.lookup(m.key());
        byte[] oldCopy = old == null ? null : Arrays.copyOf(old, old.length);
        int rc = m.value() == null ? map.delete(m.key()) : map.update(m.key(), m.value(), m.flags());
        if (rc != 0) {
            throw new IllegalArgumentException("map " + (m.value() == null ? "delete" : "update") + " failed: "
                    + errno(rc) + " (key " + HexFormat.ofDelimiter(" ").formatHex(m.key()) + ")");
        }
        return () -> {
            if (oldCopy == null) {
                map.delete(m.key());
            } else {
                map.update(m.key(), oldCopy, BpfMap.BPF_ANY);
            }
        };
    }

    private static String errno(int rc) {
        return switch (-rc) {
            case 2 -> "No such file or directory";
            case 7 -> "Argument list too long";
            case 17 -> "File exists";
            case 22 -> "Invalid argument";
            default -> "error " + rc;
        };
    }
}
