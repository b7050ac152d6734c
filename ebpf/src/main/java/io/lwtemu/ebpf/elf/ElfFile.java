package io.lwtemu.ebpf.elf;

import io.lwtemu.ebpf.loader.BpfLoadException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A relocatable ELF64 little-endian object for the BPF machine, as clang writes it: header, section
 * headers, section names, the symbol table and SHT_REL relocations. Written by hand because the layout
 * is small and fixed, and every bound is checked so a malformed file gives a {@link BpfLoadException}
 * naming the file and what is wrong.
 *
 * <pre>
 *  Elf64_Ehdr (64 bytes)                     Elf64_Shdr (64 bytes)          Elf64_Sym (24)   Elf64_Rel (16)
 *   0 e_ident[16]  magic, class, data         0 sh_name    u32               0 st_name  u32   0 r_offset u64
 *  16 e_type u16   18 e_machine u16           4 sh_type    u32               4 st_info  u8    8 r_info   u64
 *  20 e_version u32                           8 sh_flags   u64               5 st_other u8      (sym << 32 | type)
 *  24 e_entry  32 e_phoff  40 e_shoff u64    24 sh_offset  u64               6 st_shndx u16
 *  48 e_flags u32  52 e_ehsize u16           32 sh_size    u64               8 st_value u64
 *  58 e_shentsize u16  60 e_shnum u16        40 sh_link u32  44 sh_info u32 16 st_size  u64
 *  62 e_shstrndx u16                         48 sh_addralign 56 sh_entsize
 * </pre>
 */
public final class ElfFile {
    public static final int EM_BPF = 247;
    public static final int ET_REL = 1;

    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;

    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int STT_FILE = 4;

    public static final int R_BPF_NONE = 0;
    /** ld_imm64 of a map, global variable or function address. */
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    /** 32-bit absolute in .BTF/.BTF.ext; never resolved by loaders. */
    public static final int R_BPF_64_NODYLD32 = 4;
    /** bpf-to-bpf call. */
    public static final int R_BPF_64_32 = 10;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;

    private final String fileName;
    private final byte[] data;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;

    private ElfFile(String fileName, byte[] data) {
        this.fileName = fileName;
        this.data = data;
        this.sections = Collections.unmodifiableList(readSections());
        this.symbols = Collections.unmodifiableList(readSymbols());
    }

    /** Reads and parses an object file. */
    public static ElfFile read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new BpfLoadException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path.toString(), bytes);
    }

    /** Parses an object file held in memory; {@code fileName} is used in error messages only. */
    public static ElfFile parse(String fileName, byte[] data) {
        return new ElfFile(fileName, data);
    }

    public String fileName() {
        return fileName;
    }

    /** All sections by index; index 0 is the null section. */
    public List<ElfSection> sections() {
        return sections;
    }

    public ElfSection section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw error("section index " + index + " out of range (the file has " + sections.size() + " sections)");
        }
        return sections.get(index);
    }

    /** The first section with this name. */
    public Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The symbol table, index 0 being the null symbol; empty when the file has no SHT_SYMTAB. */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    public ElfSymbol symbol(int index) {
        if (index < 0 || index >= symbols.size()) {
            throw error("symbol index " + index + " out of range (the symbol table has " + symbols.size()
                    + " entries)");
        }
        return symbols.get(index);
    }

    /** A copy of a section's bytes; for SHT_NOBITS (.bss) an empty array: it has no bytes in the file. */
    public byte[] data(ElfSection section) {
        if (section.isNobits() || section.type() == SHT_NULL) {
            return new byte[0];
        }
        return Arrays.copyOfRange(data, (int) section.offset(), (int) (section.offset() + section.size()));
    }

    /** The SHT_REL sections whose relocations apply to {@code target}. */
    public List<ElfSection> relocationSectionsFor(ElfSection target) {
        List<ElfSection> out = new ArrayList<>();
        for (ElfSection s : sections) {
            if (s.type() == SHT_REL && s.info() == target.index()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Relocations of one SHT_REL section, each checked to name an existing symbol and to lie inside the
     * section it applies to.
     */
    public List<ElfRelocation> relocations(ElfSection relSection) {
        if (relSection.type() != SHT_REL) {
            throw error(relSection + " is not a SHT_REL relocation section (type " + relSection.type() + ")");
        }
        if (relSection.entsize() != REL_SIZE) {
            throw error(relSection + ": relocation entry size " + relSection.entsize() + ", expected " + REL_SIZE);
        }
        if (relSection.size() % REL_SIZE != 0) {
            throw error(relSection + ": size " + relSection.size() + " is not a multiple of " + REL_SIZE);
        }
        ElfSection target = section(relSection.info());
        int count = (int) (relSection.size() / REL_SIZE);
        List<ElfRelocation> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int p = (int) relSection.offset() + i * REL_SIZE;
            long offset = u64(p);
            long info = u64(p + 8);
            int sym = (int) (info >>> 32);
            int type = (int) info;
            if ((info >>> 32) >= symbols.size()) {
                throw error(relSection + " entry " + i + ": symbol index " + (info >>> 32)
                        + " out of range (the symbol table has " + symbols.size() + " entries)");
            }
            if (offset < 0 || offset >= target.size()) {
                throw error(relSection + " entry " + i + ": offset " + offset + " lies outside " + target
                        + " (size " + target.size() + ")");
            }
            out.add(new ElfRelocation(offset, sym, type));
        }
        return out;
    }

    // ---- parsing ------------------------------------------------------------------------------------

    private List<ElfSection> readSections() {
        if (data.length < EHDR_SIZE) {
            throw error("truncated: " + data.length + " bytes, shorter than the 64-byte ELF64 header");
        }
        if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw error("not an ELF file (bad magic)");
        }
        if (data[4] != 2) {
            throw error("not a 64-bit ELF file (EI_CLASS " + data[4] + ", expected 2 = ELFCLASS64)");
        }
        if (data[5] != 1) {
            throw error("not a little-endian ELF file (EI_DATA " + data[5] + ", expected 1 = ELFDATA2LSB)");
        }
        int machine = u16(18);
        if (machine != EM_BPF) {
            throw error("not a BPF object: e_machine " + machine + ", expected " + EM_BPF + " (EM_BPF)");
        }
        int type = u16(16);
        if (type != ET_REL) {
            throw error("not a relocatable object: e_type " + type + ", expected 1 (ET_REL); "
                    + "compile with clang -c -target bpf");
        }
        long shoff = u64(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);
        if (shoff == 0) {
            throw error("no section header table");
        }
        if (shentsize != SHDR_SIZE) {
            throw error("section header size " + shentsize + ", expected " + SHDR_SIZE);
        }
        checkRange("section header table", shoff, SHDR_SIZE);
        if (shnum == 0) { // more than SHN_LORESERVE sections: the count sits in section 0's sh_size
            long n = u64((int) shoff + 32);
            if (n <= 0 || n > Integer.MAX_VALUE / SHDR_SIZE) {
                throw error("bad extended section count " + n);
            }
            shnum = (int) n;
        }
        if (shstrndx == SHN_XINDEX) {
            shstrndx = u32((int) shoff + 40);
        }
        checkRange("section header table", shoff, (long) shnum * SHDR_SIZE);
        if (shstrndx <= 0 || shstrndx >= shnum) {
            throw error("section name table index " + shstrndx + " out of range (" + shnum + " sections)");
        }
        int[] nameOffsets = new int[shnum];
        List<ElfSection> raw = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            int p = (int) (shoff + (long) i * SHDR_SIZE);
            nameOffsets[i] = u32(p);
            ElfSection s = new ElfSection(i, "", u32(p + 4), u64(p + 8), u64(p + 24), u64(p + 32), u32(p + 40),
                    u32(p + 44), u64(p + 56));
            if (s.type() != SHT_NOBITS && s.type() != SHT_NULL) {
                checkRange("data of section #" + i, s.offset(), s.size());
            }
            raw.add(s);
        }
        ElfSection names = raw.get(shstrndx);
        if (names.type() != SHT_STRTAB) {
            throw error("section name table (#" + shstrndx + ") is not a string table (type " + names.type() + ")");
        }
        List<ElfSection> out = new ArrayList<>(shnum);
        for (ElfSection s : raw) {
            String name = s.index() == 0 ? "" : string(names, nameOffsets[s.index()], "name of section #" + s.index());
            out.add(new ElfSection(s.index(), name, s.type(), s.flags(), s.offset(), s.size(), s.link(), s.info(),
                    s.entsize()));
        }
        return out;
    }

    private List<ElfSymbol> readSymbols() {
        ElfSection symtab = null;
        for (ElfSection s : sections) {
            if (s.type() == SHT_SYMTAB) {
                if (symtab != null) {
                    throw error("more than one symbol table (" + symtab + " and " + s + ")");
                }
                symtab = s;
            }
        }
        if (symtab == null) {
            return List.of();
        }
        if (symtab.entsize() != SYM_SIZE || symtab.size() % SYM_SIZE != 0) {
            throw error(symtab + ": entry size " + symtab.entsize() + " / size " + symtab.size()
                    + " do not fit 24-byte Elf64_Sym entries");
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size()
                || sections.get(symtab.link()).type() != SHT_STRTAB) {
            throw error(symtab + ": sh_link " + symtab.link() + " is not a string table");
        }
        ElfSection strtab = sections.get(symtab.link());
        int count = (int) (symtab.size() / SYM_SIZE);
        List<ElfSymbol> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int p = (int) symtab.offset() + i * SYM_SIZE;
            int nameOff = u32(p);
            int info = data[p + 4] & 0xff;
            int other = data[p + 5] & 0xff;
            int shndx = u16(p + 6);
            long value = u64(p + 8);
            long size = u64(p + 16);
            if (shndx != SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= sections.size()) {
                throw error("symbol #" + i + ": section index " + shndx + " out of range (" + sections.size()
                        + " sections)");
            }
            String name = string(strtab, nameOff, "name of symbol #" + i);
            if (name.isEmpty() && (info & 0xf) == STT_SECTION && shndx > 0 && shndx < sections.size()) {
                name = sections.get(shndx).name(); // section symbols are named after their section
            }
            out.add(new ElfSymbol(i, name, info, other, shndx, value, size));
        }
        return out;
    }

    /** NUL-terminated string at {@code offset} of a string table section. */
    private String string(ElfSection table, int offset, String what) {
        long off = offset & 0xffffffffL;
        if (off >= table.size()) {
            throw error(what + ": string offset " + off + " outside " + table + " (size " + table.size() + ")");
        }
        int start = (int) (table.offset() + off);
        int end = (int) (table.offset() + table.size());
        int p = start;
        while (p < end && data[p] != 0) {
            p++;
        }
        if (p == end) {
            throw error(what + ": string at offset " + off + " of " + table + " is not NUL-terminated");
        }
        return new String(data, start, p - start, StandardCharsets.UTF_8);
    }

    private void checkRange(String what, long offset, long length) {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw error(what + " at offset " + Long.toUnsignedString(offset) + " with length "
                    + Long.toUnsignedString(length) + " lies outside the file (" + data.length + " bytes)");
        }
    }

    private int u16(int p) {
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
    }

    private int u32(int p) {
        return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16 | (data[p + 3] & 0xff) << 24;
    }

    private long u64(int p) {
        return (u32(p) & 0xffffffffL) | ((long) u32(p + 4)) << 32;
    }

    private BpfLoadException error(String what) {
        return new BpfLoadException(fileName + ": " + what);
    }
}
