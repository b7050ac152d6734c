package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.btf.Btf;
import io.lwtemu.ebpf.maps.BpfMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A loaded object file: its programs (linked, relocated, ready for the verifier), the maps it created,
 * its license and BTF. Map lifetime belongs to whoever provided them ({@link MapProvider}): pinned maps
 * outlive the object.
 */
public final class BpfObject {
    private final Path path;
    private final String name;
    private final List<BpfProgram> programs;
    private final Map<String, List<ProgramFunction>> functions;
    private final Map<String, List<SourceLine>> sourceLines;
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfMap> mapsBySection;
    private final String license;
    private final Integer kernelVersion;
    private final Btf btf;
    private final List<ProgArraySlot> progArraySlots;

    BpfObject(Path path, String name, List<BpfProgram> programs, Map<String, List<ProgramFunction>> functions,
              Map<String, List<SourceLine>> sourceLines, Map<String, BpfMap> maps,
              Map<String, BpfMap> mapsBySection, String license, Integer kernelVersion, Btf btf,
              List<ProgArraySlot> progArraySlots) {
        this.path = path;
        this.name = name;
        this.programs = List.copyOf(programs);
        this.functions = Map.copyOf(functions);
        this.sourceLines = Map.copyOf(sourceLines);
        this.maps = Collections.unmodifiableMap(new LinkedHashMap<>(maps));
        this.mapsBySection = Collections.unmodifiableMap(new LinkedHashMap<>(mapsBySection));
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.btf = btf;
        this.progArraySlots = List.copyOf(progArraySlots);
    }

    /** The file it was loaded from. */
    public Path path() {
        return path;
    }

    /** libbpf's object name: the file's base name up to its first dot. */
    public String name() {
        return name;
    }

    /** All programs in file order (section order, then function order within a section). */
    public List<BpfProgram> programs() {
        return programs;
    }

    /** The program whose function is named {@code name}. */
    public Optional<BpfProgram> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Programs of one ELF section, in function order. */
    public List<BpfProgram> programsInSection(String section) {
        List<BpfProgram> out = new ArrayList<>();
        for (BpfProgram p : programs) {
            if (p.section().equals(section)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The first program of an ELF section, which is what {@code ip route ... section S} and
     * {@code bpf_object__find_program_by_title} pick.
     */
    public Optional<BpfProgram> programInSection(String section) {
        return programs.stream().filter(p -> p.section().equals(section)).findFirst();
    }

    /**
     * The functions of a program of this object in the order they were placed: the entry first at offset 0,
     * then each subprogram it calls.
     */
    public List<ProgramFunction> functions(BpfProgram program) {
        List<ProgramFunction> f = functions.get(program.name());
        if (f == null) {
            throw new IllegalArgumentException("program '" + program.name() + "' is not part of " + path);
        }
        return f;
    }

    /** Source lines of a program's instructions (empty without BTF), ordered by instruction. */
    public List<SourceLine> sourceLines(BpfProgram program) {
        List<SourceLine> l = sourceLines.get(program.name());
        if (l == null) {
            throw new IllegalArgumentException("program '" + program.name() + "' is not part of " + path);
        }
        return l;
    }

    /** The source line instruction {@code insn} of a program was compiled from, if BTF says. */
    public Optional<SourceLine> sourceLine(BpfProgram program, int insn) {
        SourceLine best = null;
        for (SourceLine l : sourceLines(program)) {
            if (l.insn() > insn) {
                break;
            }
            best = l;
        }
        return Optional.ofNullable(best);
    }

    /** Maps by name, in creation order; global data maps under libbpf's names ("obj.rodata"). */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    /** A map by name, or a global data map by its section name (".rodata", ".bss", ".data.custom"). */
    public Optional<BpfMap> map(String name) {
        BpfMap m = maps.get(name);
        return Optional.ofNullable(m != null ? m : mapsBySection.get(name));
    }

    /** The "license" section's string, "" when absent. */
    public String license() {
        return license;
    }

    /** The "version" section's value, when present. */
    public OptionalInt kernelVersion() {
        return kernelVersion == null ? OptionalInt.empty() : OptionalInt.of(kernelVersion);
    }

    /** The object's BTF, absent when compiled without -g. */
    public Optional<Btf> btf() {
        return Optional.ofNullable(btf);
    }

    /**
     * Prog array slots the object initialises ({@code .values = { [i] = &prog }}), in file order. The maps
     * are created empty: the slots are to be filled once their programs are loaded, as libbpf does.
     */
    public List<ProgArraySlot> progArraySlots() {
        return progArraySlots;
    }

    @Override
    public String toString() {
        return "BpfObject[" + path + ", programs=" + programs.stream().map(BpfProgram::name).toList()
                + ", maps=" + maps.keySet() + "]";
    }
}
