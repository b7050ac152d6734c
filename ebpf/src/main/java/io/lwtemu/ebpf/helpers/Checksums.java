package io.lwtemu.ebpf.helpers;

/**
 * The kernel's Internet checksum arithmetic ({@code include/net/checksum.h}) on 32-bit partial sums
 * ({@code __wsum}) and folded 16-bit checksums ({@code __sum16}), as on a little-endian machine: 16-bit
 * words are read little-endian, exactly like the kernel does on x86, so a program that mixes helper
 * results with its own arithmetic gets the same numbers as on Linux.
 */
public final class Checksums {
    private static final java.lang.invoke.VarHandle LE_INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private Checksums() {}

    /** {@code csum_add}: 32-bit one's complement addition (end-around carry). */
    public static int add(int csum, int addend) {
        int res = csum + addend;
        return res + (Integer.compareUnsigned(res, addend) < 0 ? 1 : 0);
    }

    /** {@code csum_sub}. */
    public static int sub(int csum, int addend) {
        return add(csum, ~addend);
    }

    /** {@code csum_fold}: 32-bit partial sum to the complemented 16-bit checksum. */
    public static int fold(int csum) {
        long sum = csum & 0xffffffffL;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /** {@code csum_from32to16}: folds to 16 bits without complementing. */
    public static int from32to16(int csum) {
        int sum = csum + ((csum >>> 16) | (csum << 16));
        return (sum >>> 16) & 0xffff;
    }

    /**
     * {@code csum_partial}: the one's complement sum of {@code len} bytes (little-endian 16-bit words, a
     * trailing odd byte as the low byte) added to {@code seed}, as a 32-bit partial sum.
     */
    public static int partial(byte[] b, int off, int len, int seed) {
        long sum = seed & 0xffffffffL;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += (b[off + i] & 0xff) | ((b[off + i + 1] & 0xff) << 8);
        }
        if (i < len) {
            sum += b[off + i] & 0xff;
        }
        while ((sum >>> 32) != 0) {
            sum = (sum & 0xffffffffL) + (sum >>> 32);
        }
        return (int) sum;
    }

    /**
     * {@code ip_fast_csum}: the header checksum of {@code ihl} 32-bit words, ready to store (little-endian). Sums
     * whole 32-bit words like the kernel's x86 version; the folded result is the same as over 16-bit words.
     */
    public static int ipFast(byte[] b, int off, int ihl) {
        long sum = 0;
        for (int i = 0; i < ihl; i++) {
            sum += (int) LE_INT.get(b, off + 4 * i) & 0xffffffffL;
        }
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        return fold((int) sum);
    }

    /** {@code csum_replace_by_diff}: new value of the 16-bit checksum field {@code sum} after adding {@code diff}. */
    public static int replaceByDiff(int sum, int diff) {
        return fold(add(diff, ~(sum & 0xffff)));
    }

    /** {@code csum_replace4}: {@code sum} after a 32-bit field changed from {@code from} to {@code to}. */
    public static int replace4(int sum, int from, int to) {
        int tmp = sub(~(sum & 0xffff), from);
        return fold(add(tmp, to));
    }

    /** {@code csum_replace2}: {@code sum} after a 16-bit field changed from {@code from} to {@code to}. */
    public static int replace2(int sum, int from, int to) {
        return ~add16(sub16(~sum, from), to) & 0xffff;
    }

    private static int add16(int csum, int addend) {
        int res = (csum + addend) & 0xffff;
        return (res + ((res < (addend & 0xffff)) ? 1 : 0)) & 0xffff;
    }

    private static int sub16(int csum, int addend) {
        return add16(csum & 0xffff, ~addend & 0xffff);
    }

    /** 16-bit little-endian read. */
    public static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8);
    }

    /** 16-bit little-endian write. */
    public static void putLe16(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }
}
