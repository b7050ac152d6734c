package io.lwtemu.cli;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Disassembler;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.isa.Opcodes;
import io.lwtemu.ebpf.loader.ProgramFunction;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.runtime.LoadedObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lwtemu bpf dump F.o}: programs, maps and the disassembly of each linked program.
 *
 * <p>The listing has {@code llvm-objdump -d}'s layout and instruction syntax, so the two can be diffed;
 * what differs is what linking changed: map references show as {@code r1 = map[NAME] ll} (llvm-objdump
 * shows the unrelocated {@code r1 = 0x0 ll}), callback addresses show the function ({@code r2 = <cb> ll}), local
 * calls carry their callee ({@code call 0x8 <f>}; llvm-objdump shows {@code call -0x1} before relocation), and
 * subprograms follow their caller as in the loaded program.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Show an object's programs, maps and disassembly (llvm-objdump syntax).")
public final class BpfDumpCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "F.o", description = "BPF object file.")
    Path object;

    @Option(names = "--type", paramLabel = "T", description = "Program type for sections without a known prefix.")
    String type;

    @Option(names = "--no-show-raw-insn", description = "Leave out the instruction bytes (as llvm-objdump).")
    boolean noRawInsn;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadedObject obj = BpfCommand.open(object, type);
        out.println(object + ": license \"" + obj.object().license() + "\"");
        out.println();
        out.println("Programs:");
        for (BpfProgram p : obj.programs()) {
            out.printf("  %-28s %-20s type %-14s %5d insns%n", p.section(), p.name(),
                    p.type().name().toLowerCase(Locale.ROOT), p.length());
        }
        out.println();
        out.println("Maps:");
        if (obj.maps().isEmpty()) {
            out.println("  (none)");
        }
        for (BpfMap m : obj.maps().values()) {
            MapDefinition d = m.definition();
            out.printf("  %-20s type %-16s key %4dB  value %5dB  max_entries %-8s flags 0x%x%s%n", d.name(),
                    d.type().name().toLowerCase(Locale.ROOT), d.keySize(), d.valueSize(),
                    Integer.toUnsignedString(d.maxEntries()), d.flags(),
                    d.pinning() == MapDefinition.PIN_BY_NAME ? "  pinned by name" : "");
        }
        String section = null;
        for (BpfProgram p : obj.programs()) {
            if (!p.section().equals(section)) {
                section = p.section();
                out.println();
                out.println("Disassembly of section " + section + ":");
            }
            listing(out, p, obj.object().functions(p));
        }
        out.flush();
        return 0;
    }

    private void listing(PrintWriter out, BpfProgram p, List<ProgramFunction> functions) {
        long[] insns = p.insns();
        for (int pc = 0; pc < insns.length; pc++) {
            for (ProgramFunction f : functions) {
                if (f.offset() == pc) {
                    out.println();
                    out.printf("%016x <%s>:%n", pc * 8L, f.name());
                }
            }
            boolean wide = Insn.isLdImm64(insns[pc]) && pc + 1 < insns.length;
            StringBuilder line = new StringBuilder(String.format("%8d:\t", pc));
            if (!noRawInsn) {
                line.append(bytes(insns[pc]));
                if (wide) {
                    line.append(' ').append(bytes(insns[pc + 1]));
                }
                line.append('\t');
            }
            line.append(wide ? ldImm64(p, insns, pc, functions) : instruction(insns, pc, p.name(), functions));
            out.println(line);
            if (wide) {
                pc++;
            }
        }
    }

    private static final Pattern LABEL = Pattern.compile("<[^<>+]+\\+0x([0-9a-f]+)>");

    /**
     * One instruction as the Disassembler writes it, with jump labels relative to the function that holds
     * the target (llvm-objdump's {@code <function+0xBYTES>}) and local calls naming their callee.
     */
    private static String instruction(long[] insns, int pc, String entry, List<ProgramFunction> functions) {
        String text = Disassembler.format(insns, pc, entry);
        Matcher m = LABEL.matcher(text);
        if (m.find()) {
            text = text.substring(0, m.start()) + label(functions, (int) (Long.parseLong(m.group(1), 16) / 8))
                    + text.substring(m.end());
        }
        long insn = insns[pc];
        if (Insn.opcode(insn) == (Opcodes.BPF_JMP | Opcodes.BPF_CALL) && Insn.src(insn) == Opcodes.BPF_PSEUDO_CALL) {
            text += " " + label(functions, pc + Insn.imm(insn) + 1);
        }
        return text;
    }

    /** {@code <function>} or {@code <function+0xBYTES>} for instruction {@code target} of the linked program. */
    private static String label(List<ProgramFunction> functions, int target) {
        for (ProgramFunction f : functions) {
            if (target >= f.offset() && target < f.offset() + f.length()) {
                int bytes = (target - f.offset()) * 8;
                return "<" + f.name() + (bytes == 0 ? "" : "+0x" + Integer.toHexString(bytes)) + ">";
            }
        }
        return "<" + target + ">";
    }

    /**
     * Map loads by name and callback addresses by function, as the linker resolved them; plain 64-bit
     * constants in llvm-objdump's form.
     */
    private static String ldImm64(BpfProgram p, long[] insns, int pc, List<ProgramFunction> functions) {
        long insn = insns[pc];
        int src = Insn.src(insn);
        int imm = Insn.imm(insn);
        if (src == Opcodes.BPF_PSEUDO_FUNC) {
            return "r" + Insn.dst(insn) + " = " + label(functions, pc + imm + 1) + " ll";
        }
        if ((src == Opcodes.BPF_PSEUDO_MAP_FD || src == Opcodes.BPF_PSEUDO_MAP_VALUE)
                && imm >= 0 && imm < p.maps().size()) {
            String name = p.maps().get(imm).definition().name();
            String r = "r" + Insn.dst(insn) + " = map[" + name + "]";
            if (src == Opcodes.BPF_PSEUDO_MAP_VALUE) {
                r += " + 0x" + Integer.toHexString(Insn.imm(insns[pc + 1]));
            }
            return r + " ll";
        }
        return instruction(insns, pc, p.name(), functions);
    }

    private static String bytes(long insn) {
        StringBuilder sb = new StringBuilder(23);
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", (insn >>> (8 * i)) & 0xff));
        }
        return sb.toString();
    }
}
