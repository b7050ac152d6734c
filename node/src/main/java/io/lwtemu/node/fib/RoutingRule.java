package io.lwtemu.node.fib;

/**
 * One policy routing rule ({@code ip rule}): selectors (from, to, fwmark/mask, iif, oif) and an action, tried
 * in ascending priority. Null selectors match anything; {@code fwmask} 0 means "no fwmark selector".
 */
public record RoutingRule(
        Family family,
        int priority,
        Prefix from,
        Prefix to,
        int fwmark,
        int fwmask,
        String iif,
        String oif,
        Action action,
        int table) {

    /** FR_ACT_* of the kernel. */
    public enum Action {
        TO_TBL, BLACKHOLE, UNREACHABLE, PROHIBIT
    }

    /** A plain "lookup TABLE" rule without selectors. */
    public static RoutingRule lookup(Family family, int priority, int table) {
        return new RoutingRule(family, priority, null, null, 0, 0, null, null, Action.TO_TBL, table);
    }

    /** fib_rule_match(): every present selector matches. */
    public boolean matches(long dstHi, long dstLo, long srcHi, long srcLo, int mark, String inIf, String outIf) {
        if (from != null && !from.contains(srcHi, srcLo)) {
            return false;
        }
        if (to != null && !to.contains(dstHi, dstLo)) {
            return false;
        }
        if (((mark ^ fwmark) & fwmask) != 0) {
            return false;
        }
        if (iif != null && !iif.equals(inIf)) {
            return false;
        }
        return oif == null || oif.equals(outIf);
    }

    /** True when both rules have the same selectors and action (priority included), as rule_exists(). */
    public boolean sameAs(RoutingRule o) {
        return equals(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(priority).append(":\tfrom ")
                .append(from == null ? "all" : from.toString());
        if (to != null) {
            sb.append(" to ").append(to);
        }
        if (fwmask != 0) {
            sb.append(" fwmark 0x").append(Integer.toHexString(fwmark));
            if (fwmask != -1) {
                sb.append("/0x").append(Integer.toHexString(fwmask));
            }
        }
        if (iif != null) {
            sb.append(" iif ").append(iif);
        }
        if (oif != null) {
            sb.append(" oif ").append(oif);
        }
        switch (action) {
            case TO_TBL -> sb.append(" lookup ").append(tableName(table));
            default -> sb.append(' ').append(action.name().toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    static String tableName(int id) {
        return switch (id) {
            case Route.TABLE_LOCAL -> "local";
            case Route.TABLE_MAIN -> "main";
            case Route.TABLE_DEFAULT -> "default";
            default -> Integer.toString(id);
        };
    }
}
