package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;

import java.util.Arrays;

/**
 * {@code BPF_MAP_TYPE_ARRAY} and {@code BPF_MAP_TYPE_PERCPU_ARRAY} (kernel/bpf/arraymap.c): {@code max_entries}
 * preallocated, zero-initialised values indexed by a u32 key. Elements always exist: delete fails with
 * {@code -EINVAL}, {@code BPF_NOEXIST} with {@code -EEXIST}.
 *
 * <p>All values sit in one region, element {@code i} at {@code i * round_up(value_size, 8)} (per-CPU: element
 * {@code i}, CPU {@code c} at {@code (i * cpus + c) * round_up(value_size, 8)}), so every value is 8-byte
 * aligned. Lookups are a bounds check and an add; updates copy in place without a lock, as in the kernel
 * (a concurrent reader may see a partly copied value there too).
 */
public final class ArrayMap extends BpfMap implements PerCpuMap {
    private boolean closed;
    private volatile boolean frozen;
    private final boolean percpu;
    private final int cpus;
    private final int valueSize;
    private final int elemStride;
    private final int slotStride;
    private final int maxEntries;
    private final byte[] values;
    private final int regionId;
    private final long base;

    ArrayMap(MapDefinition def, int cpus) {
        super(def);
        this.percpu = def.type() == MapType.PERCPU_ARRAY;
        this.cpus = percpu ? cpus : 1;
        this.valueSize = def.valueSize();
        this.elemStride = (valueSize + 7) & ~7;
        this.slotStride = elemStride * this.cpus;
        this.maxEntries = def.maxEntries();
        ValueSlab.checkSize(def.name(), def.type(), (long) slotStride * maxEntries);
        this.values = new byte[slotStride * maxEntries];
        boolean writable = (def.flags() & MapDefinition.BPF_F_RDONLY_PROG) == 0;
        MemoryRegion r = new MemoryRegion(MemoryRegion.Kind.MAP_VALUE, "map value of '" + def.name() + "'",
                values, 0, values.length, writable);
        r.owner = this;
        this.regionId = RegionTable.global().register(r);
        this.base = Pointer.of(regionId, 0);
    }

    @Override
    public int cpus() {
        return cpus;
    }

    private static int index(byte[] key, int off) {
        return (int) AddressSpace.get(key, off, 4);
    }

    /** True when the unsigned {@code index} addresses an element. */
    private boolean inRange(int index) {
        return Integer.compareUnsigned(index, maxEntries) < 0;
    }

    private int checkUpdate(int index, long flags) {
        if (Long.compareUnsigned(flags & ~BPF_F_LOCK, BPF_EXIST) > 0) {
            return -Errno.EINVAL;
        }
        if (!inRange(index)) {
            return -Errno.E2BIG;
        }
        if ((flags & BPF_NOEXIST) != 0) {
            return -Errno.EEXIST;
        }
        if ((flags & BPF_F_LOCK) != 0) {
            return -Errno.EINVAL; // no bpf_spin_lock in lwtemu values
        }
        return 0;
    }

    // ---- program side ----

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        int index = index(key, keyOffset);
        if (!inRange(index)) {
            return Pointer.NULL;
        }
        return base + (long) index * slotStride + (percpu ? (long) checkCpu(cpu) * elemStride : 0);
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        int index = index(key, keyOffset);
        int err = checkUpdate(index, flags);
        if (err != 0) {
            return err;
        }
        int at = index * slotStride + (percpu ? checkCpu(cpu) * elemStride : 0);
        System.arraycopy(value, valueOffset, values, at, valueSize);
        return 0;
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        return -Errno.EINVAL;
    }

    /** Only plain arrays with a single element hold global data (kernel: array_map_direct_value_addr). */
    @Override
    public long directValueAddress(int offset) {
        if (percpu || maxEntries != 1 || offset < 0 || offset >= valueSize) {
            return Pointer.NULL;
        }
        return base + offset;
    }

    private int checkCpu(int cpu) {
        if (cpu < 0 || cpu >= cpus) {
            throw new IllegalArgumentException("cpu " + cpu + " outside 0.." + (cpus - 1) + " of map '" + name() + "'");
        }
        return cpu;
    }

    // ---- user side ----

    private int userValueSize() {
        return percpu ? slotStride : valueSize;
    }

    @Override
    public byte[] lookup(byte[] key) {
        if (key == null || key.length < 4) {
            return null;
        }
        int index = index(key, 0);
        if (!inRange(index)) {
            return null;
        }
        int at = index * slotStride;
        if (!percpu) {
            return Arrays.copyOfRange(values, at, at + valueSize);
        }
        byte[] out = new byte[slotStride];
        for (int c = 0; c < cpus; c++) {
            System.arraycopy(values, at + c * elemStride, out, c * elemStride, valueSize);
        }
        return out;
    }

    /**
     * {@code BPF_MAP_FREEZE}: from now on the user side cannot change values ({@code -EPERM}); programs
     * still can unless the map is {@code BPF_F_RDONLY_PROG}. libbpf freezes {@code .rodata} after filling it.
     */
    public void freeze() {
        frozen = true;
    }

    public boolean frozen() {
        return frozen;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (frozen) {
            return -Errno.EPERM;
        }
        if (key == null || key.length < 4 || value == null || value.length < userValueSize()) {
            return -Errno.EFAULT;
        }
        int index = index(key, 0);
        if (percpu && Long.compareUnsigned(flags, BPF_EXIST) > 0) {
            return -Errno.EINVAL; // bpf_percpu_array_update has no BPF_F_LOCK
        }
        int err = checkUpdate(index, flags);
        if (err != 0) {
            return err;
        }
        int at = index * slotStride;
        if (!percpu) {
            System.arraycopy(value, 0, values, at, valueSize);
        } else {
            for (int c = 0; c < cpus; c++) {
                System.arraycopy(value, c * elemStride, values, at + c * elemStride, valueSize);
            }
        }
        return 0;
    }

    @Override
    public int delete(byte[] key) {
        return frozen ? -Errno.EPERM : -Errno.EINVAL;
    }

    /** Kernel order: 0, 1, ... max_entries-1; a missing or out-of-range key restarts at 0. */
    @Override
    public byte[] nextKey(byte[] key) {
        int index = key == null || key.length < 4 ? -1 : index(key, 0);
        int next;
        if (!inRange(index)) {
            next = 0;
        } else if (index == maxEntries - 1) {
            return null;
        } else {
            next = index + 1;
        }
        byte[] out = new byte[4];
        AddressSpace.put(out, 0, 4, next);
        return out;
    }

    /** Releases the value regions and the handle once; a second call does nothing (ids may be reused). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RegionTable.global().release(regionId);
        super.close();
    }
}
