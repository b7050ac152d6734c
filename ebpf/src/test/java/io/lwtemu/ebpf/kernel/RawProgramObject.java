package io.lwtemu.ebpf.kernel;

import io.lwtemu.ebpf.prog.ProgramType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Wraps raw instructions into the smallest BPF object libbpf accepts, so bytecode that never came from
 * clang (conformance vectors, hand-written verifier cases) can be run in the kernel with {@link KernelBpf}.
 * No maps: ld_imm64 map references would need relocations.
 *
 * <pre>
 *  ELF header | code | "GPL\0" | .strtab | .symtab (null, FUNC prog, OBJECT _license) | 5 section headers
 *  sections: 0 null, 1 .strtab, 2 program section (AX), 3 license (WA), 4 .symtab
 * </pre>
 */
public final class RawProgramObject {
    private RawProgramObject() {}

    /** An object whose section is named after {@code type} ("lwt_xmit", ...) holding function {@code name}. */
    public static byte[] of(String name, ProgramType type, long[] insns) {
        String section = type.sectionPrefix == null ? "prog" : type.sectionPrefix;
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        int secStrtab = add(strtab, ".strtab");
        int secProg = add(strtab, section);
        int secLicense = add(strtab, "license");
        int secSymtab = add(strtab, ".symtab");
        int symProg = add(strtab, name);
        int symLicense = add(strtab, "_license");

        byte[] code = new byte[insns.length * 8];
        ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(insns);
        byte[] license = "GPL\0".getBytes(StandardCharsets.US_ASCII);
        byte[] strings = strtab.toByteArray();

        int codeOff = 64;
        int licenseOff = codeOff + code.length;
        int strtabOff = licenseOff + license.length;
        int symtabOff = align(strtabOff + strings.length, 8);
        int symtabSize = 3 * 24;
        int shoff = align(symtabOff + symtabSize, 8);
        ByteBuffer b = ByteBuffer.allocate(shoff + 5 * 64).order(ByteOrder.LITTLE_ENDIAN);

        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 1);      // ET_REL
        b.putShort(18, (short) 247);    // EM_BPF
        b.putInt(20, 1);                // EV_CURRENT
        b.putLong(40, shoff);
        b.putShort(52, (short) 64);     // e_ehsize
        b.putShort(58, (short) 64);     // e_shentsize
        b.putShort(60, (short) 5);      // e_shnum
        b.putShort(62, (short) 1);      // e_shstrndx

        b.put(codeOff, code);
        b.put(licenseOff, license);
        b.put(strtabOff, strings);
        // symbol 1: the program function; symbol 2: _license
        symbol(b, symtabOff + 24, symProg, 0x12, 2, 0, code.length);
        symbol(b, symtabOff + 48, symLicense, 0x11, 3, 0, license.length);

        section(b, shoff + 64, secStrtab, 3, 0, strtabOff, strings.length, 0, 0, 1, 0);
        section(b, shoff + 128, secProg, 1, 0x6, codeOff, code.length, 0, 0, 8, 0);
        section(b, shoff + 192, secLicense, 1, 0x3, licenseOff, license.length, 0, 0, 1, 0);
        section(b, shoff + 256, secSymtab, 2, 0, symtabOff, symtabSize, 1, 1, 8, 24);
        return b.array();
    }

    private static int add(ByteArrayOutputStream table, String s) {
        int off = table.size();
        table.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        table.write(0);
        return off;
    }

    private static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }

    private static void symbol(ByteBuffer b, int at, int name, int info, int shndx, long value, long size) {
        b.putInt(at, name);
        b.put(at + 4, (byte) info);
        b.putShort(at + 6, (short) shndx);
        b.putLong(at + 8, value);
        b.putLong(at + 16, size);
    }

    private static void section(ByteBuffer b, int at, int name, int type, long flags, long offset, long size, int link,
                                int info, long align, long entsize) {
        b.putInt(at, name);
        b.putInt(at + 4, type);
        b.putLong(at + 8, flags);
        b.putLong(at + 24, offset);
        b.putLong(at + 32, size);
        b.putInt(at + 40, link);
        b.putInt(at + 44, info);
        b.putLong(at + 48, align);
        b.putLong(at + 56, entsize);
    }
}
