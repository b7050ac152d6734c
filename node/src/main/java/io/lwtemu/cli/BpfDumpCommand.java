package io.lwtemu.cli;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Disassembler;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.isa.Opcodes;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.ProgramFunction;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lwtemu bpf dump F.o}: programs, maps and the disassembly of each linked program.
 *
 * <p>The listing has {@code llvm-objdump -d}'s layout and instruction syntax, so the two can be diffed;
 * what differs is what linking changed: map references show as {@code r1 = map[NAME] ll} (llvm-objdump
 * shows the unrelocated {@code r1 = 0x0 ll}), and subprograms follow their caller as in the loaded program.
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
        LoadedObject obj;
        try {
            obj = new BpfRuntime(1).open(object, type == null ? null : ProgramType.parse(type));
        } catch (BpfLoadException | IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
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
        for (BpfProgram p : obj.programs()) {
            out.println();
            out.println("Disassembly of section " + p.section() + ":");
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
            line.append(wide ? ldImm64(p, insns, pc) : Disassembler.format(insns, pc, p.name()));
            out.println(line);
            if (wide) {
                pc++;
            }
        }
    }

    /** Map loads by name, as the linker resolved them; plain 64-bit constants in llvm-objdump's form. */
    private static String ldImm64(BpfProgram p, long[] insns, int pc) {
        long insn = insns[pc];
        int src = Insn.src(insn);
        int imm = Insn.imm(insn);
        if ((src == Opcodes.BPF_PSEUDO_MAP_FD || src == Opcodes.BPF_PSEUDO_MAP_VALUE)
                && imm >= 0 && imm < p.maps().size()) {
            String name = p.maps().get(imm).definition().name();
            String r = "r" + Insn.dst(insn) + " = map[" + name + "]";
            if (src == Opcodes.BPF_PSEUDO_MAP_VALUE) {
                r += " + 0x" + Integer.toHexString(Insn.imm(insns[pc + 1]));
            }
            return r + " ll";
        }
        return Disassembler.format(insns, pc, p.name());
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
