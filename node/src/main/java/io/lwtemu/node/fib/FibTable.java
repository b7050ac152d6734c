package io.lwtemu.node.fib;

import java.util.ArrayList;
import java.util.List;

/**
 * One routing table (the kernel's {@code struct fib_table} for IPv4 and {@code fib6_table} for IPv6): a
 * longest-prefix-match trie per family whose leaves hold the routes of one prefix, lowest metric first.
 */
public final class FibTable {
    public final int id;
    private final PrefixTrie<Route[]> v4 = new PrefixTrie<>();
    private final PrefixTrie<Route[]> v6 = new PrefixTrie<>();

    /** The FIB whose route cache this table's changes invalidate, or null. */
    private final Fib owner;

    public FibTable(int id) {
        this(id, null);
    }

    FibTable(int id, Fib owner) {
        this.id = id;
        this.owner = owner;
    }

    private void changed() {
        if (owner != null) {
            owner.changed();
        }
    }

    private PrefixTrie<Route[]> trie(Family f) {
        return f == Family.INET ? v4 : v6;
    }

    /** {@code ip route add}: fails with EEXIST ("File exists") when a route with the same prefix and metric exists. */
    public void add(Route route) {
        Prefix p = route.prefix;
        Route[] set = trie(p.family()).get(p.hi(), p.lo(), p.length());
        if (set != null) {
            for (Route r : set) {
                if (r.metric == route.metric) {
                    throw new FibException(FibException.EEXIST, "File exists");
                }
            }
        }
        trie(p.family()).put(p.hi(), p.lo(), p.length(), insertSorted(set, route));
        changed();
    }

    /** {@code ip route replace}: swaps the route with the same prefix and metric, or adds it. */
    public void replace(Route route) {
        Prefix p = route.prefix;
        Route[] set = trie(p.family()).get(p.hi(), p.lo(), p.length());
        if (set != null) {
            for (int i = 0; i < set.length; i++) {
                if (set[i].metric == route.metric) {
                    Route[] copy = set.clone();
                    copy[i] = route;
                    trie(p.family()).put(p.hi(), p.lo(), p.length(), copy);
                    changed();
                    return;
                }
            }
        }
        trie(p.family()).put(p.hi(), p.lo(), p.length(), insertSorted(set, route));
        changed();
    }

    private static Route[] insertSorted(Route[] set, Route route) {
        if (set == null) {
            return new Route[] {route};
        }
        Route[] out = new Route[set.length + 1];
        int j = 0;
        boolean placed = false;
        for (Route r : set) {
            if (!placed && route.metric < r.metric) {
                out[j++] = route;
                placed = true;
            }
            out[j++] = r;
        }
        if (!placed) {
            out[j] = route;
        }
        return out;
    }

    /**
     * {@code ip route del}: removes the first route of the prefix matching every given selector (null/negative =
     * any); ESRCH ("No such process") when none matches, as iproute2 reports it.
     */
    public Route delete(Prefix prefix, int metric, String dev, IpAddress via, RouteType type) {
        Route[] set = trie(prefix.family()).get(prefix.hi(), prefix.lo(), prefix.length());
        if (set != null) {
            for (int i = 0; i < set.length; i++) {
                Route r = set[i];
                if ((metric < 0 || r.metric == metric) && (dev == null || dev.equals(r.dev))
                        && (via == null || via.equals(r.gateway)) && (type == null || type == r.type)) {
                    if (set.length == 1) {
                        trie(prefix.family()).remove(prefix.hi(), prefix.lo(), prefix.length());
                    } else {
                        Route[] out = new Route[set.length - 1];
                        System.arraycopy(set, 0, out, 0, i);
                        System.arraycopy(set, i + 1, out, i, set.length - i - 1);
                        trie(prefix.family()).put(prefix.hi(), prefix.lo(), prefix.length(), out);
                    }
                    changed();
                    return r;
                }
            }
        }
        throw new FibException(FibException.ESRCH, "No such process");
    }

    /** Longest-prefix match; the lowest-metric route of the best prefix, or null. Does not allocate. */
    public Route lookup(Family family, long hi, long lo) {
        Route[] set = trie(family).lookup(hi, lo);
        return set == null ? null : set[0];
    }

    public Route lookup(IpAddress addr) {
        return lookup(addr.family(), addr.hi(), addr.lo());
    }

    /** All routes of the prefix, lowest metric first (empty if none). */
    public List<Route> routes(Prefix prefix) {
        Route[] set = trie(prefix.family()).get(prefix.hi(), prefix.lo(), prefix.length());
        return set == null ? List.of() : List.of(set);
    }

    /** Every route of the family, in prefix order ({@code ip route show table N}). */
    public List<Route> routes(Family family) {
        List<Route> out = new ArrayList<>();
        trie(family).forEach(family, (p, set) -> out.addAll(List.of(set)));
        return out;
    }

    public boolean isEmpty() {
        return v4.size() == 0 && v6.size() == 0;
    }
}
