package io.lwtemu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The bpf_conformance plugin protocol: program hex on stdin, memory hex as the last argument, r0 hex out. */
class BpfConformancePluginCommandTest {
    private final InputStream stdin = System.in;

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    private static CliRun plugin(String programHex, String... args) {
        System.setIn(new ByteArrayInputStream((programHex + "\n").getBytes(StandardCharsets.US_ASCII)));
        String[] full = new String[args.length + 2];
        full[0] = "bpf";
        full[1] = "conformance-plugin";
        System.arraycopy(args, 0, full, 2, args.length);
        return CliRun.of(full);
    }

    @Test
    void shouldPrintR0InHex() {
        // mov r0, -1 ; exit
        CliRun r = plugin("b7000000ffffffff" + "9500000000000000");

        assertThat(r.status()).isZero();
        assertThat(r.out().strip()).isEqualTo("ffffffffffffffff");
    }

    @Test
    void shouldGiveTheProgramTheMemoryInR1() {
        // r0 = *(u32 *)(r1 + 4) ; exit, over 8 bytes of memory
        CliRun r = plugin("6110040000000000" + "9500000000000000", "0011223344556677");

        assertThat(r.status()).isZero();
        assertThat(r.out().strip()).isEqualTo("77665544");
    }

    @Test
    void shouldTakeTheMemoryFromTheLastArgument() {
        CliRun r = plugin("6110000000000000" + "9500000000000000", "extra", "78563412");

        assertThat(r.out().strip()).isEqualTo("12345678");
    }

    @Test
    void shouldFailOnAnEmptyProgram() {
        CliRun r = plugin("");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no program");
    }
}
