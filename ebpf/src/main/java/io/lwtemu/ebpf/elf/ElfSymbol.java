package io.lwtemu.ebpf.elf;

/**
 * One ELF64 symbol ({@code Elf64_Sym}) with its name resolved.
 *
 * @param index   index in the symbol table
 * @param name    name from the linked string table ("" if none)
 * @param info    st_info: binding in the high nibble, type in the low nibble
 * @param other   st_other (visibility)
 * @param shndx   st_shndx: section the symbol is defined in, {@link ElfFile#SHN_UNDEF} for externs
 * @param value   st_value: offset inside its section for relocatable objects
 * @param size    st_size in bytes
 */
public record ElfSymbol(int index, String name, int info, int other, int shndx, long value, long size) {

    public int bind() {
        return info >>> 4;
    }

    public int type() {
        return info & 0xf;
    }

    public boolean isFunction() {
        return type() == ElfFile.STT_FUNC;
    }

    public boolean isSection() {
        return type() == ElfFile.STT_SECTION;
    }

    public boolean isLocal() {
        return bind() == ElfFile.STB_LOCAL;
    }

    public boolean isUndefined() {
        return shndx == ElfFile.SHN_UNDEF;
    }
}
