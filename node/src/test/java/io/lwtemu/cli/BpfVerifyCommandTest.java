package io.lwtemu.cli;

import org.junit.jupiter.api.Test;

import static io.lwtemu.cli.CliRun.lwt;
import static org.assertj.core.api.Assertions.assertThat;

class BpfVerifyCommandTest {
    @Test
    void shouldPrintOkForEveryProgram() {
        CliRun r = CliRun.of("bpf", "verify", lwt("drop_all.o"));

        assertThat(r.status()).isZero();
        assertThat(r.out().lines()).hasSize(3)
                .allMatch(l -> l.matches("lwt_\\w+ \\(drop_\\w+\\): ok, \\d+ insns, \\d+ processed"));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void shouldRejectAnUncheckedPacketReadNamingTheInstruction() {
        CliRun r = CliRun.of("bpf", "verify", CliRun.LOADER.resolve("kernel_xmit.o").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("lwt_xmit (mark_and_tos): ok")
                .contains("lwt_xmit/unchecked (unchecked_read): REJECTED: insn 1: invalid access to packet");
        assertThat(r.err()).contains("1 of 2 program(s) rejected");
    }

    @Test
    void shouldPrintTheVerifierLogWithV() {
        CliRun quiet = CliRun.of("bpf", "verify", CliRun.LOADER.resolve("kernel_xmit.o").toString());
        CliRun verbose = CliRun.of("bpf", "verify", "-v", CliRun.LOADER.resolve("kernel_xmit.o").toString());

        assertThat(verbose.status()).isEqualTo(1);
        assertThat(verbose.out().lines().count()).isGreaterThan(quiet.out().lines().count());
    }

    @Test
    void shouldVerifyAsTheGivenType() {
        CliRun r = CliRun.of("bpf", "verify", "--type", "lwt_in", CliRun.LOADER.resolve("custom_section.o").toString());

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("my_router_prog (custom): ok");
    }

    @Test
    void shouldNameTheUnknownType() {
        CliRun r = CliRun.of("bpf", "verify", "--type", "kprobe", lwt("drop_all.o"));

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString().contains("unknown program type 'kprobe'");
    }
}
