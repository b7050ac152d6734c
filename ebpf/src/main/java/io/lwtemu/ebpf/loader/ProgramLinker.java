package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.elf.ElfRelocation;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.elf.ElfSymbol;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.isa.Opcodes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the functions of an object's executable sections into self-contained programs, as libbpf's
 * {@code bpf_object__relocate} does: every subprogram a program calls (or takes the address of) is
 * appended behind it once, depth first in the order the calls appear, and call offsets are rewritten to
 * point at the copies; {@code ld_imm64} of maps and global variables become {@code BPF_PSEUDO_MAP_FD} /
 * {@code BPF_PSEUDO_MAP_VALUE} with imm = index into the program's own map list.
 */
final class ProgramLinker {
    /**
     * A linked program: its instructions, the indices (into the object's map specs) of the maps it uses,
     * and the functions in placement order with their offsets.
     */
    record Linked(long[] insns, List<Integer> mapSpecs, List<Placed> functions) {
    }

    /** A function and the instruction index where its copy starts. */
    record Placed(ElfFunction function, int offset) {
    }

    private static final int CALL = Opcodes.BPF_JMP | Opcodes.BPF_CALL;
    /** The verifier's limit; also bounds the depth of the linker's recursion. */
    static final int BPF_MAX_SUBPROGS = 256;

    private final ElfFile elf;
    private final List<MapSpec> maps;
    /** Code of each executable section by section index. */
    private final Map<Integer, long[]> code = new HashMap<>();
    /** Relocations of each executable section: section index -> byte offset -> relocation. */
    private final Map<Integer, Map<Long, ElfRelocation>> relocations = new HashMap<>();
    /** Functions of each executable section, sorted by start. */
    private final Map<Integer, List<ElfFunction>> functions = new LinkedHashMap<>();

    ProgramLinker(ElfFile elf, List<MapSpec> maps) {
        this.elf = elf;
        this.maps = maps;
        for (ElfSection s : elf.sections()) {
            if (isCodeSection(s)) {
                if (s.size() % 8 != 0) {
                    throw error(s + ": size " + s.size() + " is not a multiple of 8 (one instruction)");
                }
                code.put(s.index(), Insn.decode(elf.data(s)));
                relocations.put(s.index(), readRelocations(s));
                functions.put(s.index(), splitFunctions(s));
            }
        }
    }

    /** libbpf loads code from non-empty SHF_EXECINSTR PROGBITS sections. */
    static boolean isCodeSection(ElfSection s) {
        return s.isProgbits() && s.isExecutable() && s.size() > 0;
    }

    /** Functions of every executable section, by section index, in file order. */
    Map<Integer, List<ElfFunction>> functions() {
        return functions;
    }

    /** Links one entry function with everything it calls. */
    Linked link(ElfFunction entry) {
        return new Linking().run(entry);
    }

    // ---- setup --------------------------------------------------------------------------------------

    private Map<Long, ElfRelocation> readRelocations(ElfSection s) {
        Map<Long, ElfRelocation> out = new HashMap<>();
        for (ElfSection rel : elf.relocationSectionsFor(s)) {
            for (ElfRelocation r : elf.relocations(rel)) {
                if (r.type() == ElfFile.R_BPF_NONE) {
                    continue;
                }
                if (r.offset() % 8 != 0) {
                    throw error(rel + ": relocation at byte " + r.offset() + " is not on an instruction boundary");
                }
                if (out.put(r.offset(), r) != null) {
                    throw error(rel + ": two relocations for instruction " + r.offset() / 8);
                }
            }
        }
        return out;
    }

    /** libbpf splits a section into one function per STT_FUNC symbol. */
    private List<ElfFunction> splitFunctions(ElfSection s) {
        int total = (int) (s.size() / 8);
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.shndx() == s.index() && sym.isFunction()) {
                if (sym.value() % 8 != 0 || sym.size() % 8 != 0 || sym.value() < 0 || sym.size() < 0
                        || sym.value() + sym.size() > s.size() || sym.value() >= s.size()) {
                    throw error(s + ": function '" + sym.name() + "' at byte " + sym.value() + " with size "
                            + sym.size() + " does not fit the section (" + s.size() + " bytes, 8-byte instructions)");
                }
                syms.add(sym);
            }
        }
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        List<ElfFunction> out = new ArrayList<>();
        if (syms.isEmpty()) {
            out.add(new ElfFunction(s, s.name(), null, 0, total));
            return out;
        }
        for (int i = 0; i < syms.size(); i++) {
            ElfSymbol sym = syms.get(i);
            int start = (int) (sym.value() / 8);
            if (!out.isEmpty() && out.get(out.size() - 1).start() == start) {
                continue; // an alias of the previous function
            }
            int count;
            if (sym.size() > 0) {
                count = (int) (sym.size() / 8);
            } else { // hand-written assembly: up to the next function or the end
                int next = total;
                for (int j = i + 1; j < syms.size(); j++) {
                    if (syms.get(j).value() / 8 > start) {
                        next = (int) (syms.get(j).value() / 8);
                        break;
                    }
                }
                count = next - start;
            }
            out.add(new ElfFunction(s, sym.name(), sym, start, count));
        }
        return out;
    }

    private ElfFunction functionAt(ElfSection section, int insnIndex) {
        List<ElfFunction> list = functions.get(section.index());
        if (list != null) {
            for (ElfFunction f : list) {
                if (f.contains(insnIndex)) {
                    return f;
                }
            }
        }
        return null;
    }

    private BpfLoadException error(String what) {
        return new BpfLoadException(elf.fileName() + ": " + what);
    }

    // ---- linking one program --------------------------------------------------------------------------

    private final class Linking {
        private long[] out = new long[64];
        private int length;
        private final Map<ElfFunction, Integer> placed = new HashMap<>();
        private final List<Placed> order = new ArrayList<>();
        private final List<Integer> usedMaps = new ArrayList<>();
        private final Map<Integer, Integer> localMapIndex = new HashMap<>();

        Linked run(ElfFunction entry) {
            place(entry);
            return new Linked(Arrays.copyOf(out, length), List.copyOf(usedMaps), List.copyOf(order));
        }

        /** Appends a function and relocates it, placing its callees (depth first) as they are met. */
        private void place(ElfFunction f) {
            if (order.size() >= BPF_MAX_SUBPROGS) {
                throw error(f + ": a program may have at most " + BPF_MAX_SUBPROGS
                        + " functions (kernel BPF_MAX_SUBPROGS)");
            }
            int base = length;
            placed.put(f, base);
            order.add(new Placed(f, base));
            long[] src = code.get(f.section().index());
            ensure(length + f.count());
            System.arraycopy(src, f.start(), out, base, f.count());
            length += f.count();
            Map<Long, ElfRelocation> relos = relocations.get(f.section().index());
            for (int i = 0; i < f.count(); i++) {
                int secIdx = f.start() + i;
                long insn = src[secIdx];
                ElfRelocation rel = relos.get((long) secIdx * 8);
                int opcode = Insn.opcode(insn);
                if (opcode == CALL) {
                    relocateCall(f, i, base, insn, rel);
                } else if (Insn.isLdImm64(insn)) {
                    if (i + 1 >= f.count()) {
                        throw error(where(f, i) + ": ld_imm64 is missing its second half");
                    }
                    if (rel != null) {
                        relocateLdImm64(f, i, base, insn, src[secIdx + 1], rel);
                    }
                    i++;
                } else if (rel != null) {
                    throw error(where(f, i) + ": relocation against '" + symbolName(rel)
                            + "' is on neither a call nor an ld_imm64 instruction (opcode 0x"
                            + Integer.toHexString(opcode) + ")");
                }
            }
        }

        private void relocateCall(ElfFunction f, int i, int base, long insn, ElfRelocation rel) {
            int src = Insn.src(insn);
            ElfSection targetSection;
            int target;
            if (rel != null) {
                if (rel.type() != ElfFile.R_BPF_64_32) {
                    throw error(where(f, i) + ": call has relocation type " + rel.type() + ", expected R_BPF_64_32");
                }
                ElfSymbol sym = symbol(f, i, rel);
                if (src != Opcodes.BPF_PSEUDO_CALL) {
                    throw error(where(f, i) + ": relocation against '" + sym.name() + "' on a call with src_reg "
                            + src + ", expected a bpf-to-bpf call (src_reg 1)");
                }
                targetSection = elf.section(sym.shndx());
                if (!code.containsKey(targetSection.index())) {
                    throw error(where(f, i) + ": call to '" + sym.name() + "' in " + targetSection
                            + ", which holds no code");
                }
                // Global functions: symbol at the callee, imm = -1. Static ones: section symbol, imm = offset.
                target = (int) (sym.value() / 8) + Insn.imm(insn) + 1;
            } else if (src == Opcodes.BPF_PSEUDO_CALL) {
                targetSection = f.section(); // static callee in the same section: imm is already relative
                target = f.start() + i + Insn.imm(insn) + 1;
            } else if (src == Opcodes.BPF_PSEUDO_KFUNC_CALL) {
                throw error(where(f, i) + ": kfunc calls are not supported");
            } else {
                return; // helper call
            }
            int newImm = placeTarget(f, i, base, targetSection, target, "call");
            out[base + i] = Insn.withImm(insn, newImm);
        }

        private void relocateLdImm64(ElfFunction f, int i, int base, long insn, long next, ElfRelocation rel) {
            if (rel.type() != ElfFile.R_BPF_64_64) {
                throw error(where(f, i) + ": ld_imm64 has relocation type " + rel.type() + ", expected R_BPF_64_64");
            }
            ElfSymbol sym = symbol(f, i, rel);
            ElfSection symSection = elf.section(sym.shndx());
            if (code.containsKey(symSection.index())) { // address of a function, for callbacks
                long byteOff = sym.value() + Insn.imm(insn);
                if (byteOff % 8 != 0) {
                    throw error(where(f, i) + ": address of '" + sym.name() + "' + " + Insn.imm(insn)
                            + " is not on an instruction boundary");
                }
                int newImm = placeTarget(f, i, base, symSection, (int) (byteOff / 8), "function address");
                out[base + i] = Insn.withSrc(Insn.withImm(insn, newImm), Opcodes.BPF_PSEUDO_FUNC);
                return;
            }
            for (int m = 0; m < maps.size(); m++) {
                MapSpec spec = maps.get(m);
                if (spec.sectionIndex() != symSection.index()) {
                    continue;
                }
                if (spec.isGlobalData()) {
                    long off = (long) Insn.imm(insn) + sym.value();
                    out[base + i] = Insn.withSrc(Insn.withImm(insn, mapIndex(m)), Opcodes.BPF_PSEUDO_MAP_VALUE);
                    out[base + i + 1] = Insn.withImm(next, (int) off);
                    return;
                }
                if (spec.offset() == sym.value()) {
                    out[base + i] = Insn.withSrc(Insn.withImm(insn, mapIndex(m)), Opcodes.BPF_PSEUDO_MAP_FD);
                    return;
                }
            }
            if (symSection.name().equals(MapSpecs.BTF_MAPS_SEC) || symSection.name().equals(MapSpecs.LEGACY_MAPS_SEC)) {
                throw error(where(f, i) + ": '" + sym.name() + "' at offset " + sym.value() + " of " + symSection
                        + " is not the start of any map");
            }
            throw error(where(f, i) + ": ld_imm64 refers to '" + sym.name() + "' in " + symSection
                    + ", which is neither a map, global data nor code section");
        }

        /** Places the function holding {@code target} if needed; returns the relative imm from insn i. */
        private int placeTarget(ElfFunction f, int i, int base, ElfSection section, int target, String what) {
            ElfFunction callee = functionAt(section, target);
            if (callee == null) {
                throw error(where(f, i) + ": " + what + " target is instruction " + target + " of " + section
                        + ", which is outside every function");
            }
            Integer at = placed.get(callee);
            if (at == null) {
                place(callee);
                at = placed.get(callee);
            }
            return at + (target - callee.start()) - (base + i) - 1;
        }

        private int mapIndex(int spec) {
            return localMapIndex.computeIfAbsent(spec, s -> {
                usedMaps.add(s);
                return usedMaps.size() - 1;
            });
        }

        private ElfSymbol symbol(ElfFunction f, int i, ElfRelocation rel) {
            ElfSymbol sym = elf.symbol(rel.symbolIndex());
            if (sym.isUndefined()) {
                throw error(where(f, i) + ": unresolved extern symbol '" + sym.name()
                        + "' (externs, kfuncs and ksyms are not supported)");
            }
            if (sym.shndx() >= ElfFile.SHN_LORESERVE) {
                throw error(where(f, i) + ": relocation against '" + sym.name() + "' in special section 0x"
                        + Integer.toHexString(sym.shndx()) + " (uninitialized global variable? use -fno-common)");
            }
            return sym;
        }

        private String symbolName(ElfRelocation rel) {
            return elf.symbol(rel.symbolIndex()).name();
        }

        private String where(ElfFunction f, int i) {
            return "section '" + f.section().name() + "', function '" + f.name() + "', instruction " + (f.start() + i);
        }

        private void ensure(int capacity) {
            if (capacity > out.length) {
                out = Arrays.copyOf(out, Math.max(capacity, out.length * 2));
            }
        }
    }
}
