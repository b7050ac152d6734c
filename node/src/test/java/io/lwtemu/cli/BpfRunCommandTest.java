package io.lwtemu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static io.lwtemu.cli.CliRun.PING_HEX;
import static io.lwtemu.cli.CliRun.lwt;
import static org.assertj.core.api.Assertions.assertThat;

class BpfRunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(CliRun r) throws Exception {
        assertThat(r.out().lines()).as("exactly one line of JSON: " + r.out()).hasSize(1);
        return JSON.readTree(r.out());
    }

    @Test
    void shouldPushTheOuterIpv4HeaderWithIpipEncap() throws Exception {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("ipip_encap.o"), "--section", "lwt_xmit",
                "--packet-hex", PING_HEX, "--json");

        assertThat(r.status()).isZero();
        JsonNode j = json(r);
        assertThat(j.get("retval").asLong()).isZero();
        assertThat(j.get("error").isNull()).isTrue();
        // 172.16.1.1 -> 172.16.2.1, proto 4 (IPIP), ttl 64, tot_len 104, header checksum 0x1f70.
        String outer = "45000068" + "00000000" + "40041f70" + "ac100101" + "ac100201";
        assertThat(j.get("packet_hex").asText()).isEqualTo(outer + PING_HEX);
        assertThat(j.fieldNames()).toIterable()
                .containsExactly("retval", "packet_hex", "mark", "priority", "cb", "duration_ns", "error");
        assertThat(j.get("cb")).hasSize(5);
    }

    @Test
    void shouldReturnBpfDropFromDropAll() throws Exception {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "drop_xmit",
                "--packet-hex", PING_HEX, "--json");

        assertThat(r.status()).isZero();
        assertThat(json(r).get("retval").asLong()).isEqualTo(2);
    }

    @Test
    void shouldSetMarkPriorityAndCbWithSetMarkCb() throws Exception {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("set_mark_cb.o"), "--section", "lwt_xmit",
                "--packet-hex", PING_HEX, "--mark", "5", "--json");

        JsonNode j = json(r);
        assertThat(j.get("mark").asLong()).isEqualTo(42);
        assertThat(j.get("priority").asLong()).isEqualTo(7);
        // A test run returns the cb the program wrote (unlike a real LWT hook, which restores it).
        assertThat(j.get("cb").get(1).asLong()).isEqualTo(84);
        assertThat(j.get("packet_hex").asText()).isEqualTo(PING_HEX);
    }

    @Test
    void shouldPrintLikeBpftoolProgRunWithoutJson() {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "drop_xmit",
                "--packet-hex", PING_HEX, "--repeat", "3");

        assertThat(r.status()).isZero();
        assertThat(r.out()).containsPattern("(?m)^Return value: 2, duration \\(average\\): \\d+ns$")
                .contains("packet (84 bytes):")
                .contains("  0000: 4500 0054 1234 4000 4001 0000 0a00 0001");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shouldReadThePacketFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ping.bin");
        Files.write(file, HexFormat.of().parseHex(PING_HEX));

        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "drop_out",
                "--packet", file.toString(), "--json");

        assertThat(json(r).get("retval").asLong()).isEqualTo(2);
    }

    @Test
    void shouldNameTheMissingObjectFile() {
        CliRun r = CliRun.of("bpf", "run", "--object", "no/such.o", "--section", "lwt_xmit", "--packet-hex", PING_HEX);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).singleElement().asString().startsWith("lwtemu bpf run: ").contains("no/such.o");
    }

    @Test
    void shouldListTheSectionsPresentWhenTheSectionIsMissing() {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "lwt_nope",
                "--packet-hex", PING_HEX);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString()
                .contains("'lwt_nope'").contains("lwt_in (drop_in)").contains("lwt_out (drop_out)")
                .contains("lwt_xmit (drop_xmit)");
    }

    @Test
    void shouldNameTheBadHexCharacter() {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "drop_xmit",
                "--packet-hex", "4500zz");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString()
                .isEqualTo("lwtemu bpf run: --packet-hex: 'z' at position 4 is not a hex digit");
    }

    @Test
    void shouldRejectAnUnknownProgramType() {
        CliRun r = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--section", "drop_xmit",
                "--type", "xdp", "--packet-hex", PING_HEX);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString().contains("unknown program type 'xdp'")
                .contains("lwt_xmit");
    }

    @Test
    void shouldReportAVerifierRejectionWithTheInstruction() {
        CliRun r = CliRun.of("bpf", "run", "--object", CliRun.LOADER.resolve("kernel_xmit.o").toString(),
                "--section", "unchecked_read", "--packet-hex", PING_HEX);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString()
                .contains("rejected by the verifier").contains("insn 1").contains("invalid access to packet");
    }

    @Test
    void shouldPutEveryErrorIntoTheJsonWithJson() throws Exception {
        String[][] cases = {
            {"--object", "no/such.o", "--section", "lwt_xmit", "--packet-hex", PING_HEX},
            {"--object", lwt("drop_all.o"), "--section", "lwt_nope", "--packet-hex", PING_HEX},
            {"--object", lwt("drop_all.o"), "--section", "drop_xmit", "--packet-hex", "4500zz"},
            {"--object", lwt("drop_all.o"), "--section", "drop_xmit", "--type", "xdp", "--packet-hex", PING_HEX},
            {"--object", CliRun.LOADER.resolve("kernel_xmit.o").toString(), "--section", "unchecked_read",
                "--packet-hex", PING_HEX},
        };
        for (String[] args : cases) {
            String[] full = new String[args.length + 3];
            full[0] = "bpf";
            full[1] = "run";
            System.arraycopy(args, 0, full, 2, args.length);
            full[full.length - 1] = "--json";

            CliRun r = CliRun.of(full);

            assertThat(r.status()).as(String.join(" ", args)).isEqualTo(1);
            JsonNode j = json(r);
            assertThat(j.get("error").asText()).isNotBlank();
            assertThat(j.get("retval").asLong()).isZero();
        }
    }

    @Test
    void shouldRunTailCallsSetUpOnTheCommandLine() throws Exception {
        String object = Path.of("src/test/bpf/tail_call_cli.o").toString();
        CliRun r = CliRun.of("bpf", "run", "--object", object, "--section", "entry",
                "--packet-hex", PING_HEX, "--tail-call", "jmp:0=stage2", "--json");

        assertThat(r.status()).as(r.out() + r.err()).isZero();
        JsonNode j = json(r);
        assertThat(j.get("retval").asLong()).isZero();
        assertThat(j.get("mark").asLong()).isEqualTo(0x77);

        CliRun empty = CliRun.of("bpf", "run", "--object", object, "--section", "entry",
                "--packet-hex", PING_HEX, "--json");
        assertThat(json(empty).get("retval").asLong()).as("BPF_DROP after a failed tail call").isEqualTo(2);

        CliRun bad = CliRun.of("bpf", "run", "--object", object, "--section", "entry",
                "--packet-hex", PING_HEX, "--tail-call", "nomap:0=stage2");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("no map named 'nomap'").contains("jmp");
    }

    @Test
    void shouldGiveAUsageErrorForBadArguments() {
        CliRun missing = CliRun.of("bpf", "run", "--object", lwt("drop_all.o"), "--packet-hex", PING_HEX);
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option").contains("--section");

        CliRun unknown = CliRun.of("bpf", "run", "--object", "x.o", "--section", "s", "--packet-hex", "00",
                "--bogus");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--bogus'").contains("Usage:");

        CliRun both = CliRun.of("bpf", "run", "--object", "x.o", "--section", "s", "--packet-hex", "00",
                "--packet", "p.bin");
        assertThat(both.status()).isEqualTo(2);
    }
}
