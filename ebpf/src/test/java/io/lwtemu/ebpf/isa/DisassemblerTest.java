package io.lwtemu.ebpf.isa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compares the disassembly with llvm-objdump 19's: of every instruction form (resources/isa/all_encodings.*),
 * of a clang-compiled program (src/test/bpf/isa/disasm_sample*), and, when clang-19 is installed, of that
 * program compiled afresh.
 */
class DisassemblerTest {
    private static final Pattern HEADER = Pattern.compile("^[0-9a-f]+ <([^>]+)>:$");
    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+):\\t((?:[0-9a-f]{2} ?)+)\\t(.*)$");

    /** One disassembled instruction as llvm-objdump printed it. */
    record Line(String symbol, long[] insns, int pc, String text) {}

    /** Parses an objdump listing into instructions grouped per symbol (indexes relative to the symbol). */
    static List<Line> parse(String listing) {
        Map<String, List<String[]>> functions = new LinkedHashMap<>();
        String symbol = null;
        for (String raw : listing.split("\n")) {
            Matcher h = HEADER.matcher(raw);
            if (h.matches()) {
                symbol = h.group(1);
                functions.put(symbol, new ArrayList<>());
                continue;
            }
            Matcher m = LINE.matcher(raw);
            if (m.matches() && symbol != null) {
                functions.get(symbol).add(new String[] {m.group(2).trim(), m.group(3)});
            }
        }
        List<Line> lines = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> f : functions.entrySet()) {
            List<Long> words = new ArrayList<>();
            List<int[]> starts = new ArrayList<>();
            for (String[] l : f.getValue()) {
                String[] hex = l[0].split(" ");
                starts.add(new int[] {words.size()});
                for (int i = 0; i < hex.length; i += 8) {
                    long w = 0;
                    for (int b = 7; b >= 0; b--) {
                        w = (w << 8) | Integer.parseInt(hex[i + b], 16);
                    }
                    words.add(w);
                }
            }
            long[] insns = words.stream().mapToLong(Long::longValue).toArray();
            for (int i = 0; i < starts.size(); i++) {
                lines.add(new Line(f.getKey(), insns, starts.get(i)[0], f.getValue().get(i)[1]));
            }
        }
        return lines;
    }

    private static String resource(String name) throws IOException {
        try (var in = DisassemblerTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertSameAsObjdump(List<Line> lines) {
        assertThat(lines).isNotEmpty();
        for (Line l : lines) {
            assertThat(Disassembler.format(l.insns(), l.pc(), l.symbol()))
                    .as("%s+%d %016x", l.symbol(), l.pc(), l.insns()[l.pc()])
                    .isEqualTo(l.text());
        }
    }

    @Test
    void shouldMatchObjdumpForEveryInstructionForm() throws IOException {
        List<Line> plain = parse(resource("/isa/all_encodings.objdump.txt"));
        List<Line> v4 = parse(resource("/isa/all_encodings.v4.objdump.txt"));
        assertThat(plain).hasSameSizeAs(v4).hasSizeGreaterThan(150);
        List<Line> expected = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            boolean atomic32 = Insn.opcode(plain.get(i).insns()[plain.get(i).pc()]) == 0xc3;
            expected.add(atomic32 ? v4.get(i) : plain.get(i));
        }
        assertSameAsObjdump(expected);
    }

    @Test
    void shouldMatchObjdumpForCompiledProgram() throws IOException {
        for (String file : List.of("disasm_sample.objdump.txt", "disasm_sample.v4.objdump.txt")) {
            assertSameAsObjdump(parse(Files.readString(Path.of("src/test/bpf/isa", file))));
        }
    }

    @Test
    void shouldMatchObjdumpForFreshlyCompiledProgram(@TempDir Path tmp) throws Exception {
        assumeTrue(run(tmp, "clang-19", "--version") != null && run(tmp, "llvm-objdump-19", "--version") != null,
                "clang-19 and llvm-objdump-19 not installed");
        Path obj = tmp.resolve("sample.o");
        String compiled = run(tmp, "clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=v4", "-c",
                Path.of("src/test/bpf/isa/disasm_sample.c").toAbsolutePath().toString(), "-o", obj.toString());
        assertThat(compiled).isNotNull();
        String listing = run(tmp, "llvm-objdump-19", "-d", obj.toString());
        assertSameAsObjdump(parse(listing));
    }

    @Test
    void shouldListInstructionsWithIndexAndBytes() {
        long[] insns = {Insn.make(0xb7, 0, 0, 0, 42), Insn.make(0x18, 1, 0, 0, 1), Insn.make(0, 0, 0, 0, 2),
                Insn.make(0x95, 0, 0, 0, 0)};
        assertThat(Disassembler.listing("p", insns)).isEqualTo(
                "       0:\tb7 00 00 00 2a 00 00 00\tr0 = 0x2a\n"
                + "       1:\t18 01 00 00 01 00 00 00 00 00 00 00 02 00 00 00\tr1 = 0x200000001 ll\n"
                + "       3:\t95 00 00 00 00 00 00 00\texit\n");
    }

    /** Output of a command, or null when it cannot run or fails. */
    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
