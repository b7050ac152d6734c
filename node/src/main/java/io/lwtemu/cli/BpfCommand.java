package io.lwtemu.cli;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import picocli.CommandLine.Command;

import java.nio.file.Path;

/** {@code lwtemu bpf ...}: work with BPF objects without a topology, like bpftool. */
@Command(name = "bpf",
        mixinStandardHelpOptions = true,
        description = "Run, inspect and verify BPF objects with lwtemu's eBPF runtime.",
        subcommands = {BpfRunCommand.class, BpfDumpCommand.class, BpfVerifyCommand.class,
                BpfConformancePluginCommand.class})
public final class BpfCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * Opens an object for inspection (dump, verify) in a throwaway one-CPU runtime; load errors and a bad
     * {@code --type} become one-line user errors.
     */
    static LoadedObject open(Path object, String type) {
        try {
            return new BpfRuntime(1).open(object, type == null ? null : ProgramType.parse(type));
        } catch (BpfLoadException | IllegalArgumentException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
