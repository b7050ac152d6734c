package io.lwtemu.ebpf.elf;

import io.lwtemu.ebpf.loader.BpfLoadException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Section, symbol and relocation tables of subprogs.o as {@code llvm-readelf -S -s -r} shows them. */
class ElfFileTest {
    private final ElfFile elf = ElfFile.read(Path.of("src/test/bpf/loader/subprogs.o"));

    @Test
    void shouldReadSectionHeadersWithNames() {
        ElfSection text = elf.section(".text").orElseThrow();
        ElfSection xmit = elf.section("lwt_xmit").orElseThrow();
        ElfSection license = elf.section("license").orElseThrow();

        assertThat(elf.sections().get(0).type()).isEqualTo(ElfFile.SHT_NULL);
        assertThat(text.index()).isEqualTo(2);
        assertThat(text.size()).isEqualTo(0x78);
        assertThat(text.isExecutable()).isTrue();
        assertThat(xmit.index()).isEqualTo(3);
        assertThat(xmit.offset()).isEqualTo(0xb8);
        assertThat(xmit.size()).isEqualTo(0x80);
        assertThat(xmit.flags()).isEqualTo(ElfFile.SHF_ALLOC | ElfFile.SHF_EXECINSTR);
        assertThat(license.isExecutable()).isFalse();
        assertThat(new String(elf.data(license), 0, 3)).isEqualTo("GPL");
        assertThat(elf.section(".rellwt_xmit").orElseThrow().info()).isEqualTo(xmit.index());
        assertThat(elf.section("no such section")).isEmpty();
    }

    @Test
    void shouldReadSymbols() {
        ElfSymbol calls = find("calls_xmit");
        ElfSymbol add3 = find("add3");

        assertThat(calls.isFunction()).isTrue();
        assertThat(calls.bind()).isEqualTo(ElfFile.STB_GLOBAL);
        assertThat(calls.shndx()).isEqualTo(3);
        assertThat(calls.size()).isEqualTo(128);
        assertThat(add3.isLocal()).isTrue();
        assertThat(add3.value()).isEqualTo(0x60);
        assertThat(add3.size()).isEqualTo(24);
        assertThat(find("_license").type()).isEqualTo(ElfFile.STT_OBJECT);
        assertThat(elf.symbol(2).isSection()).isTrue();
        assertThat(elf.symbol(2).name()).as("section symbols take their section's name").isEqualTo(".text");
    }

    @Test
    void shouldReadRelocationsOfASection() {
        ElfSection xmit = elf.section("lwt_xmit").orElseThrow();
        List<ElfSection> rels = elf.relocationSectionsFor(xmit);

        assertThat(rels).extracting(ElfSection::name).containsExactly(".rellwt_xmit");
        List<ElfRelocation> relocs = elf.relocations(rels.get(0));
        assertThat(relocs).containsExactly(
                new ElfRelocation(0x30, 2, ElfFile.R_BPF_64_64),
                new ElfRelocation(0x60, find("global_mix").index(), ElfFile.R_BPF_64_32));
    }

    @Test
    void shouldRefuseToTreatOtherSectionsAsRelocations() {
        assertThatThrownBy(() -> elf.relocations(elf.section("lwt_xmit").orElseThrow()))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("is not a SHT_REL relocation section");
        assertThatThrownBy(() -> elf.symbol(10_000)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("symbol index 10000 out of range");
        assertThatThrownBy(() -> elf.section(99)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("section index 99 out of range");
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead() {
        assertThatThrownBy(() -> ElfFile.read(Path.of("src/test/bpf/loader/missing.o")))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("missing.o: cannot read");
    }

    private ElfSymbol find(String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
