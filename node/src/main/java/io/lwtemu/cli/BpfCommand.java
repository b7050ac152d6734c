package io.lwtemu.cli;

import picocli.CommandLine.Command;

/** {@code lwtemu bpf ...}: work with BPF objects without a topology, like bpftool. */
@Command(name = "bpf",
        mixinStandardHelpOptions = true,
        description = "Run, inspect and verify BPF objects with lwtemu's eBPF runtime.",
        subcommands = {BpfRunCommand.class, BpfDumpCommand.class, BpfVerifyCommand.class,
                BpfConformancePluginCommand.class})
public final class BpfCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
