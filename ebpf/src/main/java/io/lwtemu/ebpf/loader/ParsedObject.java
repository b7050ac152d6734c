package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.btf.Btf;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.prog.ProgramType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An object file parsed and linked, with no maps yet: what libbpf has after {@code bpf_object__open} and
 * relocation. Immutable, so one parse can serve every load of the same bytes; each
 * {@link #instantiate instantiation} creates the maps anew through its {@link MapProvider} (pinned maps are
 * the provider's to share) and binds the programs to them, like a fresh {@code bpf_object__load}.
 */
public final class ParsedObject {
    /**
     * A linked program before its maps exist.
     *
     * @param mapSpecs for each of the program's map indices, the index of the object's map spec it refers to
     */
    record Program(String name, String section, ProgramType type, long[] insns, List<Integer> mapSpecs,
                   List<ProgramFunction> layout, List<SourceLine> lines) {
    }

    private final Path path;
    private final String name;
    private final List<MapSpec> specs;
    private final List<Program> programs;
    private final String license;
    private final Integer kernelVersion;
    private final Btf btf;
    private final List<ProgArraySlot> progArraySlots;

    ParsedObject(Path path, String name, List<MapSpec> specs, List<Program> programs, String license,
                 Integer kernelVersion, Btf btf, List<ProgArraySlot> progArraySlots) {
        this.path = path;
        this.name = name;
        this.specs = List.copyOf(specs);
        this.programs = List.copyOf(programs);
        this.license = license;
        this.kernelVersion = kernelVersion;
        this.btf = btf;
        this.progArraySlots = List.copyOf(progArraySlots);
    }

    /** The file it was parsed from. */
    public Path path() {
        return path;
    }

    /**
     * Creates the object's maps, in object order, through {@code maps} and binds the programs to them. The
     * programs share this parse's instructions (nothing changes them after linking).
     *
     * @throws BpfLoadException when a map cannot be created
     */
    public BpfObject instantiate(MapProvider maps) {
        List<BpfMap> created = new ArrayList<>(specs.size());
        Map<String, BpfMap> byName = new LinkedHashMap<>();
        Map<String, BpfMap> bySection = new LinkedHashMap<>();
        for (MapSpec spec : specs) {
            BpfMap map = maps.create(spec.definition(), spec.initialValue() == null ? null : spec.initialValue().clone());
            if (map == null) {
                throw new BpfLoadException(path + ": map '" + spec.name() + "' could not be created");
            }
            created.add(map);
            byName.put(spec.name(), map);
            if (spec.isGlobalData()) {
                bySection.put(spec.sectionName(), map);
            }
        }
        List<BpfProgram> bound = new ArrayList<>(programs.size());
        Map<String, List<ProgramFunction>> functions = new LinkedHashMap<>();
        Map<String, List<SourceLine>> sourceLines = new LinkedHashMap<>();
        for (Program p : programs) {
            List<BpfMap> used = new ArrayList<>(p.mapSpecs().size());
            for (int spec : p.mapSpecs()) {
                used.add(created.get(spec));
            }
            BpfProgram program = new BpfProgram(p.name(), p.section(), p.type(), p.insns(), used, license);
            bound.add(program);
            functions.put(program.name(), p.layout());
            sourceLines.put(program.name(), p.lines());
        }
        return new BpfObject(path, name, bound, functions, sourceLines, byName, bySection, license, kernelVersion,
                btf, progArraySlots);
    }
}
