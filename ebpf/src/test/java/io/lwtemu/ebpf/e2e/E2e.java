package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.ebpf.runtime.ProgTestRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One emulated host for end-to-end tests: a runtime with its own pin namespace and a runner on CPU 0. */
final class E2e {
    static final Path BPF_DIR = Path.of("src/test/bpf");

    final BpfRuntime runtime;
    final LwtRunner runner = new LwtRunner();
    final List<String> trace = new ArrayList<>();

    E2e() {
        this(new BpfRuntime(2, new PinNamespace()));
    }

    E2e(BpfRuntime runtime) {
        this.runtime = runtime;
        runner.context().trace = trace::add;
    }

    static Path object(String relative) {
        return BPF_DIR.resolve(relative);
    }

    LoadedObject open(String relative) {
        return runtime.open(object(relative), null);
    }

    /** Opens, verifies and prepares one program. */
    LoadedProgram prepare(String relative, String program) {
        return open(relative).prepare(program);
    }

    ProgTestRun.Output run(LoadedProgram program, byte[] packet) {
        return run(program, packet, 0);
    }

    ProgTestRun.Output run(LoadedProgram program, byte[] packet, int mark) {
        return ProgTestRun.run(program, new ProgTestRun.Input(packet, mark, 0, new int[5], 1), runner);
    }

    ProgTestRun.Output run(LoadedProgram program, ProgTestRun.Input in) {
        return ProgTestRun.run(program, in, runner);
    }
}
