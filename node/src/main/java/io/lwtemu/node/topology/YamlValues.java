package io.lwtemu.node.topology;

import java.nio.file.Path;
import java.util.Set;

/**
 * Typed reads of {@link YamlNode}s for the file loaders (topologies, experiment scenarios): each read either
 * returns the value or throws a {@link TopologyException} at the node's file:line:column saying what was expected.
 */
public final class YamlValues {
    private final Path file;

    public YamlValues(Path file) {
        this.file = file;
    }

    public YamlNode.Map map(YamlNode n, String what) {
        if (n instanceof YamlNode.Map m) {
            return m;
        }
        throw error(n.loc(), "expected " + what + " as a map, got " + n.kind());
    }

    public YamlNode.Seq seq(YamlNode n, String what) {
        if (n instanceof YamlNode.Seq s) {
            return s;
        }
        throw error(n.loc(), "expected " + what + " as a list ('- ...' items), got " + n.kind());
    }

    public YamlNode.Scalar scalar(YamlNode n, String what) {
        if (n instanceof YamlNode.Scalar s) {
            return s;
        }
        throw error(n.loc(), "expected " + what + ", got " + n.kind());
    }

    /** A non-blank scalar, trimmed. */
    public String text(YamlNode n, String what) {
        YamlNode.Scalar s = scalar(n, what);
        if (s.text() == null || s.text().isBlank()) {
            throw error(n.loc(), "expected " + what + ", got nothing");
        }
        return s.text().trim();
    }

    public long integer(YamlNode n, String what) {
        return integer(n, what, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public long integer(YamlNode n, String what, long min, long max) {
        String t = text(n, what);
        long v;
        try {
            v = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw error(n.loc(), "expected " + what + " (an integer), got '" + t + "'");
        }
        if (v < min || v > max) {
            throw error(n.loc(), what + " " + v + " out of range " + min + ".." + max);
        }
        return v;
    }

    /** A duration such as {@code 10us}, {@code 5ms} or {@code 2s}, in nanoseconds. */
    public long duration(YamlNode n) {
        String t = text(n, "a duration like 10us, 5ms or 2s");
        long ns = Units.durationNs(t);
        if (ns < 0) {
            throw error(n.loc(), "bad duration '" + t + "', expected e.g. 10us, 5ms or 2s");
        }
        return ns;
    }

    /** Refuses keys of {@code m} other than {@code keys}, naming the first unknown one and the expected set. */
    public void known(YamlNode.Map m, String what, String... keys) {
        Set<String> ok = Set.of(keys);
        for (YamlNode.Entry e : m.entries().values()) {
            if (!ok.contains(e.key())) {
                throw error(e.keyLoc(), "unknown key '" + e.key() + "' in " + what + ", expected one of "
                        + String.join(", ", keys));
            }
        }
    }

    public TopologyException error(YamlNode.Loc loc, String msg) {
        return new TopologyException(file, loc.line(), loc.column(), msg);
    }
}
