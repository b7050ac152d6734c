package io.lwtemu.ebpf.conformance;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every vector of the bpf_conformance suite (ISA v1–v4) through the interpreter and the JIT. */
class ConformanceVectorsTest {

    static Stream<Arguments> vectors() throws IOException {
        List<Arguments> list = new ArrayList<>();
        try (InputStream in = ConformanceVectorsTest.class.getResourceAsStream("/bpf_conformance/vectors.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                long r0 = Long.parseUnsignedLong(f[3].trim().replaceFirst("^0x", ""), 16);
                list.add(Arguments.of(f[0], f[1], f[2], r0, false));
                list.add(Arguments.of(f[0] + " [jit]", f[1], f[2], r0, true));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldProduceExpectedR0(String name, String program, String memory, long expected, boolean jit) {
        long r0 = ConformancePlugin.execute(ConformancePlugin.parseHex(program), ConformancePlugin.parseHex(memory), jit);
        assertThat(Long.toHexString(r0)).as(name).isEqualTo(Long.toHexString(expected));
    }

    @org.junit.jupiter.api.Test
    void shouldShipAllVectors() throws IOException {
        assertThat(vectors().count()).isEqualTo(2 * 313);
    }
}
