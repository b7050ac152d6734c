package io.lwtemu.node.topology;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * A YAML document as a tree that remembers where each node starts, so validation errors can name line and
 * column. Jackson's tree model drops locations, hence this small own tree built from Jackson's YAML tokens.
 */
public sealed interface YamlNode {
    /** 1-based line and column of the node's first character. */
    record Loc(int line, int column) {}

    Loc loc();

    /** Human name of the node kind for "expected a map, got a list" messages. */
    String kind();

    record Scalar(Loc loc, String text) implements YamlNode {
        @Override
        public String kind() {
            return text == null ? "null" : "a scalar '" + text + "'";
        }
    }

    record Seq(Loc loc, List<YamlNode> items) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A mapping; keys keep file order. */
    record Map(Loc loc, LinkedHashMap<String, Entry> entries) implements YamlNode {
        @Override
        public String kind() {
            return "a map";
        }

        public YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }
    }

    record Entry(String key, Loc keyLoc, YamlNode value) {}
}
