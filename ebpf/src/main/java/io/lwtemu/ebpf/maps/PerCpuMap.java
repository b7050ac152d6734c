package io.lwtemu.ebpf.maps;

/**
 * A map holding one value per emulated CPU. The user side reads and writes {@link #cpus()} values, each
 * padded to 8 bytes (the kernel's {@code round_up(value_size, 8)} layout of a per-CPU lookup buffer).
 */
public interface PerCpuMap {
    /** Number of CPUs the map was created for (the kernel's {@code num_possible_cpus()}). */
    int cpus();

    /** Bytes per CPU in user-side values: {@code round_up(value_size, 8)}. */
    default int perCpuStride(int valueSize) {
        return (valueSize + 7) & ~7;
    }
}
