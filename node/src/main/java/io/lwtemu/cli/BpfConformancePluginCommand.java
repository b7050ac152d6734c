package io.lwtemu.cli;

import io.lwtemu.ebpf.conformance.ConformancePlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code lwtemu bpf conformance-plugin [MEMORY_HEX]}: the bpf_conformance runner's plugin protocol
 * (program bytes on stdin, memory as the argument, r0 in hex on stdout).
 */
@Command(name = "conformance-plugin",
        description = "Speak the bpf_conformance plugin protocol: program hex on stdin, memory hex as the "
                + "argument, prints r0 in hex.")
public final class BpfConformancePluginCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MEMORY_HEX", description = "Memory block as hex bytes.")
    List<String> memory = List.of();

    @Override
    public Integer call() {
        String[] args = new String[memory.size() + 1];
        args[0] = "lwtemu-bpf-conformance-plugin";
        for (int i = 0; i < memory.size(); i++) {
            args[i + 1] = memory.get(i);
        }
        return ConformancePlugin.run(args, System.in, System.out, System.err);
    }
}
