/**
 * Reading relocatable ELF64 BPF objects as clang writes them: sections, symbols, SHT_REL relocations.
 * Malformed files give a {@link io.lwtemu.ebpf.loader.BpfLoadException} naming the file and the problem.
 */
package io.lwtemu.ebpf.elf;
