package io.lwtemu.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.lwtemu.cli.CliRun.lwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BpfDumpCommandTest {
    private static final String OBJDUMP = "llvm-objdump-19";
    /** An instruction line in llvm-objdump's layout: index, colon, tab, text. */
    private static final Pattern INSN = Pattern.compile("^\\s*(\\d+):\\t(.*)$");
    private static final Pattern LD_IMM64 = Pattern.compile("^(r\\d+) = .* ll$");

    @Test
    void shouldListProgramsMapsAndDisassembly() {
        CliRun r = CliRun.of("bpf", "dump", lwt("counters.o"));

        assertThat(r.status()).isZero();
        assertThat(r.out())
                .contains("license \"GPL\"")
                .containsPattern("lwt_out +count +type lwt_out +51 insns")
                .containsPattern("pkts +type hash +key +4B +value +8B +max_entries 1024")
                .containsPattern("bytes +type percpu_array")
                .contains("Disassembly of section lwt_out:")
                .contains("0000000000000000 <count>:")
                .contains("       0:\tbf 16 00 00 00 00 00 00\tr6 = r1")
                .contains("      14:\t18 11 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = map[pkts] ll")
                .contains("      50:\t95 00 00 00 00 00 00 00\texit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"counters.o", "ipip_encap.o", "rewrite_daddr_csum.o", "csum_diff.o", "lpm.o"})
    void shouldMatchLlvmObjdumpInstructionText(String object) throws Exception {
        assumeTrue(onPath(OBJDUMP), OBJDUMP + " is not installed");
        String path = lwt(object);
        List<String[]> ours = instructions(CliRun.of("bpf", "dump", "--no-show-raw-insn", path).out());
        List<String[]> llvm = instructions(objdump(path));

        assertThat(ours).hasSameSizeAs(llvm).isNotEmpty();
        for (int i = 0; i < llvm.size(); i++) {
            String[] l = llvm.get(i);
            String[] o = ours.get(i);
            assertThat(o[0]).as("index of line %d", i).isEqualTo(l[0]);
            Matcher ld = LD_IMM64.matcher(l[1]);
            if (o[1].contains(" = map[") && ld.matches()) {
                // Linking resolved a map reference that llvm-objdump shows unrelocated (r1 = 0x0 ll).
                assertThat(o[1]).as("insn %s", l[0]).startsWith(ld.group(1) + " = map[");
            } else {
                assertThat(o[1]).as("insn %s of %s", l[0], object).isEqualTo(l[1]);
            }
        }
    }

    @Test
    void shouldNameCalleesAndCallbacksOfLinkedSubprograms() {
        CliRun r = CliRun.of("bpf", "dump", "--no-show-raw-insn", CliRun.LOADER.resolve("subprogs.o").toString());

        assertThat(r.status()).isZero();
        assertThat(r.out())
                .contains("0000000000000080 <loop_step>:")
                .contains("       6:\tr2 = <loop_step> ll")
                .contains("      12:\tcall 0x8 <global_mix>")
                .contains("      22:\tcall 0x2 <twice_add3>")
                .contains("      25:\tcall 0x2 <add3>");
        assertThat(r.out().split("Disassembly of section lwt_out:", -1)).as("one header per section").hasSize(2);
    }

    @Test
    void shouldFailWithOneLineForABadObject() throws Exception {
        Path notElf = Files.createTempFile("not-elf", ".o");
        try {
            Files.writeString(notElf, "hello");
            CliRun r = CliRun.of("bpf", "dump", notElf.toString());

            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err().lines()).singleElement().asString().startsWith("lwtemu bpf dump: ")
                    .contains(notElf.toString());
        } finally {
            Files.delete(notElf);
        }
    }

    @Test
    void shouldGiveAUsageErrorWithoutAnObject() {
        CliRun r = CliRun.of("bpf", "dump");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter").contains("F.o");
    }

    private static List<String[]> instructions(String listing) {
        List<String[]> out = new ArrayList<>();
        for (String line : listing.split("\n")) {
            Matcher m = INSN.matcher(line);
            if (m.matches()) {
                out.add(new String[] {m.group(1), m.group(2).strip()});
            }
        }
        return out;
    }

    private static String objdump(String path) throws Exception {
        Process p = new ProcessBuilder(OBJDUMP, "-d", "--no-show-raw-insn", path).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
