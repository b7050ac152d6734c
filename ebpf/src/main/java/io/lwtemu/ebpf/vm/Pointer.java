package io.lwtemu.ebpf.vm;

/**
 * How lwtemu represents a pointer held in an eBPF register: a memory region id in the upper 32 bits
 * and a byte index into that region's backing array in the lower 32 bits.
 *
 * <pre>
 *  bit 63             32 31                0
 *  +-------------------+-------------------+
 *  |   region id       |  byte index       |
 *  +-------------------+-------------------+
 * </pre>
 *
 * NULL is 0 (region 0 never exists), so {@code if (!p)} in C works. Pointer arithmetic within a region
 * and comparisons such as {@code data + 14 > data_end} work on the raw longs. Every load and store
 * resolves the id through an {@link AddressSpace} and checks the index against the region's bounds, so a
 * forged or stray pointer can only fault, never reach memory the program was not given.
 */
public final class Pointer {
    private Pointer() {}

    public static final long NULL = 0;

    public static long of(int region, int index) {
        return ((long) region << 32) | (index & 0xffffffffL);
    }

    public static int region(long pointer) {
        return (int) (pointer >>> 32);
    }

    public static int index(long pointer) {
        return (int) pointer;
    }
}
