package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.ConfigException;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.topology.Topology.FlowSpec;
import io.lwtemu.node.topology.Topology.InterfaceSpec;
import io.lwtemu.node.topology.Topology.Kind;
import io.lwtemu.node.topology.Topology.LinkSpec;
import io.lwtemu.node.topology.Topology.NodeSpec;
import io.lwtemu.node.topology.Topology.PingSpec;
import io.lwtemu.node.topology.Topology.Proto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a topology file (FORMAT.md). Every mistake is a {@link TopologyException} naming the file,
 * line and column and what was expected; {@code config:} blocks go through {@link IpCommandParser} and its errors
 * are mapped from the block's line to the file's line.
 */
public final class TopologyLoader {
    public static final int DEFAULT_MTU = 1500;
    public static final long DEFAULT_DELAY_NS = 100_000;
    public static final int DEFAULT_QUEUE = 1000;
    public static final int MIN_MTU = 68;
    // Compiled once: a topology of a thousand nodes checks each name (String.matches compiles every time).
    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Path file;
    /** Typed reads of this file's YAML nodes, errors at file:line:column. */
    private final YamlValues yv;
    private final String[] lines;

    private TopologyLoader(Path file, String text) {
        this.file = file;
        this.yv = new YamlValues(file);
        this.lines = LINE_BREAK.split(text, -1);
    }

    public static Topology load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TopologyException(file, 0, 0, "cannot read topology file: " + e);
        }
        return parse(file, text);
    }

    /** Parses {@code text} as if read from {@code file} (object paths resolve against its folder). */
    public static Topology parse(Path file, String text) {
        return new TopologyLoader(file, text).topology(new YamlReader(file).read(text));
    }

    private Topology topology(YamlNode rootNode) {
        YamlNode.Map root = yv.map(rootNode, "the topology");
        yv.known(root, "the topology", "name", "seed", "cpus", "duration", "nodes", "links", "traffic", "events",
                "capture", "faults", "nemesis", "members", "settle", // the last four: io.lwtemu.node.experiment
                "placement");
        String name = root.get("name") == null ? stem() : yv.text(root.get("name"), "a name");
        long seed = root.get("seed") == null ? 1 : yv.integer(root.get("seed"), "a seed", Long.MIN_VALUE, Long.MAX_VALUE);
        int cpus = root.get("cpus") == null ? 2 : (int) yv.integer(root.get("cpus"), "a CPU count", 1, 1024);
        long duration = root.get("duration") == null ? 5_000_000_000L : yv.duration(root.get("duration"));

        YamlNode nodesNode = root.get("nodes");
        if (nodesNode == null) {
            throw yv.error(root.loc(), "missing 'nodes:', expected a map of node names to nodes");
        }
        LinkedHashMap<String, NodeSpec> nodes = new LinkedHashMap<>();
        for (YamlNode.Entry e : yv.map(nodesNode, "'nodes'").entries().values()) {
            nodes.put(e.key(), node(e, cpus));
        }
        List<LinkSpec> links = new ArrayList<>();
        Map<String, YamlNode.Loc> usedEnds = new HashMap<>();
        YamlNode linksNode = root.get("links");
        if (linksNode != null) {
            for (YamlNode l : yv.seq(linksNode, "'links'").items()) {
                links.add(link(l, nodes, usedEnds));
            }
        }
        List<FlowSpec> flows = new ArrayList<>();
        List<PingSpec> pings = new ArrayList<>();
        YamlNode trafficNode = root.get("traffic");
        if (trafficNode != null) {
            YamlNode.Map traffic = yv.map(trafficNode, "'traffic'");
            yv.known(traffic, "'traffic'", "flows", "pings");
            if (traffic.get("flows") != null) {
                Set<String> names = new java.util.HashSet<>();
                for (YamlNode f : yv.seq(traffic.get("flows"), "'flows'").items()) {
                    FlowSpec fs = flow(f, nodes, flows.size());
                    if (!names.add(fs.name())) {
                        throw yv.error(f.loc(), "duplicate flow name '" + fs.name() + "'");
                    }
                    flows.add(fs);
                }
            }
            if (traffic.get("pings") != null) {
                for (YamlNode p : yv.seq(traffic.get("pings"), "'pings'").items()) {
                    pings.add(ping(p, nodes));
                }
            }
        }
        List<Topology.EventSpec> events = new ArrayList<>();
        if (root.get("events") != null) {
            for (YamlNode e : yv.seq(root.get("events"), "'events'").items()) {
                events.add(event(e, nodes, links));
            }
        }
        List<Topology.CaptureSpec> captures = captures(root.get("capture"), nodes);
        tunNotLinked(nodes, links);
        return new Topology(file, name, seed, cpus, duration, nodes, List.copyOf(links), List.copyOf(flows),
                List.copyOf(pings), List.copyOf(events), captures);
    }

    private String stem() {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    // ---------------------------------------------------------------- nodes

    private NodeSpec node(YamlNode.Entry e, int defaultCpus) {
        String name = e.key();
        if (!NODE_NAME.matcher(name).matches()) {
            throw yv.error(e.keyLoc(), "bad node name '" + name + "', expected letters, digits, '_', '.', '-'");
        }
        YamlNode.Map m = yv.map(e.value(), "node '" + name + "'");
        yv.known(m, "node '" + name + "'", "kind", "cpus", "interfaces", "config");
        Kind kind = Kind.ROUTER;
        if (m.get("kind") != null) {
            String k = yv.text(m.get("kind"), "host or router");
            kind = switch (k) {
                case "host" -> Kind.HOST;
                case "router" -> Kind.ROUTER;
                default -> throw yv.error(m.get("kind").loc(), "unknown kind '" + k + "', expected host or router");
            };
        }
        int cpus = m.get("cpus") == null ? defaultCpus : (int) yv.integer(m.get("cpus"), "a CPU count", 1, 1024);
        LinkedHashMap<String, InterfaceSpec> ifaces = new LinkedHashMap<>();
        if (m.get("interfaces") != null) {
            for (YamlNode.Entry ie : yv.map(m.get("interfaces"), "'interfaces'").entries().values()) {
                String ifName = ie.key();
                if (ifName.equals("lo") || !DEVICE_NAME.matcher(ifName).matches()) {
                    throw yv.error(ie.keyLoc(), "bad interface name '" + ifName
                            + "', expected up to 15 letters, digits, '_', '.', '-' (and not 'lo')");
                }
                int mtu = DEFAULT_MTU;
                Topology.TunSpec tun = null;
                YamlNode v = ie.value();
                if (!(v instanceof YamlNode.Scalar s && s.text() == null)) {
                    YamlNode.Map im = yv.map(v, "interface '" + ifName + "'");
                    yv.known(im, "interface '" + ifName + "'", "mtu", "tun");
                    if (im.get("mtu") != null) {
                        mtu = (int) yv.integer(im.get("mtu"), "an MTU", MIN_MTU, 65535);
                    }
                    tun = im.get("tun") == null ? null : tun(im.get("tun"), ifName);
                }
                ifaces.put(ifName, new InterfaceSpec(ifName, mtu, ie.keyLoc(), tun));
            }
        }
        List<ConfigCommand> config = List.of();
        int firstLine = 0;
        int indent = 0;
        YamlNode c = m.get("config");
        if (c != null) {
            YamlNode.Scalar s = yv.scalar(c, "iproute2 commands (use 'config: |' and one command per line)");
            String raw = line(s.loc().line());
            int col = s.loc().column() - 1;
            char first = col < raw.length() ? raw.charAt(col) : ' ';
            if (first == '|' || first == '>') {
                firstLine = s.loc().line() + 1;
                indent = blockIndent(firstLine);
            } else {
                firstLine = s.loc().line();
                indent = col + (first == '"' || first == '\'' ? 1 : 0);
            }
            String text = s.text() == null ? "" : s.text();
            try {
                config = new IpCommandParser(file, true).parse(text);
            } catch (ConfigException ce) {
                int fl = firstLine + Math.max(ce.line, 1) - 1;
                throw new TopologyException(file, fl, ce.column + indent, "node " + name + ": " + ce.detail, ce);
            }
        }
        return new NodeSpec(name, kind, cpus, ifaces, config, firstLine, indent, e.keyLoc());
    }

    private int blockIndent(int fromLine) {
        for (int l = fromLine; l <= lines.length; l++) {
            String s = line(l);
            if (!s.isBlank()) {
                int i = 0;
                while (i < s.length() && s.charAt(i) == ' ') {
                    i++;
                }
                return i;
            }
        }
        return 0;
    }

    private String line(int oneBased) {
        return oneBased >= 1 && oneBased <= lines.length ? lines[oneBased - 1] : "";
    }

    // ---------------------------------------------------------------- links

    private LinkSpec link(YamlNode n, Map<String, NodeSpec> nodes, Map<String, YamlNode.Loc> used) {
        YamlNode.Map m = yv.map(n, "a link {a: NODE:IF, b: NODE:IF}");
        yv.known(m, "a link", "a", "b", "delay", "bandwidth", "mtu", "queue", "netem");
        String[] a = end(m, "a", nodes, used);
        String[] b = end(m, "b", nodes, used);
        long delay = m.get("delay") == null ? DEFAULT_DELAY_NS : yv.duration(m.get("delay"));
        if (delay <= 0) {
            throw yv.error(m.get("delay").loc(), "link delay must be > 0 (it is the emulator's lookahead), e.g. 1us");
        }
        long bw = 0;
        if (m.get("bandwidth") != null) {
            String t = yv.text(m.get("bandwidth"), "a bit rate like 1Gbit");
            bw = Units.bitRate(t);
            if (bw <= 0) {
                throw yv.error(m.get("bandwidth").loc(), "bad bandwidth '" + t + "', expected e.g. 100Mbit, 1Gbit");
            }
        }
        int mtu = m.get("mtu") == null ? 0 : (int) yv.integer(m.get("mtu"), "an MTU", MIN_MTU, 65535);
        int queue = m.get("queue") == null ? DEFAULT_QUEUE : (int) yv.integer(m.get("queue"), "a queue length", 1,
                10_000_000);
        io.lwtemu.node.impair.NetemSpec ab = null;
        io.lwtemu.node.impair.NetemSpec ba = null;
        YamlNode nn = m.get("netem");
        if (nn instanceof YamlNode.Map dirs) {
            yv.known(dirs, "a link's netem", "a_to_b", "b_to_a");
            ab = dirs.get("a_to_b") == null ? null : netem(dirs.get("a_to_b"));
            ba = dirs.get("b_to_a") == null ? null : netem(dirs.get("b_to_a"));
        } else if (nn != null) {
            ab = netem(nn);
            ba = ab;
        }
        return new LinkSpec(a[0], a[1], b[0], b[1], delay, bw, mtu, queue, m.loc(), ab, ba);
    }

    /** netem options in tc syntax ("delay 10ms 2ms loss 1%"); errors name the token. */
    private io.lwtemu.node.impair.NetemSpec netem(YamlNode n) {
        String t = yv.text(n, "netem options like \"delay 10ms 1ms loss 1%\" or {a_to_b: ..., b_to_a: ...}");
        try {
            return io.lwtemu.node.impair.NetemSpec.parse(t);
        } catch (io.lwtemu.node.impair.NetemSyntaxException e) {
            throw yv.error(n.loc(), "bad netem: " + e.getMessage());
        }
    }

    private String[] end(YamlNode.Map m, String key, Map<String, NodeSpec> nodes, Map<String, YamlNode.Loc> used) {
        YamlNode v = m.get(key);
        if (v == null) {
            throw yv.error(m.loc(), "link without '" + key + ":', expected " + key + ": NODE:INTERFACE");
        }
        String t = yv.text(v, "NODE:INTERFACE");
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw yv.error(v.loc(), "bad link end '" + t + "', expected NODE:INTERFACE like r1:eth0");
        }
        String node = t.substring(0, colon);
        String iface = t.substring(colon + 1);
        NodeSpec ns = nodes.get(node);
        if (ns == null) {
            throw yv.error(v.loc(), "unknown node '" + node + "', expected one of " + String.join(", ", nodes.keySet()));
        }
        if (!ns.interfaces().containsKey(iface)) {
            throw yv.error(v.loc(), "node " + node + " has no interface '" + iface + "' (has: "
                    + (ns.interfaces().isEmpty() ? "none" : String.join(", ", ns.interfaces().keySet())) + ")");
        }
        YamlNode.Loc prev = used.putIfAbsent(t, v.loc());
        if (prev != null) {
            throw yv.error(v.loc(), "interface " + t + " is already linked at line " + prev.line()
                    + " (links are point-to-point)");
        }
        return new String[] {node, iface};
    }

    private Topology.EventSpec event(YamlNode n, Map<String, NodeSpec> nodes, List<LinkSpec> links) {
        YamlNode.Map m = yv.map(n, "an event {at: TIME, link: NODE:IF, state: up|down}");
        yv.known(m, "an event", "at", "link", "state");
        if (m.get("at") == null) {
            throw yv.error(m.loc(), "event without 'at:', expected e.g. at: 1s");
        }
        long at = yv.duration(m.get("at"));
        YamlNode l = m.get("link");
        if (l == null) {
            throw yv.error(m.loc(), "event without 'link:', expected link: NODE:INTERFACE (either end of the link)");
        }
        String t = yv.text(l, "NODE:INTERFACE");
        boolean linked = false;
        for (LinkSpec ls : links) {
            linked |= t.equals(ls.aNode() + ":" + ls.aIf()) || t.equals(ls.bNode() + ":" + ls.bIf());
        }
        if (!linked) {
            throw yv.error(l.loc(), "no link on '" + t + "', expected NODE:INTERFACE of a link end");
        }
        YamlNode st = m.get("state");
        String state = st == null ? "" : yv.text(st, "up or down");
        if (!state.equals("up") && !state.equals("down")) {
            throw yv.error(st == null ? m.loc() : st.loc(), "expected state: up or state: down");
        }
        int colon = t.indexOf(':');
        return new Topology.EventSpec(at, t.substring(0, colon), t.substring(colon + 1), state.equals("up"), m.loc());
    }

    // ---------------------------------------------------------------- traffic

    private FlowSpec flow(YamlNode n, Map<String, NodeSpec> nodes, int index) {
        YamlNode.Map m = yv.map(n, "a flow");
        yv.known(m, "a flow", "name", "from", "to", "proto", "sport", "dport", "size", "rate", "count", "start",
                "duration", "pcap");
        String name = m.get("name") == null ? "flow" + (index + 1) : yv.text(m.get("name"), "a flow name");
        String from = nodeRef(m, "from", nodes);
        if (m.get("pcap") != null) {
            return replayFlow(m, name, from);
        }
        IpAddress to = address(m, "to");
        Proto proto = Proto.UDP;
        if (m.get("proto") != null) {
            String p = yv.text(m.get("proto"), "udp, icmp or tcp");
            try {
                proto = Proto.valueOf(p.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw yv.error(m.get("proto").loc(), "unknown proto '" + p + "', expected udp, icmp or tcp");
            }
        }
        int sport = m.get("sport") == null ? 40000 + index : (int) yv.integer(m.get("sport"), "a port", 0, 65535);
        int dport = m.get("dport") == null ? 5000 : (int) yv.integer(m.get("dport"), "a port", 0, 65535);
        int min = minSize(proto, to);
        int size = m.get("size") == null ? Math.max(100, min) : (int) yv.integer(m.get("size"),
                "an IP packet size of at least " + min + " bytes", min, 65535);
        YamlNode rateNode = m.get("rate");
        if (rateNode == null) {
            throw yv.error(m.loc(), "flow " + name + " has no 'rate:', expected e.g. rate: 1000pps or rate: 100Mbit");
        }
        String rt = yv.text(rateNode, "a rate");
        double pps = Units.packetRate(rt);
        if (pps < 0) {
            long bps = Units.bitRate(rt);
            if (bps < 0) {
                throw yv.error(rateNode.loc(), "bad rate '" + rt + "', expected e.g. 1000pps, 10kpps or 100Mbit");
            }
            pps = bps / (size * 8.0);
        }
        if (pps <= 0) {
            throw yv.error(rateNode.loc(), "rate must be > 0");
        }
        long count = m.get("count") == null ? -1 : yv.integer(m.get("count"), "a packet count", 0, Long.MAX_VALUE);
        long start = m.get("start") == null ? 0 : yv.duration(m.get("start"));
        long dur = m.get("duration") == null ? -1 : yv.duration(m.get("duration"));
        return new FlowSpec(name, from, to, proto, sport, dport, size, pps, count, start, dur, m.loc());
    }

    private static int minSize(Proto proto, IpAddress to) {
        int ip = to.family() == io.lwtemu.node.fib.Family.INET ? 20 : 40;
        return ip + switch (proto) {
            case UDP, ICMP -> 8;
            case TCP -> 20;
        };
    }

    private PingSpec ping(YamlNode n, Map<String, NodeSpec> nodes) {
        YamlNode.Map m = yv.map(n, "a ping");
        yv.known(m, "a ping", "from", "to", "count", "size", "interval", "start");
        String from = nodeRef(m, "from", nodes);
        IpAddress to = address(m, "to");
        int count = m.get("count") == null ? 3 : (int) yv.integer(m.get("count"), "a count", 1, 1_000_000);
        int size = m.get("size") == null ? 56 : (int) yv.integer(m.get("size"), "a payload size", 0, 65507);
        long interval = m.get("interval") == null ? 1_000_000_000L : yv.duration(m.get("interval"));
        long start = m.get("start") == null ? 0 : yv.duration(m.get("start"));
        return new PingSpec(from, to, count, size, interval, start, m.loc());
    }

    private String nodeRef(YamlNode.Map m, String key, Map<String, NodeSpec> nodes) {
        YamlNode v = m.get(key);
        if (v == null) {
            throw yv.error(m.loc(), "missing '" + key + ":', expected a node name");
        }
        String name = yv.text(v, "a node name");
        if (!nodes.containsKey(name)) {
            throw yv.error(v.loc(), "unknown node '" + name + "', expected one of " + String.join(", ", nodes.keySet()));
        }
        return name;
    }

    private IpAddress address(YamlNode.Map m, String key) {
        YamlNode v = m.get(key);
        if (v == null) {
            throw yv.error(m.loc(), "missing '" + key + ":', expected an IP address");
        }
        String t = yv.text(v, "an IP address");
        try {
            return IpAddress.parse(t);
        } catch (RuntimeException e) {
            throw yv.error(v.loc(), "bad address '" + t + "', expected an IPv4 or IPv6 address");
        }
    }

    // ---------------------------------------------------------------- TUN devices, captures, pcap replay

    private Topology.TunSpec tun(YamlNode n, String ifName) {
        YamlNode.Map m = yv.map(n, "a TUN device {device: NAME, netns: NS, address: [...], route: [...]}");
        yv.known(m, "'tun'", "device", "netns", "address", "route", "up", "multi_queue");
        String device = m.get("device") == null ? ifName : yv.text(m.get("device"), "a Linux device name");
        if (!DEVICE_NAME.matcher(device).matches()) {
            throw yv.error(m.get("device").loc(), "bad TUN device name '" + device
                    + "', expected up to 15 letters, digits, '_', '.', '-'");
        }
        String netns = null;
        if (m.get("netns") != null) {
            netns = yv.text(m.get("netns"), "a network namespace name");
            if (!NETNS_NAME.matcher(netns).matches()) {
                throw yv.error(m.get("netns").loc(), "bad namespace name '" + netns
                        + "', expected letters, digits, '_', '.', '-'");
            }
        }
        List<String> addresses = texts(m.get("address"), "an address with prefix like 10.0.1.2/24");
        for (int i = 0; i < addresses.size(); i++) {
            String a = addresses.get(i);
            int slash = a.indexOf('/');
            try {
                IpAddress.parse(slash < 0 ? a : a.substring(0, slash));
                if (slash >= 0) {
                    Integer.parseInt(a.substring(slash + 1));
                }
            } catch (RuntimeException e) {
                throw yv.error(m.get("address").loc(), "bad address '" + a + "', expected e.g. 10.0.1.2/24");
            }
        }
        List<String> routes = texts(m.get("route"), "a route like 'default via 10.0.1.1'");
        boolean up = m.get("up") == null || bool(m.get("up"));
        boolean mq = m.get("multi_queue") != null && bool(m.get("multi_queue"));
        return new Topology.TunSpec(device, netns, addresses, routes, up, mq, m.loc());
    }

    /** A TUN-backed interface talks to the host, not to another node. */
    private void tunNotLinked(Map<String, NodeSpec> nodes, List<LinkSpec> links) {
        Map<String, YamlNode.Loc> devices = new HashMap<>();
        for (NodeSpec n : nodes.values()) {
            for (InterfaceSpec i : n.interfaces().values()) {
                if (i.tun() == null) {
                    continue;
                }
                for (LinkSpec l : links) {
                    if (l.aNode().equals(n.name()) && l.aIf().equals(i.name())
                            || l.bNode().equals(n.name()) && l.bIf().equals(i.name())) {
                        throw yv.error(l.loc(), "interface " + n.name() + ":" + i.name()
                                + " is backed by a TUN device (line " + i.loc().line() + ") and cannot also be linked");
                    }
                }
                String key = (i.tun().netns() == null ? "" : i.tun().netns()) + "/" + i.tun().device();
                YamlNode.Loc prev = devices.putIfAbsent(key, i.tun().loc());
                if (prev != null) {
                    throw yv.error(i.tun().loc(), "TUN device " + i.tun().device() + (i.tun().netns() == null ? ""
                            : " in netns " + i.tun().netns()) + " is already used at line " + prev.line());
                }
            }
        }
    }

    private List<Topology.CaptureSpec> captures(YamlNode n, Map<String, NodeSpec> nodes) {
        if (n == null) {
            return List.of();
        }
        List<Topology.CaptureSpec> out = new ArrayList<>();
        for (YamlNode c : yv.seq(n, "'capture'").items()) {
            YamlNode.Map m = yv.map(c, "a capture {router: NODE, iface: IF, point: ingress, file: F.pcap}");
            yv.known(m, "a capture", "router", "iface", "point", "file");
            String node = nodeRef(m, "router", nodes);
            YamlNode iv = m.get("iface");
            if (iv == null) {
                throw yv.error(m.loc(), "capture without 'iface:', expected an interface of " + node);
            }
            // Checked when the capture starts: tunnel devices made by 'ip link add' count too.
            String iface = yv.text(iv, "an interface name");
            io.lwtemu.node.forward.PacketTap.Point point = io.lwtemu.node.forward.PacketTap.Point.AFTER_XMIT;
            if (m.get("point") != null) {
                String p = yv.text(m.get("point"), "ingress, egress or after-xmit");
                point = switch (p) {
                    case "ingress" -> io.lwtemu.node.forward.PacketTap.Point.INGRESS;
                    case "egress" -> io.lwtemu.node.forward.PacketTap.Point.EGRESS;
                    case "after-xmit" -> io.lwtemu.node.forward.PacketTap.Point.AFTER_XMIT;
                    default -> throw yv.error(m.get("point").loc(), "unknown capture point '" + p
                            + "', expected ingress, egress or after-xmit");
                };
            }
            if (m.get("file") == null) {
                throw yv.error(m.loc(), "capture without 'file:', expected e.g. file: r2-eth1.pcap");
            }
            Path f = path(yv.text(m.get("file"), "a pcap file name"));
            out.add(new Topology.CaptureSpec(node, iface, point, f, m.loc()));
        }
        return List.copyOf(out);
    }

    /** A flow replaying a pcap file: the file is read now so a bad one fails at load, naming the line. */
    private FlowSpec replayFlow(YamlNode.Map m, String name, String from) {
        YamlNode pv = m.get("pcap");
        Path f = path(yv.text(pv, "a pcap file"));
        IpAddress to;
        try (io.lwtemu.node.pcap.PcapReader r = io.lwtemu.node.pcap.PcapReader.open(f)) {
            io.lwtemu.node.pcap.PcapReader.Record first = r.nextIp();
            if (first == null) {
                throw yv.error(pv.loc(), "flow " + name + ": " + f + " holds no IPv4/IPv6 packet");
            }
            byte[] d = first.data();
            boolean v4 = (d[0] & 0xf0) == 0x40;
            int off = v4 ? 16 : 24;
            if (d.length < off + (v4 ? 4 : 16)) {
                throw yv.error(pv.loc(), "flow " + name + ": first packet of " + f + " is truncated");
            }
            to = IpAddress.parse(java.net.InetAddress.getByAddress(
                    java.util.Arrays.copyOfRange(d, off, off + (v4 ? 4 : 16))).getHostAddress());
        } catch (IOException e) {
            throw yv.error(pv.loc(), "flow " + name + ": cannot replay " + f + ": " + e.getMessage());
        }
        for (String k : List.of("to", "proto", "sport", "dport", "size")) {
            if (m.get(k) != null) {
                throw yv.error(m.get(k).loc(), "flow " + name + " replays " + f.getFileName() + ": '" + k
                        + ":' does not apply (the packets are sent as they are in the file)");
            }
        }
        double pps = 0;
        YamlNode rateNode = m.get("rate");
        if (rateNode != null && !"original".equals(yv.text(rateNode, "a rate"))) {
            pps = Units.packetRate(yv.text(rateNode, "a rate"));
            if (pps <= 0) {
                throw yv.error(rateNode.loc(), "bad rate '" + yv.text(rateNode, "a rate")
                        + "' for a pcap replay, expected original or a packet rate like 1000pps");
            }
        }
        long count = m.get("count") == null ? -1 : yv.integer(m.get("count"), "a packet count", 0, Long.MAX_VALUE);
        long start = m.get("start") == null ? 0 : yv.duration(m.get("start"));
        long dur = m.get("duration") == null ? -1 : yv.duration(m.get("duration"));
        return new FlowSpec(name, from, to, Proto.UDP, 0, 0, 0, pps, count, start, dur, m.loc(), f);
    }

    private Path path(String text) {
        Path p = Path.of(text);
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private List<String> texts(YamlNode n, String what) {
        if (n == null) {
            return List.of();
        }
        if (n instanceof YamlNode.Seq s) {
            List<String> out = new ArrayList<>();
            for (YamlNode i : s.items()) {
                out.add(yv.text(i, what));
            }
            return List.copyOf(out);
        }
        return List.of(yv.text(n, what));
    }

    private boolean bool(YamlNode n) {
        String t = yv.text(n, "true or false");
        if (!t.equals("true") && !t.equals("false")) {
            throw yv.error(n.loc(), "expected true or false, got '" + t + "'");
        }
        return t.equals("true");
    }

    // ---------------------------------------------------------------- primitives
}
