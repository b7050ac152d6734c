package io.lwtemu.ebpf.elf;

/**
 * One ELF64 section header ({@code Elf64_Shdr}), with its name resolved.
 *
 * @param index     section index (0 is the null section)
 * @param name      name from the section header string table
 * @param type      sh_type ({@link ElfFile#SHT_PROGBITS}, ...)
 * @param flags     sh_flags ({@link ElfFile#SHF_EXECINSTR}, ...)
 * @param offset    sh_offset: file offset of the data
 * @param size      sh_size in bytes (for SHT_NOBITS the size in memory, with no bytes in the file)
 * @param link      sh_link
 * @param info      sh_info (for SHT_REL: index of the section the relocations apply to)
 * @param entsize   sh_entsize
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
                         long entsize) {

    public boolean isExecutable() {
        return (flags & ElfFile.SHF_EXECINSTR) != 0;
    }

    public boolean isNobits() {
        return type == ElfFile.SHT_NOBITS;
    }

    public boolean isProgbits() {
        return type == ElfFile.SHT_PROGBITS;
    }

    @Override
    public String toString() {
        return "section '" + name + "' (#" + index + ")";
    }
}
