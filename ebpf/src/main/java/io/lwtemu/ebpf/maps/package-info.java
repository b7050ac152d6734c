/**
 * BPF maps: the kernel's map types with their {@code bpf(2)} and helper semantics (flags, errno, iteration
 * order), value memory programs can address through {@link io.lwtemu.ebpf.vm.Pointer}s, the emulated BPF
 * filesystem for pinning ({@link io.lwtemu.ebpf.maps.PinNamespace}), {@code bpftool map dump} output
 * ({@link io.lwtemu.ebpf.maps.MapDump}) and snapshots ({@link io.lwtemu.ebpf.maps.MapSnapshot}).
 *
 * <p>Value memory: every value slot starts at a multiple of 8 inside a
 * {@link io.lwtemu.ebpf.vm.MemoryRegion} of kind {@code MAP_VALUE} registered in the global
 * {@link io.lwtemu.ebpf.vm.RegionTable}, so programs can use 8-byte atomics on values. With
 * {@code S = round_up(value_size, 8)}:
 * <pre>
 *  ARRAY            one region:  | elem 0 (S) | elem 1 (S) | ... | elem max-1 (S) |
 *  PERCPU_ARRAY     one region:  | e0 cpu0 | e0 cpu1 | ... | e1 cpu0 | e1 cpu1 | ... |     (S each)
 *  HASH, LRU, LPM   chunks of slots, one region per chunk, slot = S bytes
 *  PERCPU_(LRU_)HASH chunks of slots, slot = cpus * S:  | cpu0 (S) | cpu1 (S) | ... |
 * </pre>
 * A program on CPU {@code c} gets a pointer to its own {@code S}-byte part; the user side reads and writes
 * all CPUs' parts, the layout {@code bpf(BPF_MAP_LOOKUP_ELEM)} uses for per-CPU maps.
 *
 * <p>{@link io.lwtemu.ebpf.maps.Maps#create} is the one place that maps a {@link io.lwtemu.ebpf.maps.MapType}
 * to its implementation.
 */
package io.lwtemu.ebpf.maps;
