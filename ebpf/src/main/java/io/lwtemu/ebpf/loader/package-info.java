/**
 * Loading a clang-built object into {@link io.lwtemu.ebpf.BpfProgram}s the way libbpf does:
 * {@link io.lwtemu.ebpf.loader.ObjectLoader#load} with {@link io.lwtemu.ebpf.loader.LoadOptions} (a
 * {@link io.lwtemu.ebpf.loader.MapProvider} that creates maps, optionally a program type override) gives a
 * {@link io.lwtemu.ebpf.loader.BpfObject}.
 */
package io.lwtemu.ebpf.loader;
