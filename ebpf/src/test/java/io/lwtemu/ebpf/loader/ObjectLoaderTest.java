package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.btf.Btf;
import io.lwtemu.ebpf.btf.BtfKind;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.isa.Opcodes;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads the prebuilt test objects. Expected instruction counts and offsets come from
 * {@code llvm-objdump -dr} of the checked-in objects (default build: -O2 -g -mcpu=v3, clang 19).
 */
class ObjectLoaderTest {
    private final RecordingMapProvider provider = new RecordingMapProvider();

    private BpfObject load(String file) {
        return ObjectLoader.load(TestObjects.path(file), LoadOptions.of(provider));
    }

    private static MapDefinition def(BpfObject obj, String map) {
        return obj.map(map).orElseThrow().definition();
    }

    @Test
    void shouldSplitProgramsBySectionWithTypesFromSectionNames() {
        BpfObject obj = load("btf_maps.o");

        assertThat(obj.programs()).extracting(BpfProgram::name).containsExactly("count_in", "count_out", "track_flow");
        assertThat(obj.programs()).extracting(BpfProgram::section)
                .containsExactly("lwt_in", "lwt_out", "lwt_xmit/flows");
        assertThat(obj.programs()).extracting(BpfProgram::type)
                .containsExactly(ProgramType.LWT_IN, ProgramType.LWT_OUT, ProgramType.LWT_XMIT);
        assertThat(obj.programInSection("lwt_xmit/flows")).map(BpfProgram::name).hasValue("track_flow");
        assertThat(obj.license()).isEqualTo("GPL");
        assertThat(obj.programs()).allSatisfy(p -> assertThat(p.license()).isEqualTo("GPL"));
        assertThat(obj.kernelVersion()).isEmpty();
        assertThat(obj.name()).isEqualTo("btf_maps");
        assertThat(obj.btf()).isPresent();
    }

    @Test
    void shouldDecodeBtfDefinedMaps() {
        BpfObject obj = load("btf_maps.o");

        // key/value by __type: struct flow_key is 13 bytes of fields padded to 16, flow_stats_t 24.
        assertThat(def(obj, "flows")).isEqualTo(new MapDefinition("flows", MapType.HASH, 16, 24, 1024,
                MapDefinition.BPF_F_NO_PREALLOC, MapDefinition.PIN_NONE));
        assertThat(def(obj, "counters")).isEqualTo(new MapDefinition("counters", MapType.ARRAY, 4, 8, 4, 0, 0));
        assertThat(def(obj, "percpu_hits"))
                .isEqualTo(new MapDefinition("percpu_hits", MapType.PERCPU_ARRAY, 4, 8, 2, 0, 0));
        assertThat(def(obj, "pinned_marks")).isEqualTo(new MapDefinition("pinned_marks", MapType.LRU_HASH, 4, 4, 128,
                0, MapDefinition.PIN_BY_NAME));
    }

    @Test
    void shouldMakeGlobalDataMapsNamedLikeLibbpfWithTheirInitialContents() {
        BpfObject obj = load("btf_maps.o");

        int mmapable = MapDefinition.BPF_F_MMAPABLE;
        assertThat(def(obj, "btf_maps.rodata")).isEqualTo(new MapDefinition("btf_maps.rodata", MapType.ARRAY, 4, 5, 1,
                MapDefinition.BPF_F_RDONLY_PROG | mmapable, 0));
        assertThat(def(obj, "btf_maps.data"))
                .isEqualTo(new MapDefinition("btf_maps.data", MapType.ARRAY, 4, 16, 1, mmapable, 0));
        assertThat(def(obj, "btf_maps.bss"))
                .isEqualTo(new MapDefinition("btf_maps.bss", MapType.ARRAY, 4, 40, 1, mmapable, 0));
        assertThat(obj.map(".rodata")).containsSame(obj.map("btf_maps.rodata").orElseThrow());

        assertThat(initialValue("btf_maps.rodata")).containsExactly(0x00, 0x01, 0x00, 0x00, 24);
        assertThat(initialValue("btf_maps.data")).containsExactly(7, 0, 0, 0, 0, 0, 0, 0,
                0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        assertThat(initialValue("btf_maps.bss")).hasSize(40).containsOnly(0);
        assertThat(provider.requests).filteredOn(r -> !r.definition().name().startsWith("btf_maps."))
                .allSatisfy(r -> assertThat(r.initialValue()).isNull());
        assertThat(provider.requests).extracting(r -> r.definition().name()).containsExactly(
                "percpu_hits", "flows", "pinned_marks", "counters", "btf_maps.rodata", "btf_maps.data", "btf_maps.bss");
    }

    private int[] initialValue(String map) {
        byte[] v = provider.requests.stream().filter(r -> r.definition().name().equals(map)).findFirst()
                .orElseThrow().initialValue();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] & 0xff;
        }
        return out;
    }

    @Test
    void shouldAppendTextSubprogramAndRelocateMapsInIt() {
        BpfObject obj = load("btf_maps.o");
        BpfProgram out = obj.program("count_out").orElseThrow();

        // count_out is 12 instructions, bump (15) is appended behind it.
        assertThat(out.length()).isEqualTo(12 + 15);
        assertCall(out, 2, 12);
        // DFS order: bump's maps (counters, .rodata) come before count_out's own .data reference.
        assertThat(out.maps()).extracting(BpfMap::name).containsExactly("counters", "btf_maps.rodata", "btf_maps.data");
        assertMapFd(out, 12 + 3, 0);
        assertMapValue(out, 12 + 9, 1, 0);   // mark_base at .rodata+0
        assertMapValue(out, 5, 2, 8);        // bytes_seen at .data+8
    }

    @Test
    void shouldRelocateEveryMapReferenceOfAProgram() {
        BpfProgram flow = load("btf_maps.o").program("track_flow").orElseThrow();

        assertThat(flow.length()).isEqualTo(70 + 15);
        assertThat(flow.maps()).extracting(BpfMap::name).containsExactly(
                "btf_maps.bss", "btf_maps.rodata", "flows", "pinned_marks", "counters");
        assertMapValue(flow, 9, 0, 0);      // drops at .bss+0
        assertMapValue(flow, 20, 1, 4);     // prefix_len at .rodata+4
        assertMapFd(flow, 26, 2);
        assertMapFd(flow, 50, 2);           // second reference to flows: same index
        assertMapFd(flow, 55, 3);
        assertMapValue(flow, 61, 0, 8);     // scratch at .bss+8
        assertCall(flow, 65, 70);
        assertMapFd(flow, 70 + 3, 4);       // counters, first used inside bump
        assertMapValue(flow, 70 + 9, 1, 0);
    }

    @Test
    void shouldLinkNestedStaticGlobalAndCallbackSubprogramsDepthFirst() {
        BpfObject obj = load("subprogs.o");
        BpfProgram xmit = obj.program("calls_xmit").orElseThrow();

        // calls_xmit (16) + loop_step (5) + global_mix (4) + twice_add3 (3) + add3 (3)
        assertThat(xmit.length()).isEqualTo(31);
        long callback = xmit.insns()[6];
        assertThat(Insn.src(callback)).isEqualTo(Opcodes.BPF_PSEUDO_FUNC);
        assertThat(6 + Insn.imm(callback) + 1).isEqualTo(16);
        assertCall(xmit, 12, 21);           // global_mix: relocation against its symbol, imm was -1
        assertCall(xmit, 22, 25);           // global_mix -> twice_add3: same section, no relocation
        assertCall(xmit, 25, 28);           // twice_add3 -> add3
        assertThat(xmit.insns()[9]).as("helper call untouched").isEqualTo(Insn.make(0x85, 0, 0, 0, 181));
        assertThat(xmit.maps()).isEmpty();
        Btf btf = obj.btf().orElseThrow();
        assertThat(obj.functions(xmit)).containsExactly(
                new ProgramFunction("calls_xmit", "lwt_xmit", 0, 16, true, funcId(btf, "calls_xmit")),
                new ProgramFunction("loop_step", ".text", 16, 5, false, funcId(btf, "loop_step")),
                new ProgramFunction("global_mix", ".text", 21, 4, true, funcId(btf, "global_mix")),
                new ProgramFunction("twice_add3", ".text", 25, 3, false, funcId(btf, "twice_add3")),
                new ProgramFunction("add3", ".text", 28, 3, false, funcId(btf, "add3")));
        // Line info follows the subprograms to where they were placed.
        assertThat(obj.sourceLine(xmit, 29)).map(SourceLine::text).get().asString().contains("return x + 3;");
        assertThat(obj.sourceLine(xmit, 29)).map(SourceLine::toString).get().asString().isEqualTo("return x + 3; @ subprogs.c:9");
        assertThat(obj.sourceLine(xmit, 0)).map(SourceLine::lineNumber).hasValue(34);

        assertThat(obj.programsInSection("lwt_out")).extracting(BpfProgram::name)
                .containsExactly("out_first", "out_second");
        BpfProgram first = obj.program("out_first").orElseThrow();
        assertThat(first.length()).isEqualTo(6 + 3);
        assertCall(first, 2, 6);
        assertThat(obj.program("out_second").orElseThrow().length()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"subprogs.o", "subprogs.v1.o", "subprogs.v2.o", "subprogs.v4.o", "subprogs.nodebug.o"})
    void shouldLinkEveryCpuVersionAndDebugVariantToTheSameShape(String file) {
        BpfObject obj = load(file);

        assertThat(obj.programs()).extracting(BpfProgram::name).containsExactly("calls_xmit", "out_first", "out_second");
        BpfProgram xmit = obj.program("calls_xmit").orElseThrow();
        List<Integer> targets = new java.util.ArrayList<>();
        long[] insns = xmit.insns();
        for (int i = 0; i < insns.length; i++) {
            boolean call = Insn.opcode(insns[i]) == 0x85 && Insn.src(insns[i]) == Opcodes.BPF_PSEUDO_CALL;
            boolean func = Insn.isLdImm64(insns[i]) && Insn.src(insns[i]) == Opcodes.BPF_PSEUDO_FUNC;
            if (call || func) {
                int target = i + Insn.imm(insns[i]) + 1;
                assertThat(target).isBetween(0, insns.length - 1);
                targets.add(target);
            }
        }
        // callback, global_mix, twice_add3, add3: each appended once, each target a distinct function start.
        assertThat(targets).hasSize(4).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).isGreaterThan(0));
        assertThat(Insn.opcode(insns[insns.length - 1])).as("last insn is exit").isEqualTo(0x95);
        assertThat(obj.btf().isPresent()).isEqualTo(!file.contains("nodebug"));
        assertThat(obj.sourceLines(xmit).isEmpty()).isEqualTo(file.contains("nodebug"));
        // Without BTF the kernel sees no global functions: all subprograms are verified as static.
        assertThat(obj.functions(xmit)).filteredOn(ProgramFunction::global).extracting(ProgramFunction::name)
                .isEqualTo(file.contains("nodebug") ? List.of() : List.of("calls_xmit", "global_mix"));
        assertThat(obj.functions(xmit)).extracting(ProgramFunction::offset).containsExactlyElementsOf(
                targets.stream().sorted().collect(java.util.stream.Collectors.toCollection(
                        () -> new java.util.ArrayList<>(List.of(0)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"btf_maps.o", "btf_maps.v1.o", "btf_maps.v2.o", "btf_maps.v4.o"})
    void shouldLoadBtfMapsForEveryCpuVersion(String file) {
        BpfObject obj = load(file);

        // BTF DATASEC order, as libbpf creates them.
        assertThat(obj.maps().keySet()).containsExactly("percpu_hits", "flows", "pinned_marks", "counters",
                "btf_maps.rodata", "btf_maps.data", "btf_maps.bss");
        assertThat(obj.programs()).hasSize(3);
        for (BpfProgram p : obj.programs()) {
            for (int i = 0; i < p.length(); i++) {
                long insn = p.insns()[i];
                if (Insn.isLdImm64(insn)) {
                    int src = Insn.src(insn);
                    assertThat(src).isIn(Opcodes.BPF_PSEUDO_MAP_FD, Opcodes.BPF_PSEUDO_MAP_VALUE);
                    assertThat(Insn.imm(insn)).isBetween(0, p.maps().size() - 1);
                    i++;
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"legacy_maps.o", "legacy_maps.v1.o", "legacy_maps.v2.o", "legacy_maps.v4.o",
            "legacy_maps.nodebug.o"})
    void shouldDecodeLegacyMapsSection(String file) {
        BpfObject obj = load(file);

        assertThat(def(obj, "legacy_hash")).isEqualTo(new MapDefinition("legacy_hash", MapType.HASH, 4, 8, 64, 0, 0));
        assertThat(def(obj, "legacy_array"))
                .isEqualTo(new MapDefinition("legacy_array", MapType.ARRAY, 4, 16, 8, 0, 0));
        // A section with a second dot keeps its own name; no BTF variable makes it mmapable.
        assertThat(def(obj, ".rodata.str1.1")).isEqualTo(new MapDefinition(".rodata.str1.1", MapType.ARRAY, 4, 6, 1,
                MapDefinition.BPF_F_RDONLY_PROG, 0));
        assertThat(initialValue(".rodata.str1.1")).containsExactly('h', 'e', 'l', 'l', 'o', 0);
        assertThat(obj.license()).isEqualTo("Dual BSD/GPL");
        assertThat(obj.kernelVersion()).hasValue(0x060c00);
        BpfProgram p = obj.program("legacy_xmit").orElseThrow();
        assertThat(p.type()).isEqualTo(ProgramType.LWT_XMIT);
        assertThat(p.maps()).extracting(BpfMap::name).containsExactly("legacy_hash", ".rodata.str1.1", "legacy_array");
    }

    @Test
    void shouldDecodeIproute2MapLayoutWithGlobalPinning() {
        BpfObject obj = load("iproute2_maps.o");

        // struct bpf_elf_map: PIN_GLOBAL_NS (2) shares the map by name, like LIBBPF_PIN_BY_NAME.
        assertThat(def(obj, "shared_counts")).isEqualTo(new MapDefinition("shared_counts", MapType.ARRAY, 4, 8, 16, 0,
                MapDefinition.PIN_BY_NAME));
        assertThat(def(obj, "private_hash")).isEqualTo(new MapDefinition("private_hash", MapType.HASH, 4, 4, 32,
                MapDefinition.BPF_F_NO_PREALLOC, MapDefinition.PIN_NONE));
        BpfProgram p = obj.program("count_xmit").orElseThrow();
        assertThat(p.maps()).extracting(BpfMap::name).containsExactly("shared_counts", "private_hash");
    }

    @Test
    void shouldRelocateLegacyMapsAndStringLiterals() {
        BpfProgram p = load("legacy_maps.o").program("legacy_xmit").orElseThrow();

        assertThat(p.length()).isEqualTo(30);
        assertMapFd(p, 5, 0);
        assertMapValue(p, 11, 1, 0);
        assertMapFd(p, 22, 2);
    }

    @Test
    void shouldUseExplicitProgramTypeOverSectionName() {
        BpfObject inferred = load("subprogs.o");
        BpfObject forced = ObjectLoader.load(TestObjects.path("subprogs.o"),
                LoadOptions.of(provider).withProgramType(ProgramType.LWT_IN));

        assertThat(inferred.program("out_first").orElseThrow().type()).isEqualTo(ProgramType.LWT_OUT);
        assertThat(forced.programs()).extracting(BpfProgram::type).containsOnly(ProgramType.LWT_IN);
    }

    @Test
    void shouldLoadCustomSectionOnlyWithExplicitType() {
        BpfObject obj = ObjectLoader.load(TestObjects.path("custom_section.o"),
                LoadOptions.of(provider).withProgramType(ProgramType.LWT_XMIT));

        assertThat(obj.program("custom").orElseThrow().type()).isEqualTo(ProgramType.LWT_XMIT);
        assertThat(obj.programInSection("my_router_prog")).isPresent();
    }

    private static int funcId(Btf btf, String name) {
        return btf.findByName(name, BtfKind.FUNC).orElseThrow().id();
    }

    static void assertCall(BpfProgram p, int at, int target) {
        long insn = p.insns()[at];
        assertThat(Insn.opcode(insn)).as("insn %d is a call", at).isEqualTo(Opcodes.BPF_JMP | Opcodes.BPF_CALL);
        assertThat(Insn.src(insn)).as("insn %d is a bpf-to-bpf call", at).isEqualTo(Opcodes.BPF_PSEUDO_CALL);
        assertThat(at + Insn.imm(insn) + 1).as("call target of insn %d", at).isEqualTo(target);
    }

    static void assertMapFd(BpfProgram p, int at, int mapIndex) {
        long insn = p.insns()[at];
        assertThat(Insn.isLdImm64(insn)).as("insn %d is ld_imm64", at).isTrue();
        assertThat(Insn.src(insn)).as("insn %d src", at).isEqualTo(Opcodes.BPF_PSEUDO_MAP_FD);
        assertThat(Insn.imm(insn)).as("insn %d map index", at).isEqualTo(mapIndex);
        assertThat(Insn.imm(p.insns()[at + 1])).as("insn %d upper half", at).isZero();
    }

    static void assertMapValue(BpfProgram p, int at, int mapIndex, int offset) {
        long insn = p.insns()[at];
        assertThat(Insn.isLdImm64(insn)).as("insn %d is ld_imm64", at).isTrue();
        assertThat(Insn.src(insn)).as("insn %d src", at).isEqualTo(Opcodes.BPF_PSEUDO_MAP_VALUE);
        assertThat(Insn.imm(insn)).as("insn %d map index", at).isEqualTo(mapIndex);
        assertThat(Insn.imm(p.insns()[at + 1])).as("insn %d value offset", at).isEqualTo(offset);
    }
}
