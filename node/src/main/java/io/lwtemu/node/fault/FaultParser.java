package io.lwtemu.node.fault;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.ConfigException;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.forward.LwtHook;
import io.lwtemu.node.impair.NetemSpec;
import io.lwtemu.node.impair.NetemSyntaxException;
import io.lwtemu.node.topology.Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the one-line fault commands of a scenario's {@code do:} entries. The words follow the tools users know:
 * iproute2 for routes, bpftool for maps, netem for impairments:
 * <pre>
 *   link down|up NODE:IF              link flap NODE:IF [down 50ms] [up 150ms]
 *   link impair NODE:IF [both] [set|change] NETEM     link impair NODE:IF [both] clear
 *   router crash|restart NODE         router pause NODE [queue|drop]     router resume NODE
 *   NODE: ip route|rule ...           NODE: prog swap PREFIX [table N] in|out|xmit obj F.o section S
 *   NODE: bpftool map update pinned PATH|name NAME key [hex] BYTES value [hex] BYTES [any|exist|noexist]
 *   NODE: bpftool map delete pinned PATH|name NAME key [hex] BYTES
 *   member kill|restart M             partition halves|random-halves|majority|isolate|bridge|ring|heal
 *   partition one-way A,B -> C        partition groups A,B | C
 * </pre>
 * Node, interface and member names are checked against the topology by the {@link Names} given.
 */
public final class FaultParser {
    /** What names exist, for early errors. */
    public interface Names {
        boolean hasNode(String node);

        boolean hasLinkEnd(String node, String iface);

        /** Members declared by the scenario; empty = not checked here (the cluster run checks). */
        Set<String> members();
    }

    private final Path baseFile;
    private final Names names;

    /** @param baseFile object paths resolve against its folder */
    public FaultParser(Path baseFile, Names names) {
        this.baseFile = baseFile;
        this.names = names;
    }

    private record Tok(String text, int col) {}

    private static final class Words {
        final List<Tok> toks = new ArrayList<>();
        int i;
        final int endCol;

        Words(String s, int from) {
            int p = from;
            while (p < s.length()) {
                while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                    p++;
                }
                int st = p;
                while (p < s.length() && !Character.isWhitespace(s.charAt(p))) {
                    p++;
                }
                if (p > st) {
                    toks.add(new Tok(s.substring(st, p), st + 1));
                }
            }
            endCol = s.length() + 1;
        }

        boolean atEnd() {
            return i >= toks.size();
        }

        Tok peek() {
            return atEnd() ? null : toks.get(i);
        }

        Tok next(String expected) {
            if (atEnd()) {
                throw new FaultSyntaxException(endCol, "expected " + expected + ", got the end of the command");
            }
            return toks.get(i++);
        }

        int col() {
            return atEnd() ? endCol : toks.get(i).col;
        }
    }

    public Fault parse(String text) {
        String s = text.strip();
        int lead = 0;
        while (lead < text.length() && Character.isWhitespace(text.charAt(lead))) {
            lead++;
        }
        int colon = s.indexOf(':');
        int space = s.indexOf(' ');
        if (colon > 0 && (space < 0 || colon < space) && (colon + 1 == s.length()
                || Character.isWhitespace(s.charAt(colon + 1)))) {
            String node = s.substring(0, colon);
            if (!names.hasNode(node)) {
                throw new FaultSyntaxException(lead + 1, "unknown node '" + node + "'");
            }
            return nodeCommand(text, node, new Words(text, lead + colon + 1));
        }
        Words w = new Words(text, 0);
        Tok what = w.next("link, router, member, partition or 'NODE: command'");
        return switch (what.text()) {
            case "link" -> link(text, w);
            case "router" -> router(text, w);
            case "member" -> member(text, w);
            case "partition" -> partition(text, w);
            default -> throw new FaultSyntaxException(what.col(), "unknown fault '" + what.text()
                    + "', expected link, router, member, partition or 'NODE: ip ...|bpftool ...|prog swap ...'");
        };
    }

    // ---------------------------------------------------------------- link

    private Fault link(String text, Words w) {
        Tok verb = w.next("down, up, flap or impair");
        Tok end = w.next("NODE:INTERFACE");
        int c = end.text().indexOf(':');
        if (c <= 0 || c == end.text().length() - 1) {
            throw new FaultSyntaxException(end.col(), "bad link end '" + end.text() + "', expected NODE:INTERFACE");
        }
        String node = end.text().substring(0, c);
        String iface = end.text().substring(c + 1);
        if (!names.hasLinkEnd(node, iface)) {
            throw new FaultSyntaxException(end.col(), "no link on '" + end.text()
                    + "', expected NODE:INTERFACE of a link end");
        }
        switch (verb.text()) {
            case "down", "up" -> {
                done(w);
                return new Fault.LinkState(text.strip(), node, iface, verb.text().equals("up"));
            }
            case "flap" -> {
                long down = 100_000_000L;
                long up = 100_000_000L;
                while (!w.atEnd()) {
                    Tok k = w.next("down or up");
                    if (!k.text().equals("down") && !k.text().equals("up")) {
                        throw new FaultSyntaxException(k.col(), "unknown flap option '" + k.text()
                                + "', expected down TIME or up TIME");
                    }
                    long d = duration(w.next("a duration like 50ms"));
                    if (d <= 0) {
                        throw new FaultSyntaxException(k.col(), "flap times must be > 0");
                    }
                    if (k.text().equals("down")) {
                        down = d;
                    } else {
                        up = d;
                    }
                }
                return new Fault.LinkFlap(text.strip(), node, iface, down, up);
            }
            case "impair" -> {
                boolean both = false;
                if (w.peek() != null && w.peek().text().equals("both")) {
                    w.next("both");
                    both = true;
                }
                if (w.peek() != null && (w.peek().text().equals("set") || w.peek().text().equals("change"))) {
                    w.next("set or change");
                }
                if (w.peek() != null && w.peek().text().equals("clear")) {
                    w.next("clear");
                    done(w);
                    return new Fault.LinkImpair(text.strip(), node, iface, both, null);
                }
                List<Tok> rest = new ArrayList<>();
                while (!w.atEnd()) {
                    rest.add(w.next("netem words"));
                }
                if (rest.isEmpty()) {
                    throw new FaultSyntaxException(w.col(), "expected netem settings (e.g. loss 1% or delay 10ms"
                            + " 2ms) or 'clear'");
                }
                StringBuilder sb = new StringBuilder();
                for (Tok t : rest) {
                    sb.append(sb.length() == 0 ? "" : " ").append(t.text());
                }
                try {
                    return new Fault.LinkImpair(text.strip(), node, iface, both, NetemSpec.parse(sb.toString()));
                } catch (NetemSyntaxException e) {
                    int i = e.tokenIndex();
                    throw new FaultSyntaxException(i >= 0 && i < rest.size() ? rest.get(i).col() : rest.get(0).col(),
                            "bad netem: " + e.getMessage());
                }
            }
            default -> throw new FaultSyntaxException(verb.col(), "unknown link fault '" + verb.text()
                    + "', expected down, up, flap or impair");
        }
    }

    // ---------------------------------------------------------------- router

    private Fault router(String text, Words w) {
        Tok verb = w.next("crash, restart, pause or resume");
        Tok node = w.next("a node name");
        if (!names.hasNode(node.text())) {
            throw new FaultSyntaxException(node.col(), "unknown node '" + node.text() + "'");
        }
        String t = text.strip();
        switch (verb.text()) {
            case "crash" -> {
                done(w);
                return new Fault.RouterCrash(t, node.text());
            }
            case "restart" -> {
                done(w);
                return new Fault.RouterRestart(t, node.text());
            }
            case "pause" -> {
                boolean drop = false;
                if (!w.atEnd()) {
                    Tok m = w.next("queue or drop");
                    if (!m.text().equals("queue") && !m.text().equals("drop")) {
                        throw new FaultSyntaxException(m.col(), "unknown pause mode '" + m.text()
                                + "', expected queue (packets wait) or drop (packets dropped as router_paused)");
                    }
                    drop = m.text().equals("drop");
                }
                done(w);
                return new Fault.RouterPause(t, node.text(), drop);
            }
            case "resume" -> {
                done(w);
                return new Fault.RouterResume(t, node.text());
            }
            default -> throw new FaultSyntaxException(verb.col(), "unknown router fault '" + verb.text()
                    + "', expected crash, restart, pause or resume");
        }
    }

    // ---------------------------------------------------------------- NODE: command

    private Fault nodeCommand(String text, String node, Words w) {
        Tok tool = w.next("ip, bpftool or prog");
        switch (tool.text()) {
            case "ip" -> {
                String line = text.substring(tool.col() - 1);
                ConfigCommand c;
                try {
                    c = new IpCommandParser(baseFile, true).parseLine(line, 1);
                } catch (ConfigException e) {
                    throw new FaultSyntaxException(tool.col() - 1 + Math.max(e.column, 1), e.detail);
                }
                if (!(c instanceof ConfigCommand.RouteCmd) && !(c instanceof ConfigCommand.RuleCmd)
                        && !(c instanceof ConfigCommand.LinkSet)) {
                    throw new FaultSyntaxException(tool.col(), "only 'ip route', 'ip rule' and 'ip link set' can"
                            + " change a running router");
                }
                return new Fault.IpCommand(text.strip(), node, c);
            }
            case "bpftool" -> {
                return map(text, node, w);
            }
            case "prog" -> {
                return progSwap(text, node, w);
            }
            default -> throw new FaultSyntaxException(tool.col(), "unknown command '" + tool.text()
                    + "', expected ip route|rule, bpftool map update|delete or prog swap");
        }
    }

    private Fault progSwap(String text, String node, Words w) {
        Tok swap = w.next("swap");
        if (!swap.text().equals("swap")) {
            throw new FaultSyntaxException(swap.col(), "expected 'prog swap PREFIX in|out|xmit obj FILE section SEC'");
        }
        Tok pt = w.next("the route's prefix (e.g. 10.0.3.0/24 or default)");
        Prefix prefix;
        try {
            prefix = Prefix.parse(pt.text(), null);
        } catch (RuntimeException e) {
            throw new FaultSyntaxException(pt.col(), "bad prefix '" + pt.text() + "', expected e.g. 10.0.3.0/24");
        }
        int table = io.lwtemu.node.fib.Route.TABLE_MAIN;
        if (w.peek() != null && w.peek().text().equals("table")) {
            w.next("table");
            Tok n = w.next("a table number");
            try {
                table = Integer.parseInt(n.text());
            } catch (NumberFormatException e) {
                throw new FaultSyntaxException(n.col(), "bad table '" + n.text() + "', expected a number");
            }
        }
        Tok h = w.next("in, out or xmit");
        LwtHook hook = switch (h.text()) {
            case "in" -> LwtHook.IN;
            case "out" -> LwtHook.OUT;
            case "xmit" -> LwtHook.XMIT;
            default -> throw new FaultSyntaxException(h.col(), "unknown hook '" + h.text() + "', expected in, out"
                    + " or xmit");
        };
        expect(w, "obj");
        Tok obj = w.next("an object file");
        Path p = baseFile.toAbsolutePath().getParent().resolve(obj.text());
        if (!Files.isRegularFile(p)) {
            throw new FaultSyntaxException(obj.col(), "no such object file '" + obj.text() + "' (looked at " + p
                    + ")");
        }
        expect(w, "section");
        Tok sec = w.next("a section name");
        done(w);
        return new Fault.ProgSwap(text.strip(), node, prefix, table, hook, new ProgRef(p, sec.text()));
    }

    private Fault map(String text, String node, Words w) {
        expect(w, "map");
        Tok verb = w.next("update or delete");
        boolean update = verb.text().equals("update");
        if (!update && !verb.text().equals("delete")) {
            throw new FaultSyntaxException(verb.col(), "unknown map command '" + verb.text()
                    + "', expected update or delete");
        }
        Tok how = w.next("pinned PATH or name NAME");
        String pinned = null;
        String name = null;
        switch (how.text()) {
            case "pinned" -> pinned = w.next("a bpffs path like /sys/fs/bpf/NAME").text();
            case "name" -> name = w.next("a map name").text();
            default -> throw new FaultSyntaxException(how.col(), "expected 'pinned PATH' or 'name NAME', got '"
                    + how.text() + "'");
        }
        expect(w, "key");
        byte[] key = bytes(w, "value");
        byte[] value = null;
        long flags = 0;
        if (update) {
            expect(w, "value");
            value = bytes(w, "");
            if (!w.atEnd()) {
                Tok f = w.next("any, exist or noexist");
                flags = switch (f.text()) {
                    case "any" -> 0;
                    case "noexist" -> 1;
                    case "exist" -> 2;
                    default -> throw new FaultSyntaxException(f.col(), "unknown update flag '" + f.text()
                            + "', expected any, exist or noexist");
                };
            }
        }
        done(w);
        return new Fault.MapWrite(text.strip(), node, pinned, name, key, value, flags);
    }

    /** bpftool DATA: {@code hex} then hex bytes, else bytes in C notation (12, 0x0c, 014). */
    private static byte[] bytes(Words w, String stop) {
        boolean hex = false;
        if (w.peek() != null && w.peek().text().equals("hex")) {
            w.next("hex");
            hex = true;
        }
        List<Byte> out = new ArrayList<>();
        while (!w.atEnd() && !w.peek().text().equals(stop) && !Set.of("any", "exist", "noexist").contains(
                w.peek().text())) {
            Tok b = w.next("a byte");
            int v;
            try {
                String t = b.text().toLowerCase(Locale.ROOT);
                if (hex) {
                    v = Integer.parseInt(t, 16);
                } else if (t.startsWith("0x")) {
                    v = Integer.parseInt(t.substring(2), 16);
                } else if (t.length() > 1 && t.startsWith("0")) {
                    v = Integer.parseInt(t.substring(1), 8);
                } else {
                    v = Integer.parseInt(t);
                }
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new FaultSyntaxException(b.col(), "bad byte '" + b.text() + "', expected " + (hex
                        ? "two hex digits like 0a" : "0..255 (or 'hex' then hex bytes)"));
            }
            out.add((byte) v);
        }
        if (out.isEmpty()) {
            throw new FaultSyntaxException(w.col(), "expected at least one byte");
        }
        byte[] r = new byte[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    // ---------------------------------------------------------------- cluster

    private Fault member(String text, Words w) {
        Tok verb = w.next("kill or restart");
        if (!verb.text().equals("kill") && !verb.text().equals("restart")) {
            throw new FaultSyntaxException(verb.col(), "unknown member fault '" + verb.text()
                    + "', expected kill or restart");
        }
        Tok m = w.next("a member name");
        member(m);
        done(w);
        return new Fault.MemberState(text.strip(), m.text(), verb.text().equals("restart"));
    }

    private void member(Tok m) {
        Set<String> ms = names.members();
        if (!ms.isEmpty() && !ms.contains(m.text())) {
            throw new FaultSyntaxException(m.col(), "unknown member '" + m.text() + "', expected one of "
                    + String.join(", ", ms));
        }
    }

    private Fault partition(String text, Words w) {
        Tok k = w.next(PartitionKind.words());
        PartitionKind kind = PartitionKind.of(k.text());
        if (kind == null) {
            throw new FaultSyntaxException(k.col(), "unknown partition '" + k.text() + "', expected one of "
                    + PartitionKind.words());
        }
        List<String> from = List.of();
        List<String> to = List.of();
        if (kind == PartitionKind.ONE_WAY || kind == PartitionKind.GROUPS) {
            String sep = kind == PartitionKind.ONE_WAY ? "->" : "|";
            from = group(w, sep);
            Tok s = w.next("'" + sep + "'");
            if (!s.text().equals(sep)) {
                throw new FaultSyntaxException(s.col(), "expected '" + sep + "' between the two member groups");
            }
            to = group(w, null);
        }
        done(w);
        return new Fault.Partition(text.strip(), kind, from, to);
    }

    private List<String> group(Words w, String stop) {
        List<String> out = new ArrayList<>();
        while (!w.atEnd() && !w.peek().text().equals(stop)) {
            Tok t = w.next("member names");
            int col = t.col();
            for (String part : t.text().split(",", -1)) {
                if (!part.isEmpty()) {
                    member(new Tok(part, col));
                    out.add(part);
                }
                col += part.length() + 1;
            }
        }
        if (out.isEmpty()) {
            throw new FaultSyntaxException(w.col(), "expected member names like m1,m2");
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- primitives

    private static void expect(Words w, String word) {
        Tok t = w.next("'" + word + "'");
        if (!t.text().equals(word)) {
            throw new FaultSyntaxException(t.col(), "expected '" + word + "', got '" + t.text() + "'");
        }
    }

    private static void done(Words w) {
        if (!w.atEnd()) {
            Tok t = w.peek();
            throw new FaultSyntaxException(t.col(), "unexpected '" + t.text() + "' at the end of the command");
        }
    }

    private static long duration(Tok t) {
        long ns = Units.durationNs(t.text());
        if (ns < 0) {
            throw new FaultSyntaxException(t.col(), "bad duration '" + t.text() + "', expected e.g. 50ms or 1s");
        }
        return ns;
    }
}
