package io.lwtemu.ebpf.differential;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.kernel.KernelBpf;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.ProgramRejectedException;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel verifier and lwtemu's agree on accept/reject for every program of the LWT, e2e and loader test
 * objects that lwtemu can load; for the rejected ones, both logs name the same reason.
 */
class VerifierAgreementTest {
    private static final Path BPF = Path.of("src/test/bpf");

    /** Reason the kernel and lwtemu both give for each rejected program of e2e/rejects.o. */
    private static final Map<String, String> REASONS = Map.of(
            "pkt_no_bounds", "invalid access to packet",
            "pkt_write_in", "cannot write into packet",
            "tc_classid", "invalid bpf_context access",
            "store_bytes_in", "cannot use helper bpf_skb_store_bytes",
            "push_encap_out", "cannot use helper bpf_lwt_push_encap",
            "null_deref", "map_value_or_null",
            "value_oob", "invalid access to map value",
            "uninit_key", "invalid read from stack");

    /**
     * Programs lwtemu's verifier refuses although Linux 6.18 (loading as root) accepts them; kept out of the
     * main comparison and checked by the disabled test below until the verifier follows the kernel.
     */
    private static final Set<String> KNOWN_MISMATCHES = Set.of("rejects.o uninit_key", "rejects.o array_const_key",
            "reject_uninit_key.o uninit_key"); // the last from the verifier branch's test objects

    @TestFactory
    Stream<DynamicTest> shouldAcceptAndRejectTheSameProgramsAsTheKernel() throws IOException {
        return programs().stream().filter(t -> !KNOWN_MISMATCHES.contains(t.name()))
                .map(t -> DynamicTest.dynamicTest(t.name(), () -> compare(t.object(), t.program())));
    }

    @Disabled("reason: verifier mismatch with Linux 6.18 as root: (1) uninit_key: the kernel lets privileged "
            + "loaders read uninitialised stack (env->allow_uninit_stack), lwtemu says 'invalid read from stack'; "
            + "(2) array_const_key: the kernel marks an ARRAY lookup with a constant in-range key as non-NULL, "
            + "lwtemu says 'invalid mem access map_value_or_null' (owner: verifier)")
    @TestFactory
    Stream<DynamicTest> shouldAgreeWithTheKernelOnPrivilegedRelaxations() throws IOException {
        return programs().stream().filter(t -> KNOWN_MISMATCHES.contains(t.name()))
                .map(t -> DynamicTest.dynamicTest(t.name(), () -> compare(t.object(), t.program())));
    }

    private record ProgramCase(Path object, BpfProgram program) {
        String name() {
            return object.getFileName() + " " + program.name();
        }
    }

    private static List<ProgramCase> programs() throws IOException {
        List<Path> objects = new ArrayList<>();
        for (String dir : List.of("lwt", "e2e", "verifier")) {
            Path d = BPF.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.toString().endsWith(".o")).sorted().forEach(objects::add);
                }
            }
        }
        objects.add(BPF.resolve("loader/kernel_xmit.o"));
        List<ProgramCase> out = new ArrayList<>();
        for (Path object : objects) {
            LoadedObject emu;
            try {
                emu = new BpfRuntime(2, new PinNamespace()).open(object, null);
            } catch (BpfLoadException e) {
                continue; // objects lwtemu refuses to load (unsupported features) are the loader tests' business
            }
            for (BpfProgram p : emu.programs()) {
                out.add(new ProgramCase(object, p));
            }
        }
        return out;
    }

    private static void compare(Path object, BpfProgram program) {
        assumeTrue(KernelBpf.available(), "kernel BPF needed for verifier agreement: " + KernelBpf.unavailableReason());
        KernelBpf.Verdict kernel = KernelBpf.verify(object, program.name(), null);
        String emuError = null;
        try {
            new BpfRuntime(2, new PinNamespace()).open(object, null).prepare(program);
        } catch (ProgramRejectedException e) {
            emuError = e.getMessage();
        }
        assertThat(emuError == null).as(object + " " + program.name() + ": lwtemu accepts (" + emuError
                + ") iff the kernel does (kernel log tail: " + tail(kernel.verifierLog()) + ")")
                .isEqualTo(kernel.accepted());
        String reason = REASONS.get(program.name());
        if (reason != null && object.getFileName().toString().equals("rejects.o")) {
            assertThat(kernel.verifierLog()).as("kernel reason").contains(reason);
            assertThat(emuError).as("lwtemu reason").contains(reason);
        }
    }

    private static String tail(String log) {
        if (log == null) {
            return "";
        }
        String[] lines = log.strip().split("\n");
        return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }
}
