package io.lwtemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark command's workload and report, on tiny runs (no timing is asserted). */
class BenchCommandTest {
    private static final String OBJ = "../topology-examples/ipip-3hop/ipip_encap.o";

    @Test
    void shouldDeliverEveryChainPacketThroughTheTunnelOnActors() {
        CliRun r = CliRun.of("bench", "chain", "--packets", "3000", "--warmup", "1000", "--obj", OBJ);

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("BPF IPIP encap at r1").contains("engine actors")
                .contains("M packets/s").contains("B/packet")
                .contains("accounting: sent 4000 = delivered 4000 + dropped 0 + in flight 0");
    }

    @Test
    void shouldGiveTheSameCountsSequentiallyAndWithoutEncap() {
        CliRun r = CliRun.of("bench", "chain", "--engine", "sequential", "--hops", "5", "--encap", "none",
                "--packets", "2000", "--warmup", "0");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("r1 - r2 - r3 - r4 - r5").contains("plain IPv4 forwarding")
                .contains("measured: 2000 packets delivered to h2")
                .contains("accounting: sent 2000 = delivered 2000 + dropped 0 + in flight 0");
    }

    @Test
    void shouldEncapsulateAtTheFirstRouterAndDecapsulateAtTheLast(@TempDir Path tmp) throws Exception {
        CliRun r = CliRun.of("bench", "chain", "--hops", "4", "--packets", "10", "--warmup", "0", "--obj", OBJ,
                "--keep", tmp.toString());

        assertThat(r.status()).as(r.err()).isZero();
        String yaml = Files.readString(tmp.resolve("topology.yaml"));
        assertThat(yaml).contains("ip route add 10.0.3.0/24 encap bpf xmit obj ipip_encap.o section lwt_xmit/ipip")
                .contains("ip link add tun0 type ipip local 10.0.23.3 remote 10.0.12.1");
        assertThat(r.out()).contains("ipip decap at r4").contains("delivered 10 +");
    }

    @Test
    void shouldRejectAChainTooShortForTheTunnel() {
        CliRun r = CliRun.of("bench", "chain", "--hops", "2", "--packets", "10", "--obj", OBJ);

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--hops/--routers must be >= 3").doesNotContain("Exception");
    }

    @Test
    void shouldStartAGeneratedTopologyAndTimeItsPhases() {
        CliRun r = CliRun.of("bench", "startup", "--routers", "30", "--obj", OBJ);

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("30 routers + 2 hosts, 31 links").contains("load (YAML")
                .contains("build (FIBs, BPF)").contains("actors up, all ticked").contains("total")
                .contains("actor system (waited)").contains("programs verified");
    }

    @Test
    void shouldStartTheActorSystemAfterTheBuildWhenAsked() {
        CliRun r = CliRun.of("bench", "startup", "--routers", "10", "--obj", OBJ, "--no-overlap");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("actor system started after the build").contains("actor system started ");
    }
}
