package io.lwtemu.node.topology;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Reads YAML text into a {@link YamlNode} tree with locations; syntax errors become {@link TopologyException}s. */
public final class YamlReader {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Path file;

    public YamlReader(Path file) {
        this.file = file;
    }

    public YamlNode read(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new TopologyException(file, 1, 1, "empty topology, expected a map with 'nodes' and 'links'");
            }
            YamlNode root = node(p, t);
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw new TopologyException(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                    "YAML syntax error: " + (nl > 0 ? msg.substring(0, nl) : msg), e);
        } catch (IOException e) {
            throw new TopologyException(file, 0, 0, "cannot read: " + e.getMessage(), e);
        }
    }

    private YamlNode node(JsonParser p, JsonToken t) throws IOException {
        YamlNode.Loc loc = loc(p.currentTokenLocation());
        switch (t) {
            case START_OBJECT -> {
                LinkedHashMap<String, YamlNode.Entry> m = new LinkedHashMap<>();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    YamlNode.Loc keyLoc = loc(p.currentTokenLocation());
                    YamlNode value = node(p, p.nextToken());
                    if (m.containsKey(key)) {
                        throw new TopologyException(file, keyLoc.line(), keyLoc.column(), "duplicate key '" + key
                                + "' (first at line " + m.get(key).keyLoc().line() + ")");
                    }
                    m.put(key, new YamlNode.Entry(key, keyLoc, value));
                }
                return new YamlNode.Map(loc, m);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                JsonToken i;
                while ((i = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(node(p, i));
                }
                return new YamlNode.Seq(loc, items);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(loc, null);
            }
            default -> {
                return new YamlNode.Scalar(loc, p.getText());
            }
        }
    }

    private static YamlNode.Loc loc(JsonLocation l) {
        return new YamlNode.Loc(l.getLineNr(), l.getColumnNr());
    }
}
