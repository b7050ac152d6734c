package io.lwtemu.ebpf.elf;

/**
 * One ELF64 relocation without addend ({@code Elf64_Rel}); BPF objects carry the addend in the
 * instruction's imm field instead.
 *
 * @param offset      r_offset: byte offset inside the target section
 * @param symbolIndex ELF64_R_SYM(r_info)
 * @param type        ELF64_R_TYPE(r_info), one of the {@code R_BPF_*} constants of {@link ElfFile}
 */
public record ElfRelocation(long offset, int symbolIndex, int type) {
}
