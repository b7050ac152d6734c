package io.lwtemu.node.experiment;

import io.lwtemu.node.experiment.Scenario.Nemesis;
import io.lwtemu.node.experiment.Scenario.TimedFault;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.fault.FaultParser;
import io.lwtemu.node.fault.FaultSyntaxException;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.topology.Units;
import io.lwtemu.node.topology.YamlValues;
import io.lwtemu.node.topology.YamlNode;
import io.lwtemu.node.topology.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario: either a file with {@code topology: PATH} (relative to the scenario) and the experiment keys,
 * or a topology file with {@code faults:} / {@code nemesis:} sections. Mistakes are {@link TopologyException}s
 * naming file:line:column and what was expected; a mistake inside a fault command points at the word.
 */
public final class ScenarioLoader {
    public static final long DEFAULT_SETTLE_NS = 200_000_000L;
    private static final Pattern AFTER = Pattern.compile("(\\d+)\\s+packets?\\s+of\\s+(\\S+)");

    private final Path file;
    /** Typed reads of this file's YAML nodes, errors at file:line:column. */
    private final YamlValues yv;
    private final String[] lines;
    private Topology topo;
    private FaultParser parser;

    private ScenarioLoader(Path file, String text) {
        this.file = file;
        this.yv = new YamlValues(file);
        this.lines = text.split("\r?\n", -1);
    }

    public static Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TopologyException(file, 0, 0, "cannot read scenario file: " + e);
        }
        return parse(file, text);
    }

    public static Scenario parse(Path file, String text) {
        return new ScenarioLoader(file, text).scenario(text);
    }

    private Scenario scenario(String text) {
        YamlNode.Map root = yv.map(new YamlReader(file).read(text), "the scenario");
        boolean separate = root.get("topology") != null;
        if (separate) {
            yv.known(root, "a scenario", "name", "description", "topology", "seed", "duration", "settle", "faults",
                    "nemesis", "members");
            YamlNode t = root.get("topology");
            String rel = yv.text(t, "the topology file's path");
            Path tp = file.toAbsolutePath().getParent().resolve(rel).normalize();
            if (!Files.isRegularFile(tp)) {
                throw yv.error(t.loc(), "no topology file '" + rel + "' (looked at " + tp + ")");
            }
            topo = TopologyLoader.load(tp);
        } else {
            // A topology with faults: and/or nemesis: sections; without them, a baseline run with no faults.
            topo = TopologyLoader.parse(file, text);
        }
        String name = root.get("name") != null ? yv.text(root.get("name"), "a name")
                : stem(file);
        if (!separate) {
            name = topo.name();
        }
        long seed = root.get("seed") != null && separate ? yv.integer(root.get("seed"), "a seed") : topo.seed();
        long duration = root.get("duration") != null && separate ? yv.duration(root.get("duration"))
                : topo.durationNs();
        long settle = root.get("settle") != null ? yv.duration(root.get("settle")) : DEFAULT_SETTLE_NS;
        Set<String> members = new LinkedHashSet<>();
        if (root.get("members") != null) {
            for (YamlNode m : yv.seq(root.get("members"), "'members'").items()) {
                if (!members.add(yv.text(m, "a member name"))) {
                    throw yv.error(m.loc(), "duplicate member '" + yv.text(m, "") + "'");
                }
            }
        }
        parser = new FaultParser(file, new FaultParser.Names() {
            @Override
            public boolean hasNode(String node) {
                return topo.nodes().containsKey(node);
            }

            @Override
            public boolean hasLinkEnd(String node, String iface) {
                for (Topology.LinkSpec l : topo.links()) {
                    if (l.aNode().equals(node) && l.aIf().equals(iface) || l.bNode().equals(node)
                            && l.bIf().equals(iface)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public Set<String> members() {
                return members;
            }
        });
        List<TimedFault> faults = new ArrayList<>();
        if (root.get("faults") != null) {
            for (YamlNode n : yv.seq(root.get("faults"), "'faults'").items()) {
                faults.add(timed(n, duration));
            }
        }
        Nemesis nemesis = root.get("nemesis") == null ? null : nemesis(root.get("nemesis"), duration);
        return new Scenario(file, name, topo, seed, duration, settle, List.copyOf(faults), nemesis,
                List.copyOf(members));
    }

    private TimedFault timed(YamlNode n, long duration) {
        YamlNode.Map m = yv.map(n, "a fault {at: TIME, do: COMMAND}");
        yv.known(m, "a fault", "at", "after", "do", "every", "for", "until", "times");
        YamlNode doNode = m.get("do");
        if (doNode == null) {
            throw yv.error(m.loc(), "fault without 'do:', expected e.g. do: link down r1:eth1");
        }
        Fault f = fault(doNode);
        long at;
        String trigger;
        if (m.get("at") != null && m.get("after") != null) {
            throw yv.error(m.get("after").loc(), "give either 'at:' or 'after:', not both");
        } else if (m.get("at") != null) {
            at = yv.duration(m.get("at"));
            trigger = "at " + Units.formatNs(at);
        } else if (m.get("after") != null) {
            YamlNode a = m.get("after");
            String t = yv.text(a, "N packets of FLOW");
            Matcher mm = AFTER.matcher(t);
            if (!mm.matches()) {
                throw yv.error(a.loc(), "bad trigger '" + t + "', expected 'N packets of FLOW' like 500 packets of f1");
            }
            at = afterPackets(a, Long.parseLong(mm.group(1)), mm.group(2));
            trigger = "after " + t;
        } else {
            throw yv.error(m.loc(), "fault without 'at:' or 'after:', expected e.g. at: 1s or after: 500 packets of f1");
        }
        if (at >= duration) {
            throw yv.error((m.get("at") != null ? m.get("at") : m.get("after")).loc(), "the fault comes at "
                    + Units.formatNs(at) + ", not before the experiment ends at " + Units.formatNs(duration));
        }
        long every = m.get("every") == null ? 0 : yv.duration(m.get("every"));
        if (m.get("every") != null && every <= 0) {
            throw yv.error(m.get("every").loc(), "'every' must be > 0");
        }
        long forNs = m.get("for") == null ? -1 : yv.duration(m.get("for"));
        if (forNs == 0) {
            throw yv.error(m.get("for").loc(), "'for' must be > 0");
        }
        if (every > 0 && forNs >= every) {
            throw yv.error(m.get("for").loc(), "'for' (" + Units.formatNs(forNs) + ") must be shorter than 'every' ("
                    + Units.formatNs(every) + "): each occurrence is healed before the next");
        }
        if (forNs > 0 && heals(f) == null) {
            throw yv.error(m.get("for").loc(), "'for' has nothing to heal: '" + f.text() + "' is itself a repair");
        }
        long until = m.get("until") == null ? duration : yv.duration(m.get("until"));
        if (m.get("until") != null && until <= at) {
            throw yv.error(m.get("until").loc(), "'until' (" + Units.formatNs(until) + ") must come after the first"
                    + " occurrence (" + Units.formatNs(at) + ")");
        }
        int times = -1;
        if (m.get("times") != null) {
            long t = yv.integer(m.get("times"), "a count");
            if (t < 1) {
                throw yv.error(m.get("times").loc(), "'times' must be >= 1");
            }
            times = (int) Math.min(t, Integer.MAX_VALUE);
        }
        if (every == 0 && (m.get("until") != null || m.get("times") != null)) {
            throw yv.error(m.loc(), "'until'/'times' need 'every:' (the repeat period)");
        }
        return new TimedFault(f, at, trigger, every, forNs, until, times, m.loc());
    }

    /** Null when {@code f} is a repair (restart, resume, partition heal) that a 'for' could not undo. */
    private static Fault heals(Fault f) {
        if (f instanceof Fault.RouterRestart || f instanceof Fault.RouterResume
                || f instanceof Fault.MemberState m && m.up()
                || f instanceof Fault.Partition p && p.kind() == io.lwtemu.node.fault.PartitionKind.HEAL) {
            return null;
        }
        return f;
    }

    /** When the flow has handed its {@code n}-th packet to its node: FlowSource's schedule, plus 1 ns. */
    private long afterPackets(YamlNode at, long n, String flow) {
        for (Topology.FlowSpec f : topo.flows()) {
            if (f.name().equals(flow)) {
                if (n < 1) {
                    throw yv.error(at.loc(), "expected at least 1 packet");
                }
                if (f.count() >= 0 && n > f.count()) {
                    throw yv.error(at.loc(), "flow " + flow + " sends only " + f.count() + " packets");
                }
                return f.startNs() + (long) ((n - 1) * (1e9 / f.ratePps())) + 1;
            }
        }
        List<String> names = new ArrayList<>();
        for (Topology.FlowSpec f : topo.flows()) {
            names.add(f.name());
        }
        throw yv.error(at.loc(), "unknown flow '" + flow + "', expected one of " + (names.isEmpty() ? "(no flows)"
                : String.join(", ", names)));
    }

    private Nemesis nemesis(YamlNode n, long duration) {
        YamlNode.Map m = yv.map(n, "the nemesis");
        yv.known(m, "the nemesis", "faults", "gap", "for", "start", "until");
        if (m.get("faults") == null) {
            throw yv.error(m.loc(), "nemesis without 'faults:', expected a list of fault commands to draw from");
        }
        List<Fault> faults = new ArrayList<>();
        for (YamlNode f : yv.seq(m.get("faults"), "'faults'").items()) {
            faults.add(fault(f));
        }
        if (faults.isEmpty()) {
            throw yv.error(m.get("faults").loc(), "expected at least one fault to draw from");
        }
        long[] gap = range(m.get("gap"), 500_000_000L);
        long[] dur = range(m.get("for"), 200_000_000L);
        long start = m.get("start") == null ? 0 : yv.duration(m.get("start"));
        long until = m.get("until") == null ? duration : yv.duration(m.get("until"));
        return new Nemesis(List.copyOf(faults), gap[0], gap[1], dur[0], dur[1], start, until, m.loc());
    }

    /** "100ms..300ms" or one duration. */
    private long[] range(YamlNode n, long dflt) {
        if (n == null) {
            return new long[] {dflt, dflt};
        }
        String t = yv.text(n, "a duration or a range like 100ms..300ms");
        int dots = t.indexOf("..");
        long lo = Units.durationNs(dots < 0 ? t : t.substring(0, dots).trim());
        long hi = dots < 0 ? lo : Units.durationNs(t.substring(dots + 2).trim());
        if (lo <= 0 || hi < lo) {
            throw yv.error(n.loc(), "bad range '" + t + "', expected e.g. 100ms..300ms (both > 0, low first)");
        }
        return new long[] {lo, hi};
    }

    private Fault fault(YamlNode n) {
        YamlNode.Scalar s = n instanceof YamlNode.Scalar sc ? sc : null;
        if (s == null || s.text() == null || s.text().isBlank()) {
            throw yv.error(n.loc(), "expected a fault command like 'link down r1:eth1', got " + n.kind());
        }
        try {
            return parser.parse(s.text());
        } catch (FaultSyntaxException e) {
            String raw = line(s.loc().line());
            int c0 = s.loc().column() - 1;
            char q = c0 < raw.length() ? raw.charAt(c0) : ' ';
            int col = s.loc().column() + (q == '"' || q == '\'' ? 1 : 0) + e.column - 1;
            throw yv.error(new YamlNode.Loc(s.loc().line(), col), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- primitives

    private String line(int oneBased) {
        return oneBased >= 1 && oneBased <= lines.length ? lines[oneBased - 1] : "";
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
