/**
 * BPF Type Format: {@link io.lwtemu.ebpf.btf.Btf} models a {@code .BTF} section (or the kernel's
 * {@code /sys/kernel/btf/vmlinux}) as typed records with helpers to resolve typedefs, size types and walk
 * struct members; {@link io.lwtemu.ebpf.btf.BtfExt} reads {@code .BTF.ext} (func_info, line_info,
 * CO-RE relocations).
 */
package io.lwtemu.ebpf.btf;
