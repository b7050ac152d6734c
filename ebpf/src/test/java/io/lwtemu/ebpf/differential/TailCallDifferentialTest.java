package io.lwtemu.ebpf.differential;

import io.lwtemu.ebpf.e2e.Packets;
import io.lwtemu.ebpf.kernel.KernelBpf;
import io.lwtemu.ebpf.kernel.KernelBpf.KernelProgram;
import io.lwtemu.ebpf.kernel.KernelBpf.RunResult;
import io.lwtemu.ebpf.kernel.KernelBpf.SkbContext;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tail calls against the kernel. A prog array loses its entries when its last user reference goes (bpftool
 * exiting), so the test pins the kernel's map itself, then stores the program with {@code bpftool map update}.
 */
class TailCallDifferentialTest {
    private static final Path TAIL_LOOP = Path.of("src/test/bpf/e2e/tail_loop.o");

    @Test
    void shouldStopAfterAsManyTailCallsAsTheKernel() throws Exception {
        assumeTrue(KernelBpf.available(), "kernel BPF needed: " + KernelBpf.unavailableReason());
        byte[] ping = Packets.ping4();
        SkbContext in = new SkbContext(5, 0, new int[5]);
        RunResult k;
        try (KernelProgram kernel = KernelBpf.load(TAIL_LOOP, "loop", null)) {
            int mapId = kernel.map("jmp").id();
            Path mapPin = kernel.pinPath().resolveSibling("jmp_map_pin");
            try {
                bpftool("map", "pin", "id", String.valueOf(mapId), mapPin.toString());
                bpftool("map", "update", "id", String.valueOf(mapId), "key", "hex", "00", "00", "00", "00", "value",
                        "pinned", kernel.pinPath().toString());
                k = kernel.run(ping, in);
            } finally {
                Files.deleteIfExists(mapPin);
            }
        }
        LoadedObject emu = new BpfRuntime(2, new PinNamespace()).open(TAIL_LOOP, null);
        ProgTestRun.Output e = ProgTestRun.run(emu.prepare("loop"), new ProgTestRun.Input(ping, 5, 0, new int[5], 1));

        assertThat(k.context().mark()).as("kernel: 5 + 1 run + 33 tail calls").isEqualTo(39);
        assertThat(e.mark()).isEqualTo(k.context().mark());
        assertThat(e.retval()).isEqualTo(k.retval());
        assertThat(e.packet()).isEqualTo(k.packet());
    }

    @Test
    void shouldTailCallIntoTheInitialSlotLikeTheKernel() throws Exception {
        assumeTrue(KernelBpf.available(), "kernel BPF needed: " + KernelBpf.unavailableReason());
        Path tailCall = Path.of("src/test/bpf/lwt/tail_call.o");
        byte[] udp6 = Packets.udp6(64);
        SkbContext in = new SkbContext(1, 2, new int[] {1, 2, 3, 4, 5});
        RunResult k;
        try (KernelProgram kernel = KernelBpf.load(tailCall, "entry", null)) {
            // stage2 shares entry's section, so the harness loaded and pinned it next to entry.
            Path stage2 = kernel.pinPath().resolveSibling("stage2");
            int mapId = kernel.map("jmp").id();
            Path mapPin = kernel.pinPath().resolveSibling("jmp_map_pin");
            try {
                bpftool("map", "pin", "id", String.valueOf(mapId), mapPin.toString());
                bpftool("map", "update", "id", String.valueOf(mapId), "key", "hex", "00", "00", "00", "00", "value",
                        "pinned", stage2.toString());
                k = kernel.run(udp6, in);
            } finally {
                Files.deleteIfExists(mapPin);
            }
        }
        LoadedObject emu = new BpfRuntime(2, new PinNamespace()).open(tailCall, null);
        ProgTestRun.Output e = ProgTestRun.run(emu.prepare("entry"),
                new ProgTestRun.Input(udp6, 1, 2, new int[] {1, 2, 3, 4, 5}, 1));

        assertThat(k.context().mark()).isEqualTo(0x77);
        assertThat(e.retval()).isEqualTo(k.retval());
        assertThat(e.mark()).isEqualTo(k.context().mark());
        assertThat(e.priority()).isEqualTo(k.context().priority());
        assertThat(e.cb()).containsExactly(k.context().cb());
        assertThat(e.packet()).isEqualTo(k.packet());
    }

    private static void bpftool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bpftool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
