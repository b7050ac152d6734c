package io.lwtemu.node.fib;

/**
 * A route prefix: address + length, host bits zero (as the kernel insists: "Invalid prefix for given prefix
 * length"). Keys are left aligned 128-bit values, see {@link IpAddress}.
 */
public record Prefix(Family family, long hi, long lo, int length) {

    public Prefix {
        if (length < 0 || length > family.bits) {
            throw new IllegalArgumentException("invalid prefix length " + length);
        }
    }

    public static Prefix of(IpAddress addr, int length) {
        return new Prefix(addr.family(), addr.hi(), addr.lo(), length);
    }

    /** 0.0.0.0/0 or ::/0. */
    public static Prefix defaultRoute(Family family) {
        return new Prefix(family, 0, 0, 0);
    }

    /**
     * Parses "10.0.0.0/24", "2001:db8::/64", a bare address (host prefix) or "default"/"all"/"any" (needs the
     * family). Rejects set host bits with the kernel's message.
     */
    public static Prefix parse(String s, Family defaultFamily) {
        if (s.equals("default") || s.equals("all") || s.equals("any")) {
            return defaultRoute(defaultFamily == null ? Family.INET : defaultFamily);
        }
        int slash = s.indexOf('/');
        IpAddress addr = IpAddress.parse(slash < 0 ? s : s.substring(0, slash));
        int len = addr.family().bits;
        if (slash >= 0) {
            String l = s.substring(slash + 1);
            try {
                len = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid prefix length '" + l + "'");
            }
            if (len < 0 || len > addr.family().bits || l.startsWith("+")) {
                throw new IllegalArgumentException("invalid prefix length '" + l + "'");
            }
        }
        Prefix p = new Prefix(addr.family(), addr.hi(), addr.lo(), len);
        if ((addr.hi() & ~maskHi(len)) != 0 || (addr.lo() & ~maskLo(len)) != 0) {
            throw new IllegalArgumentException("Invalid prefix for given prefix length");
        }
        return p;
    }

    public static long maskHi(int len) {
        return len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
    }

    public static long maskLo(int len) {
        return len <= 64 ? 0 : len >= 128 ? -1L : -1L << (128 - len);
    }

    /** True when the address (left-aligned hi/lo of the same family) lies in this prefix. */
    public boolean contains(long addrHi, long addrLo) {
        return ((addrHi ^ hi) & maskHi(length)) == 0 && ((addrLo ^ lo) & maskLo(length)) == 0;
    }

    public boolean contains(IpAddress a) {
        return a.family() == family && contains(a.hi(), a.lo());
    }

    public IpAddress address() {
        return new IpAddress(family, hi, lo);
    }

    @Override
    public String toString() {
        return address() + "/" + length;
    }
}
