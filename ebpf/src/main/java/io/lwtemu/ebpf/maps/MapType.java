package io.lwtemu.ebpf.maps;

/** Map types with the kernel's {@code enum bpf_map_type} numbers. */
public enum MapType {
    HASH(1),
    ARRAY(2),
    PROG_ARRAY(3),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    LPM_TRIE(11),
    RINGBUF(27);

    public final int kernelId;

    MapType(int kernelId) {
        this.kernelId = kernelId;
    }

    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH;
    }

    /** The type with this kernel number, or null when lwtemu does not support it. */
    public static MapType ofKernelId(int id) {
        for (MapType t : values()) {
            if (t.kernelId == id) {
                return t;
            }
        }
        return null;
    }
}
