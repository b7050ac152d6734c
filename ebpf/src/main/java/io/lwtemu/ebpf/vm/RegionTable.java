package io.lwtemu.ebpf.vm;

import java.util.ArrayDeque;

/**
 * Regions whose pointers outlive one program run and are shared by every thread: map values, map
 * handles ({@code CONST_PTR_TO_MAP}) and ring buffer records. Ids start at {@link #FIRST_ID}; lower ids
 * are the per-run regions of an {@link AddressSpace}.
 *
 * <p>Readers never lock: the array is replaced copy-on-write when it grows, and a slot is written once
 * per registration. A released id is reused only after a later registration, the way the kernel reuses
 * freed map elements after an RCU grace period.
 */
public final class RegionTable {
    public static final int FIRST_ID = 16;

    private static final RegionTable GLOBAL = new RegionTable();

    private volatile MemoryRegion[] regions = new MemoryRegion[1024];
    private int next = FIRST_ID;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();

    public static RegionTable global() {
        return GLOBAL;
    }

    /** Registers a region and returns its id for use in {@link Pointer#of}. */
    public synchronized int register(MemoryRegion region) {
        int id;
        if (!free.isEmpty()) {
            id = free.poll();
        } else {
            id = next++;
            if (id < 0) {
                throw new IllegalStateException("region ids exhausted");
            }
        }
        MemoryRegion[] current = regions;
        if (id >= current.length) {
            MemoryRegion[] grown = java.util.Arrays.copyOf(current, Math.max(id + 1, current.length * 2));
            grown[id] = region;
            regions = grown;
        } else {
            current[id] = region;
            regions = current; // volatile write publishes the slot
        }
        return id;
    }

    /** Forgets a region; later loads through stale pointers fault (or see a reused slot's memory). */
    public synchronized void release(int id) {
        MemoryRegion[] current = regions;
        if (id >= FIRST_ID && id < current.length && current[id] != null) {
            current[id] = null;
            regions = current;
            free.add(id);
        }
    }

    /** The region with this id, or null. */
    public MemoryRegion get(int id) {
        MemoryRegion[] current = regions;
        return id >= 0 && id < current.length ? current[id] : null;
    }
}
