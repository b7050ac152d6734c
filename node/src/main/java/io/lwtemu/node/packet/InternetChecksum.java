package io.lwtemu.node.packet;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624), as used by IPv4, ICMP, UDP, TCP and
 * GRE. Sums are kept unfolded in an {@code int} (or {@code long} for long buffers) and folded at the end, the
 * way the kernel's {@code csum_partial}/{@code csum_fold} split the work.
 */
public final class InternetChecksum {
    private static final java.lang.invoke.VarHandle BE_INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            int[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {}

    /** Adds the 16-bit big-endian words of {@code buf[off, off+len)} to {@code sum}; an odd last byte is padded with 0. */
    public static long partial(byte[] buf, int off, int len, long sum) {
        int end = off + len;
        int i = off;
        // Two words per step: one bounds-checked 32-bit load instead of four byte loads.
        for (; i + 3 < end; i += 4) {
            int w = (int) BE_INT.get(buf, i);
            sum += (w >>> 16) + (w & 0xffff);
        }
        if (i + 1 < end) {
            sum += ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            sum += (buf[i] & 0xff) << 8;
        }
        return sum;
    }

    /** Folds a running sum to 16 bits (end-around carry), without complementing. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for {@code buf[off, off+len)}: the complemented folded sum. */
    public static int checksum(byte[] buf, int off, int len) {
        return ~fold(partial(buf, off, len, 0)) & 0xffff;
    }

    /** The checksum over data whose running sum (pseudo header etc.) is {@code sum}. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** True when the data including its checksum field sums to 0xffff (RFC 1071 verification). */
    public static boolean verify(byte[] buf, int off, int len) {
        return fold(partial(buf, off, len, 0)) == 0xffff;
    }

    /**
     * {@link #verify} of 20 bytes (an IPv4 header without options), as ip_fast_csum: five 32-bit words summed
     * whole, since a 32-bit word is congruent to the sum of its two 16-bit halves modulo 0xffff, then folded.
     */
    public static boolean verify20(byte[] buf, int off) {
        long sum = ((int) BE_INT.get(buf, off) & 0xffffffffL) + ((int) BE_INT.get(buf, off + 4) & 0xffffffffL)
                + ((int) BE_INT.get(buf, off + 8) & 0xffffffffL) + ((int) BE_INT.get(buf, off + 12) & 0xffffffffL)
                + ((int) BE_INT.get(buf, off + 16) & 0xffffffffL);
        return fold(sum) == 0xffff;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum after one 16-bit word of the covered data changed from
     * {@code oldWord} to {@code newWord}: HC' = ~(~HC + ~m + m').
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** RFC 1624 update for a changed 32-bit value (an IPv4 address): two 16-bit word updates. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff)
                + ((newValue >>> 16) & 0xffff) + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** Running sum of the IPv4 pseudo header (RFC 768/793): src, dst, zero, protocol, upper-layer length. */
    public static long pseudoHeaderV4(byte[] buf, int srcOff, int dstOff, int protocol, int length) {
        long sum = partial(buf, srcOff, 4, 0);
        sum = partial(buf, dstOff, 4, sum);
        return sum + protocol + length;
    }

    /** Running sum of the IPv6 pseudo header (RFC 8200 8.1): src, dst, 32-bit length, next header. */
    public static long pseudoHeaderV6(byte[] buf, int srcOff, int dstOff, int protocol, int length) {
        long sum = partial(buf, srcOff, 16, 0);
        sum = partial(buf, dstOff, 16, sum);
        return sum + (length >>> 16) + (length & 0xffff) + protocol;
    }
}
