package io.lwtemu.node.experiment;

import io.lwtemu.node.topology.Placement;
import io.lwtemu.node.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which scenario member runs each router in a cluster experiment. Member faults must hit the same routers in
 * every run, so nothing is left to Cluster Sharding: routers the topology's {@code placement:} names go to that
 * member, the others are dealt out in file order over the scenario's {@code members:}, one each in turn. A
 * router on a member that is killed stays down (its links down) until the member is restarted, and then comes
 * back on it.
 */
public final class ExperimentPlacement {
    private ExperimentPlacement() {
    }

    /** Router name -> member name for every node of the topology; mistakes name the file and the router. */
    public static Map<String, String> of(Scenario sc) {
        List<String> members = sc.members();
        if (members.isEmpty()) {
            throw new ExperimentException(sc.file() + ": a cluster experiment needs 'members: [...]' (the members to"
                    + " start and place routers on)");
        }
        Topology t = sc.topology();
        Placement declared = Placement.of(t);
        if (!declared.roles().isEmpty()) {
            String r = declared.roles().keySet().iterator().next();
            throw new ExperimentException(t.file() + ": placement of " + r + " by role ('role:"
                    + declared.roles().get(r) + "') is not supported in a cluster experiment; name one of the"
                    + " members " + members);
        }
        Map<String, String> out = new LinkedHashMap<>();
        List<String> unplaced = new ArrayList<>();
        for (String node : t.nodes().keySet()) {
            String m = declared.members().get(node);
            if (m == null) {
                unplaced.add(node);
            } else if (!members.contains(m)) {
                throw new ExperimentException(t.file() + ": placement of " + node + " on '" + m
                        + "', which is not one of the scenario's members " + members);
            } else {
                out.put(node, m);
            }
        }
        for (int i = 0; i < unplaced.size(); i++) {
            out.put(unplaced.get(i), members.get(i % members.size()));
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String node : t.nodes().keySet()) {
            ordered.put(node, out.get(node));
        }
        return ordered;
    }

    /** The same as a {@link Placement} (every router pinned to its member by name). */
    public static Placement asPlacement(Scenario sc) {
        return new Placement(Map.copyOf(of(sc)), Map.of());
    }
}
