package io.lwtemu.ebpf.vm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The memory one program run can see: a few per-run regions (context, packet, stack, a raw memory
 * block) plus the shared {@link RegionTable} of map values. Resolves {@link Pointer}s with bounds and
 * write checks; every failure is a {@link BpfFault} naming the region and the access.
 *
 * <p>One instance per executing thread, reused across runs.
 */
public final class AddressSpace {
    /** Per-run region ids. */
    public static final int CONTEXT = 1;
    public static final int PACKET = 2;
    public static final int STACK = 3;
    /** A raw memory block given to the program in r1 (conformance vectors, generic test runs). */
    public static final int MEMORY = 4;

    static final VarHandle LE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final MemoryRegion[] local = new MemoryRegion[RegionTable.FIRST_ID];
    private final RegionTable global;

    public AddressSpace() {
        this(RegionTable.global());
    }

    public AddressSpace(RegionTable global) {
        this.global = global;
    }

    public void set(int id, MemoryRegion region) {
        if (id <= 0 || id >= RegionTable.FIRST_ID) {
            throw new IllegalArgumentException("per-run region id must be 1.." + (RegionTable.FIRST_ID - 1));
        }
        local[id] = region;
    }

    public MemoryRegion region(int id) {
        return id >= 0 && id < RegionTable.FIRST_ID ? local[id] : global.get(id);
    }

    /** The per-run packet region (may be null outside packet runs). */
    MemoryRegion packet() {
        return local[PACKET];
    }

    public RegionTable globalRegions() {
        return global;
    }

    /** The region holding {@code [pointer, pointer + size)}, checked for bounds and (if asked) writability. */
    public MemoryRegion resolve(long pointer, int size, boolean write) {
        MemoryRegion r = region(Pointer.region(pointer));
        if (r == null) {
            throw new BpfFault(describe(pointer, size, write) + ": not a valid pointer");
        }
        if (r.context != null) {
            throw new BpfFault(describe(pointer, size, write) + ": context must be accessed by load/store instructions");
        }
        if (!r.contains(Pointer.index(pointer), size)) {
            throw new BpfFault(describe(pointer, size, write) + ": outside " + r.name
                    + " (valid bytes " + r.start + ".." + r.end + ")");
        }
        if (write && !r.writable) {
            throw new BpfFault(describe(pointer, size, write) + ": " + r.name + " is read-only");
        }
        return r;
    }

    /** Little-endian load of 1, 2, 4 or 8 bytes, zero-extended. */
    public long load(long pointer, int size) {
        MemoryRegion r = region(Pointer.region(pointer));
        if (r != null && r.context != null) {
            return r.context.load(Pointer.index(pointer), size);
        }
        r = resolve(pointer, size, false);
        return get(r.bytes, Pointer.index(pointer), size);
    }

    /** Little-endian store of the low {@code size} bytes of {@code value}. */
    public void store(long pointer, int size, long value) {
        MemoryRegion r = region(Pointer.region(pointer));
        if (r != null && r.context != null) {
            r.context.store(Pointer.index(pointer), size, value);
            return;
        }
        r = resolve(pointer, size, true);
        put(r.bytes, Pointer.index(pointer), size, value);
    }

    /** Copies {@code len} bytes at {@code pointer} into {@code dst}; used by helpers taking (ptr, size). */
    public void read(long pointer, byte[] dst, int dstOffset, int len) {
        MemoryRegion r = resolve(pointer, len, false);
        System.arraycopy(r.bytes, Pointer.index(pointer), dst, dstOffset, len);
    }

    /** Copies {@code len} bytes of {@code src} to {@code pointer}. */
    public void write(long pointer, byte[] src, int srcOffset, int len) {
        MemoryRegion r = resolve(pointer, len, true);
        System.arraycopy(src, srcOffset, r.bytes, Pointer.index(pointer), len);
    }

    public static long get(byte[] b, int i, int size) {
        switch (size) {
            case 1: return b[i] & 0xffL;
            case 2: return ((short) LE_SHORT.get(b, i)) & 0xffffL;
            case 4: return ((int) LE_INT.get(b, i)) & 0xffffffffL;
            case 8: return (long) LE_LONG.get(b, i);
            default: throw new IllegalArgumentException("size " + size);
        }
    }

    public static void put(byte[] b, int i, int size, long v) {
        switch (size) {
            case 1: b[i] = (byte) v; break;
            case 2: LE_SHORT.set(b, i, (short) v); break;
            case 4: LE_INT.set(b, i, (int) v); break;
            case 8: LE_LONG.set(b, i, v); break;
            default: throw new IllegalArgumentException("size " + size);
        }
    }

    private String describe(long pointer, int size, boolean write) {
        return (write ? "write" : "read") + " of " + size + " byte(s) at 0x" + Long.toHexString(pointer);
    }
}
