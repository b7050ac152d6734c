package io.lwtemu.node.fib;

import io.lwtemu.node.packet.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The forwarding information base of one router: routing tables by id (local 255, main 254, default 253 and
 * custom ones created on first use) and policy routing rules per family, consulted in priority order as
 * {@code fib_rules_lookup()} does. Defaults like a fresh Linux: IPv4 rules 0 local / 32766 main / 32767
 * default, IPv6 rules 0 local / 32766 main.
 *
 * <p>Lookups go through a small direct-mapped cache of recent results (key: family, destination, source, mark,
 * iif, oif), emptied by any change of a table or the rules: a packet stream of a few flows then costs one hash and
 * a compare per lookup instead of the rule walk and a trie descent per table. The cache holds what the full lookup
 * would return for the same key, so results are the same with or without it.
 *
 * <p>Not thread safe: a router's actor owns it; control-plane changes and lookups happen on that thread.
 */
public final class Fib {
    private final FibTable[] smallTables = new FibTable[256];
    private final Map<Integer, FibTable> largeTables = new HashMap<>();
    private RoutingRule[] rules4;
    private RoutingRule[] rules6;
    private static final int CACHE_SIZE = 64;
    /** Recent lookups by key hash; entries are made on first use and overwritten, never freed. */
    private final CachedLookup[] cache = new CachedLookup[CACHE_SIZE];
    /** Incremented by every change of a table or the rules: cache entries of older versions are stale. */
    private long version = 1;
    /** The entry the previous lookup used (its key is compared by identity of the names, then as in the cache). */
    private CachedLookup last;

    /** One cached lookup: its key and the result it gave. */
    private static final class CachedLookup {
        long version;
        Family family;
        long dHi;
        long dLo;
        long sHi;
        long sLo;
        int mark;
        String iif;
        String oif;
        boolean ok;
        FibStatus status;
        Route route;
        int table;
        RoutingRule rule;
    }

    public Fib() {
        rules4 = new RoutingRule[] {
            RoutingRule.lookup(Family.INET, 0, Route.TABLE_LOCAL),
            RoutingRule.lookup(Family.INET, 32766, Route.TABLE_MAIN),
            RoutingRule.lookup(Family.INET, 32767, Route.TABLE_DEFAULT)
        };
        rules6 = new RoutingRule[] {
            RoutingRule.lookup(Family.INET6, 0, Route.TABLE_LOCAL),
            RoutingRule.lookup(Family.INET6, 32766, Route.TABLE_MAIN)
        };
        table(Route.TABLE_LOCAL);
        table(Route.TABLE_MAIN);
        table(Route.TABLE_DEFAULT);
    }

    /** The table with this id, created if missing (like the kernel's fib_new_table on route add). */
    public FibTable table(int id) {
        FibTable t = existingTable(id);
        if (t == null) {
            t = new FibTable(id, this);
            changed();
            if (id >= 0 && id < smallTables.length) {
                smallTables[id] = t;
            } else {
                largeTables.put(id, t);
            }
        }
        return t;
    }

    /** The table with this id or null; no allocation for ids below 256. */
    public FibTable existingTable(int id) {
        return id >= 0 && id < smallTables.length ? smallTables[id] : largeTables.get(id);
    }

    public FibTable main() {
        return table(Route.TABLE_MAIN);
    }

    public FibTable local() {
        return table(Route.TABLE_LOCAL);
    }

    public void addRoute(Route route) {
        table(route.table).add(route);
    }

    public void replaceRoute(Route route) {
        table(route.table).replace(route);
    }

    public List<RoutingRule> rules(Family family) {
        return List.of(family == Family.INET ? rules4 : rules6);
    }

    /**
     * {@code ip rule add}: inserted after every rule with a lower or equal priority. A rule without priority
     * ({@code priority < 0}) gets the priority of the second rule minus one (fib_default_rule_pref), so the
     * first one added lands at 32765. An identical rule fails with EEXIST.
     */
    public RoutingRule addRule(RoutingRule rule) {
        RoutingRule[] cur = rule.family() == Family.INET ? rules4 : rules6;
        if (rule.priority() < 0) {
            int pref = cur.length > 1 && cur[1].priority() > 0 ? cur[1].priority() - 1 : 0;
            rule = new RoutingRule(rule.family(), pref, rule.from(), rule.to(), rule.fwmark(), rule.fwmask(),
                    rule.iif(), rule.oif(), rule.action(), rule.table());
        }
        for (RoutingRule r : cur) {
            if (r.sameAs(rule)) {
                throw new FibException(FibException.EEXIST, "File exists");
            }
        }
        RoutingRule[] out = new RoutingRule[cur.length + 1];
        int i = 0;
        while (i < cur.length && cur[i].priority() <= rule.priority()) {
            out[i] = cur[i];
            i++;
        }
        out[i] = rule;
        System.arraycopy(cur, i, out, i + 1, cur.length - i);
        setRules(rule.family(), out);
        return rule;
    }

    /** {@code ip rule del}: removes the first rule equal to {@code rule}; ENOENT when there is none. */
    public void deleteRule(RoutingRule rule) {
        RoutingRule[] cur = rule.family() == Family.INET ? rules4 : rules6;
        List<RoutingRule> out = new ArrayList<>(List.of(cur));
        if (!out.remove(rule)) {
            throw new FibException(FibException.ENOENT, "No such file or directory");
        }
        setRules(rule.family(), out.toArray(new RoutingRule[0]));
    }

    /** A table or the rules changed: cached lookups are stale. */
    void changed() {
        version++;
    }

    private void setRules(Family f, RoutingRule[] rules) {
        changed();
        if (f == Family.INET) {
            rules4 = rules;
        } else {
            rules6 = rules;
        }
    }

    /**
     * Policy lookup on packet bytes: destination at {@code dstOff}, source at {@code srcOff} (negative = unspecified)
     * of {@code buf}. Fills {@code res}; returns true when a usable (unicast or local) route was found.
     * Does not allocate.
     */
    public boolean fibLookup(Family family, byte[] buf, int dstOff, int srcOff, int mark, String iif, String oif,
            FibResult res) {
        long dHi;
        long dLo;
        long sHi = 0;
        long sLo = 0;
        if (family == Family.INET) {
            dHi = (Bytes.i32(buf, dstOff) & 0xffffffffL) << 32;
            dLo = 0;
            if (srcOff >= 0) {
                sHi = (Bytes.i32(buf, srcOff) & 0xffffffffL) << 32;
            }
        } else {
            dHi = Bytes.i64(buf, dstOff);
            dLo = Bytes.i64(buf, dstOff + 8);
            if (srcOff >= 0) {
                sHi = Bytes.i64(buf, srcOff);
                sLo = Bytes.i64(buf, srcOff + 8);
            }
        }
        return fibLookup(family, dHi, dLo, sHi, sLo, mark, iif, oif, res);
    }

    /** Policy lookup on left-aligned address values (see {@link IpAddress}). Does not allocate once warm. */
    public boolean fibLookup(Family family, long dHi, long dLo, long sHi, long sLo, int mark, String iif,
            String oif, FibResult res) {
        CachedLookup c = last; // a stream of one flow asks the same again: no hash
        if (c != null && c.version == version && c.dHi == dHi && c.sHi == sHi && c.dLo == dLo && c.sLo == sLo
                && c.mark == mark && c.family == family && c.iif == iif && c.oif == oif) {
            res.set(c.status, c.route, c.table, c.rule);
            return c.ok;
        }
        long h = (dHi ^ Long.rotateLeft(dLo, 17) ^ Long.rotateLeft(sHi, 31) ^ Long.rotateLeft(sLo, 47) ^ mark)
                * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 58); // CACHE_SIZE = 64
        c = cache[slot];
        if (c != null && c.version == version && c.dHi == dHi && c.sHi == sHi && c.dLo == dLo && c.sLo == sLo
                && c.mark == mark && c.family == family && sameName(c.iif, iif) && sameName(c.oif, oif)) {
            res.set(c.status, c.route, c.table, c.rule);
            last = c;
            return c.ok;
        }
        boolean ok = lookupUncached(family, dHi, dLo, sHi, sLo, mark, iif, oif, res);
        if (c == null) {
            c = new CachedLookup();
            cache[slot] = c;
        }
        c.version = version;
        c.family = family;
        c.dHi = dHi;
        c.dLo = dLo;
        c.sHi = sHi;
        c.sLo = sLo;
        c.mark = mark;
        c.iif = iif;
        c.oif = oif;
        c.ok = ok;
        c.status = res.status;
        c.route = res.route;
        c.table = res.table;
        c.rule = res.rule;
        last = c;
        return ok;
    }

    private static boolean sameName(String a, String b) {
        return a == b || a != null && a.equals(b);
    }

    private boolean lookupUncached(Family family, long dHi, long dLo, long sHi, long sLo, int mark, String iif,
            String oif, FibResult res) {
        RoutingRule[] rules = family == Family.INET ? rules4 : rules6;
        for (RoutingRule rule : rules) {
            if (!rule.matches(dHi, dLo, sHi, sLo, mark, iif, oif)) {
                continue;
            }
            switch (rule.action()) {
                case UNREACHABLE -> {
                    res.set(FibStatus.UNREACHABLE, null, 0, rule);
                    return false;
                }
                case PROHIBIT -> {
                    res.set(FibStatus.PROHIBIT, null, 0, rule);
                    return false;
                }
                case BLACKHOLE -> {
                    res.set(FibStatus.BLACKHOLE, null, 0, rule);
                    return false;
                }
                default -> {
                }
            }
            FibTable table = existingTable(rule.table());
            if (table == null) {
                continue;
            }
            Route r = table.lookup(family, dHi, dLo);
            if (r == null) {
                continue;
            }
            FibStatus status = switch (r.type) {
                case UNICAST -> FibStatus.OK;
                case LOCAL -> FibStatus.LOCAL;
                case UNREACHABLE -> FibStatus.UNREACHABLE;
                case PROHIBIT -> FibStatus.PROHIBIT;
                case BLACKHOLE -> FibStatus.BLACKHOLE;
            };
            res.set(status, r, table.id, rule);
            return !status.isError();
        }
        res.set(FibStatus.NO_ROUTE, null, 0, null);
        return false;
    }

    /** Convenience lookup for control code and tests (allocates its result). */
    public FibResult fibLookup(IpAddress dst, IpAddress src, int mark, String iif, String oif) {
        FibResult res = new FibResult();
        fibLookup(dst.family(), dst.hi(), dst.lo(), src == null ? 0 : src.hi(), src == null ? 0 : src.lo(),
                mark, iif, oif, res);
        return res;
    }
}
