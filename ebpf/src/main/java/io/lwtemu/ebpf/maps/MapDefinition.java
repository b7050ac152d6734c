package io.lwtemu.ebpf.maps;

/**
 * What an object file declares about a map (BTF {@code .maps} or legacy {@code struct bpf_map_def}),
 * in the kernel's terms.
 *
 * @param name       map name as in the object (global data maps: ".rodata", ".data", ".bss", ...)
 * @param type       map type
 * @param keySize    key size in bytes
 * @param valueSize  value size in bytes
 * @param maxEntries max_entries
 * @param flags      map_flags (BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ...)
 * @param pinning    0 = none, 1 = LIBBPF_PIN_BY_NAME
 */
public record MapDefinition(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
                            int pinning) {
    public static final int PIN_NONE = 0;
    public static final int PIN_BY_NAME = 1;

    public static final int BPF_F_NO_PREALLOC = 1;
    public static final int BPF_F_RDONLY_PROG = 1 << 7;
    public static final int BPF_F_WRONLY_PROG = 1 << 8;
    public static final int BPF_F_MMAPABLE = 1 << 10;

    /** True when both the definition and {@code other} describe the same map shape (for pin reuse). */
    public boolean compatibleWith(MapDefinition other) {
        return type == other.type && keySize == other.keySize && valueSize == other.valueSize
                && maxEntries == other.maxEntries && flags == other.flags;
    }
}
