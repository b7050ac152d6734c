package io.lwtemu.node.fib;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;

/**
 * An IPv4 or IPv6 address as a 128-bit value, left aligned: an IPv4 address occupies the top 32 bits of
 * {@code hi} so both families share one trie key layout.
 */
public record IpAddress(Family family, long hi, long lo) {

    public static IpAddress v4(int addr) {
        return new IpAddress(Family.INET, (addr & 0xffffffffL) << 32, 0);
    }

    public static IpAddress v6(byte[] b, int off) {
        return new IpAddress(Family.INET6, Bytes.i64(b, off), Bytes.i64(b, off + 8));
    }

    /** Reads an address of {@code family} from packet bytes. */
    public static IpAddress read(Family family, byte[] b, int off) {
        return family == Family.INET ? v4(Bytes.i32(b, off)) : v6(b, off);
    }

    /** Parses "10.0.0.1" or "2001:db8::1"; the family follows from the presence of ':'. */
    public static IpAddress parse(String s) {
        if (s.indexOf(':') >= 0) {
            return v6(Ipv6Header.parse(s), 0);
        }
        return v4(Ipv4Header.parse(s));
    }

    /** The IPv4 address as an int (only for INET). */
    public int v4() {
        return (int) (hi >>> 32);
    }

    /** Network-order bytes (4 or 16). */
    public byte[] toBytes() {
        byte[] b = new byte[family.bytes()];
        write(b, 0);
        return b;
    }

    public void write(byte[] b, int off) {
        if (family == Family.INET) {
            Bytes.put32(b, off, v4());
        } else {
            Bytes.put64(b, off, hi);
            Bytes.put64(b, off + 8, lo);
        }
    }

    public boolean isZero() {
        return hi == 0 && lo == 0;
    }

    @Override
    public String toString() {
        if (family == Family.INET) {
            return Ipv4Header.format(v4());
        }
        byte[] b = new byte[16];
        write(b, 0);
        return Ipv6Header.format(b, 0);
    }
}
