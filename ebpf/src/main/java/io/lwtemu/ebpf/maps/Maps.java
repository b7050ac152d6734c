package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;

/**
 * Creates maps from their definitions, validating them the way {@code BPF_MAP_CREATE} does (the
 * {@code map_alloc_check}/{@code map_alloc} of each map type), so an object the kernel would refuse is
 * refused here with the same errno.
 */
public final class Maps {
    private Maps() {}

    // map_flags not named in MapDefinition (include/uapi/linux/bpf.h)
    static final int BPF_F_NO_COMMON_LRU = 1 << 1;
    static final int BPF_F_NUMA_NODE = 1 << 2;
    static final int BPF_F_RDONLY = 1 << 3;
    static final int BPF_F_WRONLY = 1 << 4;
    static final int BPF_F_ZERO_SEED = 1 << 6;
    static final int BPF_F_PRESERVE_ELEMS = 1 << 11;
    static final int BPF_F_INNER_MAP = 1 << 12;

    private static final int ACCESS_MASK = BPF_F_RDONLY | BPF_F_WRONLY
            | MapDefinition.BPF_F_RDONLY_PROG | MapDefinition.BPF_F_WRONLY_PROG;
    private static final int HTAB_CREATE_FLAG_MASK = MapDefinition.BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU
            | BPF_F_NUMA_NODE | ACCESS_MASK | BPF_F_ZERO_SEED;
    private static final int ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | MapDefinition.BPF_F_MMAPABLE | ACCESS_MASK
            | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP;
    private static final int LPM_CREATE_FLAG_MASK = MapDefinition.BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | ACCESS_MASK;

    /** Kernel limits: keys are built on the 512-byte BPF stack; KMALLOC_MAX_SIZE with 4 KiB pages. */
    static final int MAX_BPF_STACK = 512;
    static final long KMALLOC_MAX_SIZE = 1L << 22;
    /** PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
    static final int PCPU_MIN_UNIT_SIZE = 32 << 10;
    static final int LPM_DATA_SIZE_MAX = 256;
    static final int MAX_HASH_BUCKETS = 1 << 28;

    /**
     * A new, empty map for {@code def}.
     *
     * @param cpus number of emulated CPUs (per-CPU maps hold one value for each)
     * @throws MapCreateException when the kernel would refuse the definition; names map, reason and errno
     */
    public static BpfMap create(MapDefinition def, int cpus) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1, was " + cpus);
        }
        if (def.type() == null) {
            throw new MapCreateException("cannot create map '" + def.name() + "': unsupported map type", Errno.EINVAL);
        }
        switch (def.type()) {
            case HASH:
            case PERCPU_HASH:
            case LRU_HASH:
            case LRU_PERCPU_HASH:
                checkHash(def);
                return new HashTableMap(def, cpus);
            case ARRAY:
            case PERCPU_ARRAY:
                checkArray(def);
                return new ArrayMap(def, cpus);
            case LPM_TRIE:
                checkLpmTrie(def);
                return new LpmTrieMap(def);
            case PROG_ARRAY:
                checkAccessFlags(def);
                if (def.keySize() != 4 || def.valueSize() != 4 || def.maxEntries() <= 0) {
                    throw refuse(def, "key and value size must be 4 and max_entries > 0", Errno.EINVAL);
                }
                return new ProgArrayMap(def);
            case PERF_EVENT_ARRAY:
                if (def.maxEntries() == 0) { // libbpf: one slot per CPU when the object leaves it 0
                    def = new MapDefinition(def.name(), def.type(), def.keySize(), def.valueSize(), cpus,
                            def.flags(), def.pinning());
                }
                if (PerfEventArrayMap.validate(def) != 0) {
                    throw refuse(def, "key and value size must be 4 and max_entries > 0", Errno.EINVAL);
                }
                return new PerfEventArrayMap(def);
            case RINGBUF:
                if (RingBufMap.validate(def) != 0) {
                    throw refuse(def, "key and value size must be 0 and max_entries a power-of-2 multiple of "
                            + RingBufMap.PAGE_SIZE, Errno.EINVAL);
                }
                return new RingBufMap(def);
            default:
                throw refuse(def, "unsupported map type", Errno.EINVAL);
        }
    }

    private static MapCreateException refuse(MapDefinition def, String reason, int errno) {
        return new MapCreateException("cannot create map '" + def.name() + "' (" + def.type() + "): " + reason, errno);
    }

    /** bpf_map_flags_access_ok: a map cannot be both read-only and write-only for programs. */
    private static void checkAccessFlags(MapDefinition def) {
        int both = MapDefinition.BPF_F_RDONLY_PROG | MapDefinition.BPF_F_WRONLY_PROG;
        if ((def.flags() & both) == both) {
            throw refuse(def, "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG together", Errno.EINVAL);
        }
    }

    private static void checkUnknownFlags(MapDefinition def, int mask) {
        int unknown = def.flags() & ~mask;
        if (unknown != 0) {
            throw refuse(def, "map_flags 0x" + Integer.toHexString(unknown) + " not allowed for this type",
                    Errno.EINVAL);
        }
    }

    private static void checkCommon(MapDefinition def) {
        if (def.maxEntries() == 0) {
            throw refuse(def, "max_entries is 0", Errno.EINVAL);
        }
        if (def.valueSize() == 0) {
            throw refuse(def, "value_size is 0", Errno.EINVAL);
        }
    }

    /** htab_map_alloc_check. */
    private static void checkHash(MapDefinition def) {
        MapType t = def.type();
        boolean percpu = t == MapType.PERCPU_HASH || t == MapType.LRU_PERCPU_HASH;
        boolean lru = t == MapType.LRU_HASH || t == MapType.LRU_PERCPU_HASH;
        boolean prealloc = (def.flags() & MapDefinition.BPF_F_NO_PREALLOC) == 0;
        checkUnknownFlags(def, HTAB_CREATE_FLAG_MASK);
        checkAccessFlags(def);
        if (!lru && (def.flags() & BPF_F_NO_COMMON_LRU) != 0) {
            throw refuse(def, "BPF_F_NO_COMMON_LRU on a map that is not LRU", Errno.EINVAL);
        }
        if (lru && !prealloc) {
            throw refuse(def, "LRU maps are always preallocated, BPF_F_NO_PREALLOC not supported", Errno.ENOTSUPP);
        }
        if (def.keySize() == 0) {
            throw refuse(def, "key_size is 0", Errno.EINVAL);
        }
        checkCommon(def);
        if (def.keySize() < 0 || def.keySize() > MAX_BPF_STACK) {
            throw refuse(def, "key_size " + Integer.toUnsignedString(def.keySize()) + " larger than the "
                    + MAX_BPF_STACK + "-byte BPF stack", Errno.E2BIG);
        }
        if (def.valueSize() < 0 || (long) def.keySize() + def.valueSize() >= KMALLOC_MAX_SIZE - 64) {
            throw refuse(def, "key_size + value_size too large", Errno.E2BIG);
        }
        if (percpu && def.valueSize() > PCPU_MIN_UNIT_SIZE) {
            throw refuse(def, "per-CPU value_size " + def.valueSize() + " > " + PCPU_MIN_UNIT_SIZE, Errno.E2BIG);
        }
        // htab_map_alloc: n_buckets > U32_MAX / sizeof(struct bucket) (16 bytes) is -E2BIG
        if (def.maxEntries() < 0 || def.maxEntries() > MAX_HASH_BUCKETS) {
            throw refuse(def, "max_entries " + Integer.toUnsignedString(def.maxEntries()) + " needs more than "
                    + MAX_HASH_BUCKETS + " buckets", Errno.E2BIG);
        }
    }

    /** array_map_alloc_check. */
    private static void checkArray(MapDefinition def) {
        boolean percpu = def.type() == MapType.PERCPU_ARRAY;
        if (def.maxEntries() == 0) {
            throw refuse(def, "max_entries is 0", Errno.EINVAL);
        }
        if (def.keySize() != 4) {
            throw refuse(def, "key_size must be 4 (a u32 index), was " + def.keySize(), Errno.EINVAL);
        }
        if (def.valueSize() == 0) {
            throw refuse(def, "value_size is 0", Errno.EINVAL);
        }
        checkUnknownFlags(def, ARRAY_CREATE_FLAG_MASK);
        checkAccessFlags(def);
        if (percpu && (def.flags() & (MapDefinition.BPF_F_MMAPABLE | BPF_F_INNER_MAP)) != 0) {
            throw refuse(def, "BPF_F_MMAPABLE/BPF_F_INNER_MAP only for ARRAY", Errno.EINVAL);
        }
        if ((def.flags() & BPF_F_PRESERVE_ELEMS) != 0) {
            throw refuse(def, "BPF_F_PRESERVE_ELEMS only for PERF_EVENT_ARRAY", Errno.EINVAL);
        }
        if (def.valueSize() < 0) {
            throw refuse(def, "value_size " + Integer.toUnsignedString(def.valueSize()) + " too large", Errno.E2BIG);
        }
        if (percpu && ((def.valueSize() + 7) & ~7) > PCPU_MIN_UNIT_SIZE) {
            throw refuse(def, "per-CPU value_size " + def.valueSize() + " > " + PCPU_MIN_UNIT_SIZE, Errno.E2BIG);
        }
        if (def.maxEntries() < 0) {
            throw refuse(def, "max_entries " + Integer.toUnsignedString(def.maxEntries()) + " too large",
                    Errno.ENOMEM);
        }
    }

    /** trie_alloc: one EINVAL for every bad attribute, as in the kernel. */
    private static void checkLpmTrie(MapDefinition def) {
        if (def.maxEntries() == 0) {
            throw refuse(def, "max_entries is 0", Errno.EINVAL);
        }
        if ((def.flags() & MapDefinition.BPF_F_NO_PREALLOC) == 0) {
            throw refuse(def, "LPM tries require map_flags BPF_F_NO_PREALLOC", Errno.EINVAL);
        }
        checkUnknownFlags(def, LPM_CREATE_FLAG_MASK);
        checkAccessFlags(def);
        if (def.keySize() < 4 + 1 || def.keySize() > 4 + LPM_DATA_SIZE_MAX) {
            throw refuse(def, "key_size must be 4 (prefixlen) + 1.." + LPM_DATA_SIZE_MAX + " data bytes, was "
                    + def.keySize(), Errno.EINVAL);
        }
        if (def.valueSize() < 1 || def.valueSize() > KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - 64) {
            throw refuse(def, "value_size " + Integer.toUnsignedString(def.valueSize()) + " out of range",
                    Errno.EINVAL);
        }
        if (def.maxEntries() < 0) {
            throw refuse(def, "max_entries " + Integer.toUnsignedString(def.maxEntries()) + " too large",
                    Errno.ENOMEM);
        }
    }
}
