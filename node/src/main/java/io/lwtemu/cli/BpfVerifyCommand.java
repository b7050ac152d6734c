package io.lwtemu.cli;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgramRejectedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lwtemu bpf verify F.o}: loads and verifies every program; non-zero exit when any is rejected. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Load and verify every program of an object; exit 1 if any is rejected.")
public final class BpfVerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "F.o", description = "BPF object file.")
    Path object;

    @Option(names = "--type", paramLabel = "T", description = "Verify every program as this type.")
    String type;

    @Option(names = {"-v", "--log"}, description = "Print the verifier log of rejected programs.")
    boolean log;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadedObject obj = BpfCommand.open(object, type);
        int rejected = 0;
        for (BpfProgram p : obj.programs()) {
            try {
                LoadedProgram lp = obj.prepare(p);
                out.printf("%s (%s): ok, %d insns, %d processed%n", p.section(), p.name(), p.length(),
                        lp.verification().processedInsns());
            } catch (ProgramRejectedException e) {
                rejected++;
                out.printf("%s (%s): REJECTED: %s%n", p.section(), p.name(), e.getCause().getMessage());
                if (log) {
                    e.log().forEach(line -> out.println("    " + line));
                }
            }
        }
        out.flush();
        if (rejected > 0) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(spec.qualifiedName() + ": " + object + ": " + rejected + " of " + obj.programs().size()
                    + " program(s) rejected");
            err.flush();
            return 1;
        }
        return 0;
    }
}
