package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.elf.ElfSymbol;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Every way an object can be wrong ends in a {@link BpfLoadException} that names the file and the problem. */
class LoadErrorsTest {
    private final RecordingMapProvider provider = new RecordingMapProvider();

    private BpfObject load(String name, byte[] bytes) {
        return ObjectLoader.load(Path.of(name), bytes, LoadOptions.of(provider));
    }

    private static ElfFile elf(byte[] bytes) {
        return ElfFile.parse("test.o", bytes);
    }

    private static int sectionHeader(byte[] bytes, String section) {
        ElfSection s = elf(bytes).section(section).orElseThrow();
        long shoff = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        return (int) shoff + s.index() * 64;
    }

    private static int symbolEntry(byte[] bytes, String symbol) {
        ElfFile elf = elf(bytes);
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfFile.SHT_SYMTAB).findFirst()
                .orElseThrow();
        ElfSymbol sym = elf.symbols().stream().filter(s -> s.name().equals(symbol)).findFirst().orElseThrow();
        return (int) symtab.offset() + sym.index() * 24;
    }

    @Test
    void shouldRejectProgramWhoseSectionImpliesNoType() {
        assertThatThrownBy(() -> ObjectLoader.load(TestObjects.path("custom_section.o"), LoadOptions.of(provider)))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("custom_section.o")
                .hasMessageContaining("section 'my_router_prog'")
                .hasMessageContaining("cannot infer the program type");
        assertThat(provider.requests).isEmpty();
    }

    @Test
    void shouldRejectUnsupportedMapTypeNamingMapAndType() {
        assertThatThrownBy(() -> ObjectLoader.load(TestObjects.path("unsupported_map.o"), LoadOptions.of(provider)))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("map 'stacks'")
                .hasMessageContaining("map type 7");
    }

    @Test
    void shouldRejectCoreRelocationsNamingTheSection() {
        assertThatThrownBy(() -> ObjectLoader.load(TestObjects.path("core_relo.o"), LoadOptions.of(provider)))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("CO-RE relocations not supported")
                .hasMessageContaining("section 'lwt_xmit'");
    }

    @Test
    void shouldRejectFileShorterThanTheElfHeader() {
        byte[] good = TestObjects.bytes("subprogs.o");
        assertThatThrownBy(() -> load("short.o", Arrays.copyOf(good, 40)))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("short.o")
                .hasMessageContaining("truncated");
    }

    @Test
    void shouldRejectTruncatedFileWhoseSectionsLieBeyondItsEnd() {
        byte[] good = TestObjects.bytes("subprogs.o");
        assertThatThrownBy(() -> load("cut.o", Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("cut.o")
                .hasMessageContaining("lies outside the file");
    }

    @Test
    void shouldRejectOtherMachine() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        TestObjects.putU16(bytes, 18, 62); // EM_X86_64
        assertThatThrownBy(() -> load("x86.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("x86.o")
                .hasMessageContaining("e_machine 62, expected 247");
    }

    @Test
    void shouldRejectNonRelocatableFile() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        TestObjects.putU16(bytes, 16, 2); // ET_EXEC
        assertThatThrownBy(() -> load("exec.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not a relocatable object");
    }

    @Test
    void shouldRejectBadMagicAndClass() {
        byte[] notElf = "just some text, certainly no ELF header here, long enough to read a header....."
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> load("text.o", notElf)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not an ELF file");
        byte[] elf32 = TestObjects.bytes("subprogs.o");
        elf32[4] = 1;
        assertThatThrownBy(() -> load("elf32.o", elf32)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not a 64-bit ELF file");
        byte[] bigEndian = TestObjects.bytes("subprogs.o");
        bigEndian[5] = 2;
        assertThatThrownBy(() -> load("be.o", bigEndian)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not a little-endian ELF file");
    }

    @Test
    void shouldRejectSectionOffsetOutsideTheFile() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        int sh = sectionHeader(bytes, "lwt_xmit");
        TestObjects.putU64(bytes, sh + 24, 0x7fff_0000L);
        assertThatThrownBy(() -> load("badoff.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("badoff.o")
                .hasMessageContaining("data of section #3")
                .hasMessageContaining("lies outside the file");
    }

    @Test
    void shouldRejectSectionNameOutsideStringTable() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        int sh = sectionHeader(bytes, "lwt_out");
        TestObjects.putU32(bytes, sh, 0x10000);
        assertThatThrownBy(() -> load("badname.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("name of section #5");
    }

    @Test
    void shouldRejectRelocationWithBadSymbolIndex() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        ElfSection rel = elf(bytes).section(".rellwt_xmit").orElseThrow();
        TestObjects.putU32(bytes, (int) rel.offset() + 12, 999); // high half of r_info: the symbol
        assertThatThrownBy(() -> load("badsym.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("badsym.o")
                .hasMessageContaining("'.rellwt_xmit'")
                .hasMessageContaining("symbol index 999 out of range");
    }

    @Test
    void shouldCreateNoMapsWhenLinkingFails() {
        byte[] bytes = TestObjects.bytes("btf_maps.o");
        ElfSection rel = elf(bytes).section(".rellwt_xmit/flows").orElseThrow();
        TestObjects.putU64(bytes, (int) rel.offset() + 16, 0x10); // 'flows' relocation onto insn 2 (a store)
        assertThatThrownBy(() -> load("badlink.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("section 'lwt_xmit/flows', function 'track_flow', instruction 2");
        assertThat(provider.requests).isEmpty();
    }

    @Test
    void shouldRejectRelocationOnAnOrdinaryInstruction() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        ElfSection rel = elf(bytes).section(".rellwt_xmit").orElseThrow();
        TestObjects.putU64(bytes, (int) rel.offset(), 8); // move the ld_imm64 relocation onto insn 1 (w1 = 0)
        assertThatThrownBy(() -> load("badrel.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("section 'lwt_xmit', function 'calls_xmit', instruction 1")
                .hasMessageContaining("neither a call nor an ld_imm64");
    }

    @Test
    void shouldRejectRelocationOutsideItsSection() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        ElfSection rel = elf(bytes).section(".rellwt_out").orElseThrow();
        TestObjects.putU64(bytes, (int) rel.offset(), 0x10000);
        assertThatThrownBy(() -> load("relout.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("offset 65536 lies outside section 'lwt_out'");
    }

    @Test
    void shouldRejectCallToUndefinedFunction() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        TestObjects.putU16(bytes, symbolEntry(bytes, "global_mix") + 6, 0); // st_shndx = SHN_UNDEF
        assertThatThrownBy(() -> load("extern.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("unresolved extern symbol 'global_mix'");
    }

    @Test
    void shouldRejectStaticFunctionAsProgramLikeLibbpf() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        bytes[symbolEntry(bytes, "out_second") + 4] = ElfFile.STT_FUNC; // st_info: STB_LOCAL << 4 | STT_FUNC
        assertThatThrownBy(() -> load("static.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("section 'lwt_out': program 'out_second' is static");
    }

    @Test
    void shouldRejectCallIntoNoFunction() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        ElfSection xmit = elf(bytes).section("lwt_xmit").orElseThrow();
        // calls_xmit insn 12 calls global_mix (imm -1 plus relocation); aim it 1000 instructions further.
        TestObjects.putU32(bytes, (int) xmit.offset() + 12 * 8 + 4, 999);
        assertThatThrownBy(() -> load("wildcall.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("instruction 12: call target is instruction 1000 of section '.text'")
                .hasMessageContaining("outside every function");
    }

    @Test
    void shouldRejectFunctionSymbolBeyondItsSection() {
        byte[] bytes = TestObjects.bytes("subprogs.o");
        TestObjects.putU64(bytes, symbolEntry(bytes, "out_second") + 16, 4096); // st_size
        assertThatThrownBy(() -> load("bigfunc.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("function 'out_second'")
                .hasMessageContaining("does not fit the section");
    }

    @Test
    void shouldRejectGlobalDataLargerThanTheKernelAllowsWithoutAllocatingIt() {
        byte[] bytes = TestObjects.bytes("btf_maps.o");
        TestObjects.putU64(bytes, sectionHeader(bytes, ".bss") + 32, 1L << 40); // .bss has no file bytes
        assertThatThrownBy(() -> load("hugebss.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("global data section '.bss' is too large");
    }

    @Test
    void shouldRequireBtfForMapsSection() {
        byte[] bytes = TestObjects.bytes("btf_maps.o");
        int sh = sectionHeader(bytes, ".BTF");
        ElfFile elf = elf(bytes);
        ElfSection shstrtab = elf.sections().stream().filter(s -> s.type() == ElfFile.SHT_STRTAB
                && s.name().equals(".strtab")).findFirst().orElseThrow();
        int nameOff = (int) shstrtab.offset() + ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(sh);
        assertThat(new String(bytes, nameOff, 4, StandardCharsets.US_ASCII)).isEqualTo(".BTF");
        bytes[nameOff + 1] = 'X'; // ".XTF": as if built without -g
        assertThatThrownBy(() -> load("nobtf.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("section '.maps' needs BTF");
    }

    @Test
    void shouldRejectCorruptBtf() {
        byte[] bytes = TestObjects.bytes("btf_maps.o");
        ElfSection btf = elf(bytes).section(".BTF").orElseThrow();
        bytes[(int) btf.offset()] = 0x12;
        assertThatThrownBy(() -> load("badbtf.o", bytes))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("badbtf.o .BTF")
                .hasMessageContaining("bad BTF magic");
    }

    /** Truncations and random byte flips anywhere give a load error or a load, never another exception. */
    @Test
    void shouldNeverFailWithAnythingButALoadErrorOnMangledInput() {
        for (String file : new String[] {"btf_maps.o", "subprogs.o", "legacy_maps.nodebug.o"}) {
            byte[] good = TestObjects.bytes(file);
            for (int len = 0; len < good.length; len += 37) {
                tryLoad(file + " cut at " + len, Arrays.copyOf(good, len));
            }
            // Aim at the parts that are parsed: headers, section headers, symbols, relocations, code, BTF.
            ElfFile elf = elf(good);
            long shoff = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
            java.util.List<int[]> targets = new java.util.ArrayList<>();
            targets.add(new int[] {0, 64});
            targets.add(new int[] {(int) shoff, elf.sections().size() * 64});
            for (ElfSection s : elf.sections()) {
                boolean parsed = s.type() == ElfFile.SHT_SYMTAB || s.type() == ElfFile.SHT_REL && !s.name().contains("debug")
                        || s.isExecutable() || s.name().startsWith(".BTF") || s.name().equals("maps")
                        || s.name().equals(".maps");
                if (parsed && !s.isNobits() && s.size() > 0) {
                    targets.add(new int[] {(int) s.offset(), (int) s.size()});
                }
            }
            Random random = new Random(42);
            for (int round = 0; round < 600; round++) {
                byte[] bytes = good.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int[] t = targets.get(random.nextInt(targets.size()));
                    bytes[t[0] + random.nextInt(t[1])] = (byte) random.nextInt(256);
                }
                tryLoad(file + " mangled round " + round, bytes);
            }
        }
    }

    private void tryLoad(String what, byte[] bytes) {
        try {
            load("mangled.o", bytes);
        } catch (BpfLoadException expected) {
            assertThat(expected.getMessage()).startsWith("mangled.o");
        } catch (RuntimeException | StackOverflowError e) {
            fail(what + ": " + e, e);
        }
    }
}
