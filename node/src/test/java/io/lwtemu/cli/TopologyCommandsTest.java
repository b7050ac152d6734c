package io.lwtemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TopologyCommandsTest {
    private static final String EXAMPLE = "../topology-examples/ipip-3hop/topology.yaml";

    private record Result(int status, String out, String err) {}

    private static Result exec(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Lwtemu());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler(new Lwtemu.UserErrorHandler());
        int status = cli.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void shouldRunTheExampleOnActorsAndWriteTheJsonReport(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("r.json");
        Result r = exec("run", EXAMPLE, "--duration", "300ms", "--report", report.toString());
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.out).contains("== ipip-3hop: 0.300s of emulated time ==").contains("TOTAL");
        String json = Files.readString(report);
        assertThat(json).contains("\"totals\"").contains("\"sent\"").contains("\"delivered\"")
                .contains("\"dropped\"").contains("\"in_flight\"").contains("\"udp-h1-h2\"").contains("\"r1:eth1\"");
    }

    @Test
    void shouldShowRoutesLikeIpRoute() {
        Result r = exec("routes", EXAMPLE, "--router", "r1");
        assertThat(r.status).isZero();
        assertThat(r.out).contains("10.0.3.0/24 encap bpf xmit ipip_encap.o:[lwt_xmit/ipip] via 10.0.12.2 dev eth1")
                .contains("10.0.1.0/24 dev eth0 src 10.0.1.1");
    }

    @Test
    void shouldShowInterfaceCountersAfterTraffic() {
        Result r = exec("links", EXAMPLE, "--router", "r1", "--after", "10ms");
        assertThat(r.status).isZero();
        assertThat(r.out).contains("3: eth1: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1500").contains("RX:  bytes packets");
    }

    @Test
    void shouldDumpTheEncapCountersMap() {
        Result r = exec("maps", EXAMPLE, "--router", "r1", "--after", "10ms");
        assertThat(r.status).isZero();
        assertThat(r.out).contains("name encap_stats").contains("value (CPU 00):").contains("Found 1 element");
    }

    @Test
    void shouldTracerouteUntilTheDestinationAnswers() {
        // r1 -> r2 -> r3 by plain routes (the tunnel only carries 10.0.3.0/24).
        Result r = exec("traceroute", EXAMPLE, "--from", "h1", "10.0.23.3");
        assertThat(r.status).isZero();
        assertThat(r.out).contains(" 1  10.0.1.1 (10.0.1.1)").contains(" 2  10.0.12.2 (10.0.12.2)")
                .contains(" 3  10.0.23.3 (10.0.23.3)").doesNotContain(" 4 ");
    }

    @Test
    void shouldPingLikeIputilsAndFailWithoutReplies() {
        Result r = exec("ping", EXAMPLE, "--from", "h1", "10.0.23.3", "-c", "2");
        assertThat(r.status).isZero();
        assertThat(r.out).contains("2 packets transmitted, 2 received, 0% packet loss");
        Result none = exec("ping", EXAMPLE, "--from", "h1", "10.0.77.7", "-c", "1");
        assertThat(none.status).isEqualTo(1);
    }

    @Test
    void shouldTraceEveryHopWithTheBpfVerdict() {
        Result r = exec("ping", EXAMPLE, "--from", "h1", "10.0.3.2", "-c", "1", "--trace");
        assertThat(r.out).contains("r1     h1#1       flow 1: lwt xmit ipip_encap.o:[lwt_xmit/ipip] -> BPF_OK (len 84 -> 104)")
                .contains("r2     h1#1       flow 1: forwarded dev eth1  [IP 10.0.12.1 > 10.0.23.3 ipip ttl 63 len 104]");
    }

    @Test
    void shouldReportTopologyMistakesWithFileLineAndColumn(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "nodes:\n  r1:\n    interfaces: {eth0: {}}\n    config: |\n      ip route add 10.0.0.0/8 dev eth7\n");
        Result r = exec("run", bad.toString());
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("bad.yaml:5:7: node r1: Cannot find device \"eth7\"");
    }
}
