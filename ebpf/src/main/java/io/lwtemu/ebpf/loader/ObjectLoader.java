package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.btf.Btf;
import io.lwtemu.ebpf.btf.BtfExt;
import io.lwtemu.ebpf.btf.BtfKind;
import io.lwtemu.ebpf.btf.BtfType;
import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.prog.ProgramType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Loads a clang-built BPF object ({@code clang -O2 [-g] -target bpf [-mcpu=v1..v4] -c}) the way libbpf
 * does: programs from every executable section (one per function symbol), subprograms from
 * {@code .text} linked behind each program, maps from {@code .maps} (BTF), the legacy {@code maps}
 * section and global data sections, with {@code ld_imm64} relocations rewritten to map references, and
 * the initial slots of prog arrays ({@code .values}) recorded for whoever prepares the programs.
 *
 * <p>Everything is parsed and linked before the first map is created, so a malformed object leaves no maps
 * behind. CO-RE relocations, externs and kfuncs are refused with a message saying so.
 */
public final class ObjectLoader {
    private ObjectLoader() {}

    /** Loads an object file. */
    public static BpfObject load(Path file, LoadOptions options) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BpfLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        return load(file, bytes, options);
    }

    /** Loads an object held in memory; {@code file} names it in messages and gives the object name. */
    public static BpfObject load(Path file, byte[] bytes, LoadOptions options) {
        Objects.requireNonNull(options, "options");
        return parse(file, bytes, options.programType()).instantiate(options.mapProvider());
    }

    /**
     * Parses and links an object held in memory without creating anything: the result can be instantiated any
     * number of times, each time with maps of its own (see {@link ParsedObject}).
     *
     * @param programType type for every program, or null to infer each from its section name
     */
    public static ParsedObject parse(Path file, byte[] bytes, ProgramType programType) {
        Objects.requireNonNull(file, "file");
        String fileName = file.toString();
        ElfFile elf = ElfFile.parse(fileName, bytes);
        Btf btf = elf.section(".BTF").map(s -> Btf.parse(fileName + " .BTF", elf.data(s))).orElse(null);
        BtfExt ext = btf == null ? null
                : elf.section(".BTF.ext").map(s -> BtfExt.parse(fileName + " .BTF.ext", elf.data(s), btf)).orElse(null);
        if (ext != null) {
            for (Map.Entry<String, List<BtfExt.CoreRelo>> e : ext.coreRelos().entrySet()) {
                if (!e.getValue().isEmpty()) {
                    throw new BpfLoadException(fileName + ": section '" + e.getKey() + "': CO-RE relocations not "
                            + "supported (" + e.getValue().size() + " found; lwtemu does not rewrite "
                            + "preserve_access_index / BPF_CORE_READ accesses)");
                }
            }
        }
        String objectName = MapSpecs.objectName(file.getFileName() == null ? fileName : file.getFileName().toString());
        String license = license(elf);
        Integer version = version(elf);

        List<MapSpec> specs = MapSpecs.read(elf, btf, objectName);
        ProgramLinker linker = new ProgramLinker(elf, specs);

        List<ParsedObject.Program> programs = new ArrayList<>();
        for (List<ElfFunction> fns : linker.functions().values()) {
            for (ElfFunction f : fns) {
                if (f.section().name().equals(".text")) {
                    continue; // subprograms, linked into the programs that call them
                }
                if (f.symbol() != null && f.symbol().isLocal()) {
                    throw new BpfLoadException(fileName + ": section '" + f.section().name() + "': program '" + f.name()
                            + "' is static; programs must be global functions (as libbpf requires)");
                }
                ProgramType type = programType != null ? programType
                        : ProgramType.fromSection(f.section().name()).orElseThrow(() -> new BpfLoadException(
                                fileName + ": section '" + f.section().name() + "' (program '" + f.name()
                                        + "'): cannot infer the program type from the section name; name the section "
                                        + "lwt_in, lwt_out, lwt_xmit or lwt_seg6local (optionally followed by "
                                        + "/anything) or give the program type explicitly"));
                ProgramLinker.Linked linked = linker.link(f);
                programs.add(new ParsedObject.Program(f.name(), f.section().name(), type, linked.insns(),
                        List.copyOf(linked.mapSpecs()), layout(btf, ext, linked), sourceLines(ext, linked)));
            }
        }
        if (programs.isEmpty()) {
            throw new BpfLoadException(fileName + ": no programs: the object has no executable section besides .text");
        }
        Set<Integer> programSections = new HashSet<>();
        for (List<ElfFunction> fns : linker.functions().values()) {
            for (ElfFunction f : fns) {
                if (!f.section().name().equals(".text")) {
                    programSections.add(f.section().index());
                }
            }
        }
        List<ProgArraySlot> slots = btf == null ? List.of()
                : MapSpecs.progArraySlots(elf, btf, specs, programSections);
        return new ParsedObject(file, objectName, specs, programs, license, version, btf, slots);
    }

    private static List<ProgramFunction> layout(Btf btf, BtfExt ext, ProgramLinker.Linked linked) {
        List<ProgramFunction> layout = new ArrayList<>();
        for (ProgramLinker.Placed placed : linked.functions()) {
            ElfFunction f = placed.function();
            int funcId = btfFuncId(btf, ext, f);
            boolean global = funcId != 0
                    && ((BtfType.FuncType) btf.type(funcId)).linkage() == BtfType.FuncType.GLOBAL;
            layout.add(new ProgramFunction(f.name(), f.section().name(), placed.offset(), f.count(), global, funcId));
        }
        return List.copyOf(layout);
    }

    /** line_info of every placed function, moved to where the function landed in the linked program. */
    private static List<SourceLine> sourceLines(BtfExt ext, ProgramLinker.Linked linked) {
        if (ext == null) {
            return List.of();
        }
        List<SourceLine> lines = new ArrayList<>();
        for (ProgramLinker.Placed placed : linked.functions()) {
            ElfFunction f = placed.function();
            for (BtfExt.LineInfo li : ext.lineInfo().getOrDefault(f.section().name(), List.of())) {
                int idx = li.insnOffset() / 8;
                if (li.insnOffset() % 8 == 0 && f.contains(idx)) {
                    lines.add(new SourceLine(placed.offset() + idx - f.start(), li.fileName(), li.line(),
                            li.lineNumber(), li.column()));
                }
            }
        }
        lines.sort(Comparator.comparingInt(SourceLine::insn));
        return List.copyOf(lines);
    }

    /** The BTF FUNC id .BTF.ext func_info gives for a function's first instruction, or 0. */
    private static int btfFuncId(Btf btf, BtfExt ext, ElfFunction f) {
        if (ext == null) {
            return 0;
        }
        for (BtfExt.FuncInfo fi : ext.funcInfo().getOrDefault(f.section().name(), List.of())) {
            if (fi.insnOffset() == f.start() * 8) {
                if (btf.type(fi.typeId()).kind() != BtfKind.FUNC) {
                    throw new BpfLoadException(btf.origin() + ".ext: func_info of '" + f.name() + "' names BTF type ["
                            + fi.typeId() + "] (" + btf.describe(fi.typeId()) + "), not a function");
                }
                return fi.typeId();
            }
        }
        return 0;
    }

    /** The "license" section up to its first NUL, as the kernel reads it; "" when absent. */
    private static String license(ElfFile elf) {
        return elf.section("license").map(s -> {
            byte[] d = elf.data(s);
            int n = 0;
            while (n < d.length && d[n] != 0) {
                n++;
            }
            return new String(d, 0, n, StandardCharsets.UTF_8);
        }).orElse("");
    }

    private static Integer version(ElfFile elf) {
        ElfSection s = elf.section("version").orElse(null);
        if (s == null) {
            return null;
        }
        byte[] d = elf.data(s);
        if (d.length != 4) {
            throw new BpfLoadException(elf.fileName() + ": section 'version' has " + d.length + " bytes, expected 4");
        }
        return (d[0] & 0xff) | (d[1] & 0xff) << 8 | (d[2] & 0xff) << 16 | (d[3] & 0xff) << 24;
    }
}
