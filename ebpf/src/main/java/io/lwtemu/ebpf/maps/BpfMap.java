package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;

/**
 * A BPF map. Two faces, as in the kernel:
 * <ul>
 *   <li>the program side ({@code bpf_map_*_elem} helpers): keys are read from program memory, lookups
 *       return a {@link Pointer} into the map's value memory so the program can update it in place;</li>
 *   <li>the user side ({@code bpf(2)} commands, bpftool): keys and values are copied byte arrays; per-CPU
 *       maps take and return one value per CPU, each padded to 8 bytes like the kernel.</li>
 * </ul>
 * Return values are 0 or a negated errno ({@code -Errno.ENOENT}, ...).
 * Implementations are thread-safe where the kernel's are: several router threads run programs at once.
 */
public abstract class BpfMap {
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;
    public static final long BPF_F_LOCK = 4;

    protected final MapDefinition definition;
    /** Region id of this map's handle, the value a program holds after {@code ld_imm64 map}. */
    private final int handleRegion;

    protected BpfMap(MapDefinition definition) {
        this.definition = definition;
        MemoryRegion handle = new MemoryRegion(MemoryRegion.Kind.MAP_HANDLE, "map '" + definition.name() + "'",
                new byte[0], 0, 0, false);
        handle.owner = this;
        this.handleRegion = RegionTable.global().register(handle);
    }

    public MapDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    public MapType type() {
        return definition.type();
    }

    /** The pointer value a program holds for this map ({@code CONST_PTR_TO_MAP}). */
    public long handle() {
        return Pointer.of(handleRegion, 0);
    }

    /** The map behind a handle pointer, or null when {@code pointer} is not a map handle. */
    public static BpfMap fromHandle(long pointer) {
        MemoryRegion r = RegionTable.global().get(Pointer.region(pointer));
        return r != null && r.kind == MemoryRegion.Kind.MAP_HANDLE ? (BpfMap) r.owner : null;
    }

    // ---- program side -------------------------------------------------------------------------

    /** {@code bpf_map_lookup_elem}: pointer to the value for the key at {@code key[keyOffset..]}, or 0. */
    public abstract long lookupElem(byte[] key, int keyOffset, int cpu);

    /** {@code bpf_map_update_elem}: 0 or -errno. */
    public abstract int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu);

    /** {@code bpf_map_delete_elem}: 0 or -errno. */
    public abstract int deleteElem(byte[] key, int keyOffset);

    /**
     * Pointer to byte {@code offset} of the single value of an array-like map, for
     * {@code ld_imm64 BPF_PSEUDO_MAP_VALUE} (global data in .rodata/.data/.bss).
     * Maps that do not support direct value access return 0.
     */
    public long directValueAddress(int offset) {
        return 0;
    }

    // ---- user side ----------------------------------------------------------------------------

    /** Copy of the value (per-CPU maps: all CPUs' values, each padded to 8 bytes), or null if absent. */
    public abstract byte[] lookup(byte[] key);

    /** Sets a value (per-CPU maps: all CPUs' values, each padded to 8 bytes); 0 or -errno. */
    public abstract int update(byte[] key, byte[] value, long flags);

    /** 0 or -errno. */
    public abstract int delete(byte[] key);

    /** The key after {@code key} in iteration order (first key when {@code key} is null), or null at the end. */
    public abstract byte[] nextKey(byte[] key);

    /** Releases value memory; pointers programs still hold fault afterwards. */
    public void close() {
        RegionTable.global().release(handleRegion);
    }
}
