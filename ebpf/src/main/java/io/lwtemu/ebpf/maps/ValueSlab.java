package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;

/**
 * Value memory of an element-based map (hash, LRU, LPM trie): a fixed number of equally sized slots, each
 * 8-byte aligned so programs can use atomic instructions on values.
 *
 * <p>Slots live in chunks, one {@link MemoryRegion} each, created on first use; memory grows with the
 * high-water mark of live elements and never beyond {@code capacity} slots. Freed slots go to a stack and
 * are reused first, like the kernel's element freelist. Chunks are released only by {@link #close()}, so a
 * pointer a program kept after a delete can only reach a (maybe reused) slot of the same map, never memory
 * of another map: the same guarantee the kernel's preallocated hash maps give.
 *
 * <p>{@link #allocate()} and {@link #free(int)} must be called under the owning map's write lock;
 * {@link #pointer(int)}, {@link #bytes(int)} and {@link #offset(int)} are lock-free for slots the caller
 * reached through a properly published reference.
 */
final class ValueSlab {
    private static final int MAX_CHUNK_BYTES = 1 << 20;
    private static final int MAX_CHUNK_SLOTS = 4096;

    final int stride;
    final int capacity;
    final int chunkShift;
    final int chunkMask;
    private final String regionName;
    private final BpfMap owner;
    private final boolean writable;
    /** Fixed length; an entry is written once before any slot in it is published. */
    private final MemoryRegion[] chunks;
    private final long[] chunkBase;
    private final int[] chunkIds;
    private int fresh;
    private int[] freeStack = new int[16];
    private int freeTop;

    ValueSlab(BpfMap owner, int stride, int capacity, boolean writable) {
        if ((stride & 7) != 0) {
            throw new IllegalArgumentException("slot stride must be a multiple of 8: " + stride);
        }
        this.stride = stride;
        this.capacity = capacity;
        this.owner = owner;
        this.regionName = "map value of '" + owner.name() + "'";
        this.writable = writable;
        int slots = Math.max(1, Math.min(MAX_CHUNK_SLOTS, MAX_CHUNK_BYTES / stride));
        slots = Integer.highestOneBit(slots);
        int capPow2 = capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
        if (capPow2 > 0 && capPow2 < slots) {
            slots = capPow2;
        }
        this.chunkShift = Integer.numberOfTrailingZeros(slots);
        this.chunkMask = slots - 1;
        int nChunks = (int) (((long) capacity + slots - 1) >>> chunkShift);
        this.chunks = new MemoryRegion[nChunks];
        this.chunkBase = new long[nChunks];
        this.chunkIds = new int[nChunks];
    }

    int chunkSlots() {
        return chunkMask + 1;
    }

    int chunkCount() {
        return chunks.length;
    }

    /**
     * A free slot, or -1 when all {@code capacity} slots are in use. A reused slot keeps its old bytes
     * (callers overwrite the value): a reader still holding a pointer to it then sees an old or a new value,
     * never zeros that belong to neither.
     */
    int allocate() {
        if (freeTop > 0) {
            return freeStack[--freeTop];
        }
        if (fresh >= capacity) {
            return -1;
        }
        int slot = fresh++;
        int c = slot >>> chunkShift;
        if (chunks[c] == null) {
            int n = Math.min(chunkSlots(), capacity - (c << chunkShift));
            MemoryRegion r = new MemoryRegion(MemoryRegion.Kind.MAP_VALUE, regionName, new byte[n * stride], 0,
                    n * stride, writable);
            r.owner = owner;
            int id = RegionTable.global().register(r);
            chunkIds[c] = id;
            chunkBase[c] = Pointer.of(id, 0);
            chunks[c] = r;
        }
        return slot;
    }

    void free(int slot) {
        if (freeTop == freeStack.length) {
            freeStack = java.util.Arrays.copyOf(freeStack, freeStack.length * 2);
        }
        freeStack[freeTop++] = slot;
    }

    /** Slots ever handed out (memory in use is proportional to this). */
    int highWater() {
        return fresh;
    }

    long pointer(int slot) {
        return chunkBase[slot >>> chunkShift] + (long) (slot & chunkMask) * stride;
    }

    byte[] bytes(int slot) {
        return chunks[slot >>> chunkShift].bytes;
    }

    int offset(int slot) {
        return (slot & chunkMask) * stride;
    }

    void close() {
        for (int c = 0; c < chunks.length; c++) {
            if (chunks[c] != null) {
                RegionTable.global().release(chunkIds[c]);
            }
        }
    }

    /** Checks that {@code capacity * stride} bytes can be addressed at all (Java arrays are int-indexed). */
    static void checkSize(String mapName, MapType type, long bytes) {
        if (bytes > Integer.MAX_VALUE - 64L) {
            throw new MapCreateException("cannot create map '" + mapName + "' (" + type + "): "
                    + bytes + " bytes of values exceed what one region can hold", Errno.ENOMEM);
        }
    }
}
