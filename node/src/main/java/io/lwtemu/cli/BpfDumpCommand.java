package io.lwtemu.cli;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Disassembler;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code lwtemu bpf dump F.o}: programs, maps and the disassembly of each linked program. */
@Command(name = "dump", description = "Show an object's programs, maps and disassembly (llvm-objdump syntax).")
public final class BpfDumpCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "F.o", description = "BPF object file.")
    Path object;

    @Option(names = "--type", paramLabel = "T", description = "Program type for sections without a known prefix.")
    String type;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        LoadedObject obj;
        try {
            obj = new BpfRuntime(1).open(object, type == null ? null : ProgramType.parse(type));
        } catch (BpfLoadException e) {
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
            out.println();
            out.printf("%016x <%s>:%n", 0, p.name());
            out.print(Disassembler.listing(p.name(), p.insns()));
        }
        return 0;
    }
}
