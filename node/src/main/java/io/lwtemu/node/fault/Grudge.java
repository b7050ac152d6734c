package io.lwtemu.node.fault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns a partition kind into a grudge, Jepsen's form of a partition: for each member, the members whose
 * packets it drops. Random kinds draw from the experiment's random stream, so a seed fixes the split.
 */
public final class Grudge {
    private Grudge() {
    }

    public static Map<String, Set<String>> of(Fault.Partition p, List<String> members, SplittableRandom random) {
        List<String> m = new ArrayList<>(members);
        Map<String, Set<String>> g = new LinkedHashMap<>();
        for (String x : m) {
            g.put(x, new LinkedHashSet<>());
        }
        switch (p.kind()) {
            case HALVES -> complete(g, m.subList(0, m.size() / 2), m.subList(m.size() / 2, m.size()));
            case RANDOM_HALVES -> {
                shuffle(m, random);
                complete(g, m.subList(0, m.size() / 2), m.subList(m.size() / 2, m.size()));
            }
            case MAJORITY -> {
                shuffle(m, random);
                int minority = (m.size() - 1) / 2;
                complete(g, m.subList(0, minority), m.subList(minority, m.size()));
            }
            case ISOLATE -> {
                shuffle(m, random);
                complete(g, m.subList(0, 1), m.subList(1, m.size()));
            }
            case BRIDGE -> {
                shuffle(m, random);
                // m[0] is the bridge: it reaches both halves, the halves do not reach each other.
                List<String> rest = m.subList(1, m.size());
                complete(g, rest.subList(0, rest.size() / 2), rest.subList(rest.size() / 2, rest.size()));
            }
            case RING -> {
                shuffle(m, random);
                int n = m.size();
                int half = n / 2; // each member keeps itself and its `half` nearest ring neighbours: a majority
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        int d = Math.min(Math.abs(i - j), n - Math.abs(i - j));
                        if (d > half / 2 + (half % 2) && i != j) {
                            g.get(m.get(i)).add(m.get(j));
                        }
                    }
                }
            }
            case ONE_WAY -> {
                for (String to : p.to()) {
                    g.get(to).addAll(p.from());
                }
            }
            case GROUPS -> complete(g, p.from(), p.to());
            case HEAL -> {
            }
        }
        return g;
    }

    private static void complete(Map<String, Set<String>> g, List<String> a, List<String> b) {
        for (String x : a) {
            g.get(x).addAll(b);
        }
        for (String y : b) {
            g.get(y).addAll(a);
        }
    }

    private static void shuffle(List<String> m, SplittableRandom random) {
        for (int i = m.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = m.get(i);
            m.set(i, m.get(j));
            m.set(j, t);
        }
    }
}
