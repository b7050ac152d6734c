package io.lwtemu.cli;

import io.lwtemu.ebpf.conformance.ConformancePlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lwtemu bpf conformance-plugin [MEMORY_HEX]}: the bpf_conformance runner's plugin protocol
 * (program bytes as hex on stdin, memory as hex in the last argument, r0 in hex on stdout).
 */
@Command(name = "conformance-plugin", mixinStandardHelpOptions = true,
        description = "Speak the bpf_conformance plugin protocol: program hex on stdin, memory hex as the "
                + "(last) argument, prints r0 in hex.")
public final class BpfConformancePluginCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MEMORY_HEX",
            description = "Memory block as hex bytes; the runner passes it last, after any plugin options.")
    List<String> arguments = List.of();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // The runner appends the memory after its --plugin_options words: only the last argument is memory.
        String[] args = arguments.isEmpty() ? new String[0] : new String[] {arguments.get(arguments.size() - 1)};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.US_ASCII);
             PrintStream e = new PrintStream(err, true, StandardCharsets.US_ASCII)) {
            rc = ConformancePlugin.run(args, System.in, o, e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.print(out.toString(StandardCharsets.US_ASCII));
        w.flush();
        PrintWriter ew = spec.commandLine().getErr();
        ew.print(err.toString(StandardCharsets.US_ASCII));
        ew.flush();
        return rc;
    }
}
