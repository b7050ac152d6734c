package io.lwtemu.ebpf.conformance;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the plugin the way bpf_conformance_runner does: memory in argv[1], program on stdin. */
class ConformancePluginTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** "b7000000..." -> "b7  00  00 ..." as the runner formats bytes. */
    private static String spaced(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                sb.append("  ");
            }
            sb.append(hex, i, i + 2);
        }
        return sb.toString();
    }

    private int plugin(String program, String... args) {
        return ConformancePlugin.run(args, new ByteArrayInputStream((program + "\n").getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void shouldPrintR0InHexForProgramWithoutMemory() {
        // add: r0 = 0; r1 = 2; w0 += 1; w0 += w1; exit -> 3
        int code = plugin(spaced("b400000000000000b40100000200000004000000010000000c100000000000009500000000000000"));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.US_ASCII).trim()).isEqualTo("3");
    }

    @Test
    void shouldPassMemoryFromFirstArgument() {
        // ldxh r0, [r1+2]; exit with memory aa bb cc dd -> 0xddcc
        int code = plugin(spaced("69100200000000009500000000000000"), spaced("aabbccdd"));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.US_ASCII).trim()).isEqualTo("ddcc");
    }

    @Test
    void shouldPrintNegativeResultsAsSixtyFourBitHex() {
        // r0 = -1; exit
        assertThat(plugin(spaced("b7000000ffffffff9500000000000000"))).isZero();
        assertThat(out.toString(StandardCharsets.US_ASCII).trim()).isEqualTo("ffffffffffffffff");
    }

    @Test
    void shouldFailWithMessageOnFault() {
        // r0 = *(u32 *)(r1 + 8) with 4 bytes of memory
        int code = plugin(spaced("61100800000000009500000000000000"), spaced("01020304"));
        assertThat(code).isNotZero();
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.US_ASCII)).contains("instruction 0").contains("outside memory");
    }

    @Test
    void shouldFailWithMessageOnBadInput() {
        assertThat(plugin("zz")).isNotZero();
        assertThat(err.toString(StandardCharsets.US_ASCII)).contains("not a hex byte string");
        err.reset();
        assertThat(plugin(spaced("ff00000000000000"))).isNotZero();
        assertThat(err.toString(StandardCharsets.US_ASCII)).contains("unknown opcode 0xff");
    }
}
