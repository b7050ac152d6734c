package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.prog.ProgramType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Test-only ELF reader: extracts one function's instructions from a BPF object and patches its map
 * relocations (symbols in ".maps") to map indices by name. Enough for verifier tests; the real loader
 * lives elsewhere.
 */
final class TestElf {
    private final ByteBuffer buf;
    private final List<Section> sections = new ArrayList<>();

    private record Section(String name, int type, long offset, long size, int link, long entsize) {}

    private record Symbol(String name, int shndx, long value, long size, int type) {}

    TestElf(Path file) throws IOException {
        buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = buf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(buf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(buf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(buf.getShort(0x3e));
        int[] nameOff = new int[shnum];
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int base = (int) (shoff + (long) i * shentsize);
            nameOff[i] = buf.getInt(base);
            raw.add(new long[] {buf.getInt(base + 4), buf.getLong(base + 0x18), buf.getLong(base + 0x20),
                    buf.getInt(base + 0x28), buf.getLong(base + 0x38)});
        }
        long strOff = raw.get(shstrndx)[1];
        for (int i = 0; i < shnum; i++) {
            long[] r = raw.get(i);
            sections.add(new Section(cstr(strOff + nameOff[i]), (int) r[0], r[1], r[2], (int) r[3], r[4]));
        }
    }

    private String cstr(long off) {
        int end = (int) off;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - (int) off];
        buf.get((int) off, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private List<Symbol> symbols() {
        for (Section s : sections) {
            if (s.type == 2) { // SHT_SYMTAB
                long strOff = sections.get(s.link).offset;
                List<Symbol> out = new ArrayList<>();
                for (long o = s.offset; o < s.offset + s.size; o += 24) {
                    int name = buf.getInt((int) o);
                    int info = buf.get((int) o + 4);
                    int shndx = Short.toUnsignedInt(buf.getShort((int) o + 6));
                    out.add(new Symbol(cstr(strOff + name), shndx, buf.getLong((int) o + 8),
                            buf.getLong((int) o + 16), info & 0xf));
                }
                return out;
            }
        }
        throw new IllegalStateException("no symbol table");
    }

    /** The program of function {@code func} with map relocations resolved against {@code maps}. */
    BpfProgram program(String func, ProgramType type, List<BpfMap> maps) {
        List<Symbol> syms = symbols();
        Symbol fn = syms.stream().filter(s -> s.name.equals(func) && s.type == 2).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + func));
        Section sec = sections.get(fn.shndx);
        byte[] code = new byte[(int) fn.size];
        buf.get((int) (sec.offset + fn.value), code);
        long[] insns = Insn.decode(code);
        int base = insns.length;
        Section text = sections.stream().filter(x -> x.name.equals(".text")).findFirst().orElse(null);
        boolean linkText = false;
        for (Section rel : sections) {
            if (rel.type != 9 || !rel.name.equals(".rel" + sec.name)) {
                continue;
            }
            for (long o = rel.offset; o < rel.offset + rel.size; o += 16) {
                long roff = buf.getLong((int) o);
                long info = buf.getLong((int) o + 8);
                if (roff < fn.value || roff >= fn.value + fn.size) {
                    continue;
                }
                Symbol target = syms.get((int) (info >>> 32));
                int i = (int) ((roff - fn.value) / 8);
                String targetSec = sections.get(target.shndx).name;
                if (targetSec.equals(".text") && text != null && sec != text) {
                    // subprogram in .text, appended behind the program as libbpf does
                    linkText = true;
                    long insn = insns[i];
                    int sub;
                    if (Insn.isLdImm64(insn)) {
                        sub = (int) (target.value / 8 + Insn.imm(insn) / 8);
                        insns[i] = Insn.withImm(Insn.withSrc(insn, BPF_PSEUDO_FUNC), base + sub - (i + 1));
                    } else {
                        sub = (int) (target.value / 8 + Insn.imm(insn) + 1);
                        insns[i] = Insn.withImm(insn, base + sub - (i + 1));
                    }
                    continue;
                }
                if (!targetSec.equals(".maps")) {
                    throw new IllegalArgumentException("unsupported relocation to " + target.name);
                }
                int index = -1;
                for (int m = 0; m < maps.size(); m++) {
                    if (maps.get(m).name().equals(target.name)) {
                        index = m;
                    }
                }
                if (index < 0) {
                    throw new IllegalArgumentException("no map " + target.name);
                }
                insns[i] = Insn.withImm(Insn.withSrc(insns[i], BPF_PSEUDO_MAP_FD), index);
            }
        }
        if (linkText) {
            byte[] tcode = new byte[(int) text.size];
            buf.get((int) text.offset, tcode);
            long[] t = Insn.decode(tcode);
            long[] all = Arrays.copyOf(insns, base + t.length);
            System.arraycopy(t, 0, all, base, t.length);
            insns = all;
        }
        return new BpfProgram(func, sec.name, type, insns, maps, "GPL");
    }

    @Override
    public String toString() {
        return Arrays.toString(sections.stream().map(Section::name).toArray());
    }
}
