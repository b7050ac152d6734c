package io.lwtemu.ebpf.kernel;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.kernel.KernelBpf.KernelLoadException;
import io.lwtemu.ebpf.kernel.KernelBpf.KernelMap;
import io.lwtemu.ebpf.kernel.KernelBpf.KernelProgram;
import io.lwtemu.ebpf.kernel.KernelBpf.RunResult;
import io.lwtemu.ebpf.kernel.KernelBpf.SkbContext;
import io.lwtemu.ebpf.kernel.KernelBpf.Verdict;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.loader.LoadOptions;
import io.lwtemu.ebpf.loader.ObjectLoader;
import io.lwtemu.ebpf.loader.RecordingMapProvider;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kernel harness itself, checked against programs whose effect is known. */
class KernelBpfTest {
    private static final Path KERNEL_XMIT = Path.of("src/test/bpf/loader/kernel_xmit.o");
    private static final Path BTF_MAPS = Path.of("src/test/bpf/loader/btf_maps.o");
    private static final int BPF_OK = 0;
    private static final int BPF_DROP = 2;

    /** IPv4 header (TOS 0, total length 28, TTL 64, UDP, 10.0.0.1 -> 10.0.0.2) and an 8-byte UDP header. */
    private static byte[] ipv4Packet() {
        return new byte[] {0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0x30, 0x39, 0x00, 0x35, 0, 8, 0, 0};
    }

    @Test
    void shouldRunLwtXmitProgramInTheKernelOnAnL3Packet() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());
        byte[] packet = ipv4Packet();

        RunResult r;
        try (KernelProgram p = KernelBpf.load(KERNEL_XMIT, "mark_and_tos", null)) {
            assertThat(p.pinPath()).exists();
            r = p.run(packet, new SkbContext(7, 0, new int[] {1, 2, 3, 4, 5}));
            assertThat(p.pinPath().getParent()).exists();
        }

        assertThat(r.retval()).isEqualTo(BPF_OK);
        byte[] expected = packet.clone();
        expected[1] = (byte) 0xb8;
        assertThat(r.packet()).as("L3 packet with the TOS rewritten, Ethernet prefix removed").isEqualTo(expected);
        // skb->len counts from the L3 header: the 14-byte Ethernet prefix bpftool needs is not included.
        assertThat(r.context().mark()).isEqualTo(0x2a + packet.length);
        assertThat(r.context().priority()).isEqualTo(6);
        assertThat(r.context().cb()).containsExactly(0xc0ffee, 2, 3, 4, 5);
    }

    @Test
    void shouldReturnDropAndLeaveContextForShortPacket() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());

        try (KernelProgram p = KernelBpf.load(KERNEL_XMIT, "mark_and_tos", ProgramType.LWT_XMIT)) {
            // Not IP (the kernel refuses IP packets shorter than their header), 19 bytes: too short for it.
            byte[] notIp = new byte[19];
            notIp[1] = 0x11;
            RunResult r = p.run(notIp, new SkbContext(7, 3, null));

            assertThat(r.retval()).isEqualTo(BPF_DROP);
            assertThat(r.context()).isEqualTo(new SkbContext(7, 3, new int[5]));
            assertThat(r.packet()).isEqualTo(notIp);
        }
    }

    @Test
    void shouldReportTheVerifierLogOfRejectedAndAcceptedPrograms() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());

        Verdict rejected = KernelBpf.verify(KERNEL_XMIT, "unchecked_read", null);
        Verdict accepted = KernelBpf.verify(KERNEL_XMIT, "mark_and_tos", null);

        assertThat(rejected.accepted()).isFalse();
        assertThat(rejected.verifierLog()).contains("invalid access to packet");
        assertThat(accepted.accepted()).isTrue();
        assertThat(accepted.verifierLog()).contains("processed");
        assertThatThrownBy(() -> KernelBpf.load(KERNEL_XMIT, "unchecked_read", null))
                .isInstanceOf(KernelLoadException.class)
                .satisfies(e -> assertThat(((KernelLoadException) e).verdict().verifierLog())
                        .contains("R1 offset is outside of the packet"));
    }

    /** One program of a multi-program object with maps, global data and a pinned map, checked end to end. */
    @Test
    void shouldRunOneProgramOfAMultiProgramObjectAndRemoveTheMapPinsItMade() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());
        Path pin = Path.of("/sys/fs/bpf/pinned_marks");
        assumeTrue(!Files.exists(pin), pin + " already exists; not touching it");

        RunResult r;
        try (KernelProgram p = KernelBpf.load(BTF_MAPS, "track_flow", null)) {
            assertThat(pin).as("LIBBPF_PIN_BY_NAME map pinned by libbpf").exists();
            r = p.run(ipv4Packet(), new SkbContext(5, 0, null));
        }

        assertThat(pin).doesNotExist();
        assertThat(r.retval()).isEqualTo(BPF_OK);
        // bump(2) = 2 + mark_base (0x100), plus the incoming mark since pinned_marks is empty.
        assertThat(r.context().mark()).isEqualTo(0x102 + 5);
    }

    @Test
    void shouldRunIpv6PacketsWithTheirLengthFromTheL3Header() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());
        byte[] ipv6 = new byte[48];
        ipv6[0] = 0x60;
        ipv6[5] = 8;    // payload length
        ipv6[6] = 17;   // UDP
        ipv6[7] = 64;

        try (KernelProgram p = KernelBpf.load(KERNEL_XMIT, "mark_and_tos", null)) {
            RunResult r = p.run(ipv6, SkbContext.empty());

            assertThat(r.retval()).isEqualTo(BPF_OK);
            assertThat(r.context().mark()).isEqualTo(0x2a + 48);
            assertThat(r.packet()[1]).isEqualTo((byte) 0xb8);
        }
    }

    /** The loader's test objects are real, verifiable programs: the kernel accepts each one. */
    @ParameterizedTest
    @CsvSource({"btf_maps.o, count_in", "btf_maps.o, count_out", "btf_maps.v1.o, track_flow",
        "btf_maps.v4.o, track_flow", "subprogs.o, calls_xmit", "subprogs.v1.o, calls_xmit",
        "subprogs.nodebug.o, out_first", "subprogs.v4.o, out_second", "kernel_xmit.o, mark_and_tos"})
    void shouldHaveTheKernelAcceptTheLoaderTestPrograms(String file, String program) {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());

        Verdict v = KernelBpf.verify(Path.of("src/test/bpf/loader", file), program, null);

        assertThat(v.accepted()).as(v.bpftoolOutput()).isTrue();
    }

    /** A kernel fact the verifier must model: callbacks (BPF_PSEUDO_FUNC) need BTF func_info. */
    @Test
    void shouldHaveTheKernelRejectCallbacksWithoutBtf() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());

        Verdict v = KernelBpf.verify(Path.of("src/test/bpf/loader/subprogs.nodebug.o"), "calls_xmit", null);

        assertThat(v.accepted()).isFalse();
        assertThat(v.verifierLog()).contains("missing btf func_info");
    }

    /** Differential check of the loader: the kernel (through libbpf) creates the same maps we decode. */
    @Test
    void shouldCreateTheSameMapsInTheKernelAsTheLoaderDecodes() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());
        assumeTrue(!Files.exists(Path.of("/sys/fs/bpf/pinned_marks")), "/sys/fs/bpf/pinned_marks already exists");
        BpfObject ours = ObjectLoader.load(BTF_MAPS, LoadOptions.of(new RecordingMapProvider()));

        for (BpfProgram program : ours.programs()) {
            try (KernelProgram p = KernelBpf.load(BTF_MAPS, program.name(), null)) {
                // libbpf also binds .rodata to every program; the maps the code uses must all be there.
                java.util.Set<String> expected = new java.util.TreeSet<>();
                program.maps().forEach(m -> expected.add(m.name()));
                expected.add("btf_maps.rodata");
                assertThat(p.maps()).extracting(KernelMap::name).as(program.name())
                        .containsExactlyInAnyOrderElementsOf(expected);
                for (BpfMap m : program.maps()) {
                    MapDefinition d = m.definition();
                    KernelMap k = p.map(d.name());
                    assertThat(k.type()).as(d.name()).isEqualTo(d.type().name().toLowerCase(Locale.ROOT));
                    assertThat(new int[] {k.keySize(), k.valueSize(), k.maxEntries(), k.flags()}).as(d.name())
                            .containsExactly(d.keySize(), d.valueSize(), d.maxEntries(), d.flags());
                }
            }
        }
    }

    @Test
    void shouldReadAndWriteTheProgramsMapsInTheKernel() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());
        assumeTrue(!Files.exists(Path.of("/sys/fs/bpf/pinned_marks")), "/sys/fs/bpf/pinned_marks already exists");
        byte[] zero = new byte[4];

        try (KernelProgram in = KernelBpf.load(BTF_MAPS, "count_in", null)) {
            in.run(ipv4Packet(), SkbContext.empty());

            byte[] data = in.map("btf_maps.data").lookup(zero);
            assertThat(Arrays.copyOf(data, 4)).as("packets_seen went from 7 to 8").containsExactly(8, 0, 0, 0);
            byte[] hits = in.map("percpu_hits").lookup(zero);
            long total = 0;
            for (int cpu = 0; cpu < hits.length / 8; cpu++) {
                total += hits[cpu * 8];
            }
            assertThat(total).as("one hit on whichever CPU ran it").isEqualTo(1);
        }
        try (KernelProgram flow = KernelBpf.load(BTF_MAPS, "track_flow", null)) {
            flow.map("pinned_marks").update(new byte[] {10, 0, 0, 2}, new byte[] {0, 0x10, 0, 0});

            RunResult r = flow.run(ipv4Packet(), new SkbContext(5, 0, null));

            assertThat(r.context().mark()).isEqualTo(0x102 + 0x1000);
            assertThat(flow.map("flows").maxEntries()).isEqualTo(1024);
        }
    }

    /** r0 = skb->len; r0 += 100; exit */
    private static final long[] LEN_PLUS_100 = {
        Insn.make(0x61, 0, 1, 0, 0),
        Insn.make(0x07, 0, 0, 0, 100),
        Insn.make(0x95, 0, 0, 0, 0)};

    @Test
    void shouldRunRawInstructionsInTheKernel() {
        assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason());

        try (KernelProgram p = KernelBpf.loadInsns("len_plus", ProgramType.LWT_OUT, LEN_PLUS_100)) {
            assertThat(p.run(ipv4Packet(), SkbContext.empty()).retval()).isEqualTo(128);
        }
        Verdict v = KernelBpf.verifyInsns("no_exit", ProgramType.LWT_IN, new long[] {Insn.make(0xb7, 0, 0, 0, 1)});
        assertThat(v.accepted()).isFalse();
        assertThat(v.verifierLog()).containsAnyOf("last insn is not an exit or jmp", "jump out of range");
    }

    @Test
    void shouldWriteRawObjectsTheLoaderReadsBack() {
        byte[] obj = RawProgramObject.of("len_plus", ProgramType.LWT_OUT, LEN_PLUS_100);

        BpfObject loaded = ObjectLoader.load(Path.of("raw.o"), obj, LoadOptions.of(new RecordingMapProvider()));

        BpfProgram p = loaded.program("len_plus").orElseThrow();
        assertThat(p.section()).isEqualTo("lwt_out");
        assertThat(p.type()).isEqualTo(ProgramType.LWT_OUT);
        assertThat(p.insns()).containsExactly(LEN_PLUS_100);
        assertThat(loaded.license()).isEqualTo("GPL");
    }

    @Test
    void shouldHideOtherProgramSectionsFromLibbpf() throws Exception {
        byte[] copy = KernelBpf.onlySectionOf(BTF_MAPS, "count_out");
        ElfFile elf = ElfFile.parse("copy", copy);

        assertThat(elf.sections()).filteredOn(ElfSection::isExecutable).extracting(ElfSection::name)
                .containsExactly(".text", "lwt_out");
        assertThat(elf.section("lwt_in")).as("still there, as data").isPresent();
        assertThat(elf.symbols()).extracting(s -> s.name()).contains("count_in", "track_flow", "flows");
    }
}
