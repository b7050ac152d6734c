package io.lwtemu.node.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where routers run on a cluster ({@code placement:} in a topology file, FORMAT.md): a router pinned to a member
 * by name ({@code r1: member-a}) or to any member with a role ({@code r2: role:edge}). Routers not named here are
 * placed automatically. An embedded run ignores it.
 */
public record Placement(Map<String, String> members, Map<String, String> roles) {
    public static final Placement NONE = new Placement(Map.of(), Map.of());

    /** True when {@code router} is pinned (to a member or a role). */
    public boolean pinned(String router) {
        return members.containsKey(router) || roles.containsKey(router);
    }

    /** Reads the {@code placement:} map of {@code topo}'s file; mistakes name file:line:col. */
    public static Placement of(Topology topo) {
        String text;
        try {
            text = Files.readString(topo.file());
        } catch (IOException e) {
            throw new TopologyException(topo.file(), 0, 0, "cannot read topology file: " + e);
        }
        return parse(topo, text);
    }

    /** Same as {@link #of} from the file's text. */
    public static Placement parse(Topology topo, String text) {
        if (!(new YamlReader(topo.file()).read(text) instanceof YamlNode.Map root) || root.get("placement") == null) {
            return NONE;
        }
        YamlNode node = root.get("placement");
        if (!(node instanceof YamlNode.Map m)) {
            throw new TopologyException(topo.file(), node.loc().line(), node.loc().column(),
                    "'placement' must be a map of router names to member names (or role:NAME), got " + node.kind());
        }
        Map<String, String> members = new LinkedHashMap<>();
        Map<String, String> roles = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries().values()) {
            if (!topo.nodes().containsKey(e.key())) {
                throw new TopologyException(topo.file(), e.keyLoc().line(), e.keyLoc().column(), "placement: unknown node '"
                        + e.key() + "', expected one of " + String.join(", ", topo.nodes().keySet()));
            }
            if (!(e.value() instanceof YamlNode.Scalar s) || s.text() == null || s.text().isBlank()) {
                throw new TopologyException(topo.file(), e.value().loc().line(), e.value().loc().column(),
                        "placement of " + e.key() + ": expected a member name or role:NAME, got " + e.value().kind());
            }
            String v = s.text().trim();
            if (v.startsWith("role:")) {
                String role = v.substring(5).trim();
                if (role.isEmpty()) {
                    throw new TopologyException(topo.file(), s.loc().line(), s.loc().column(),
                            "placement of " + e.key() + ": 'role:' needs a role name");
                }
                roles.put(e.key(), role);
            } else {
                members.put(e.key(), v);
            }
        }
        return new Placement(Map.copyOf(members), Map.copyOf(roles));
    }
}
