package io.lwtemu.sim.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwtemu.cli.Lwtemu;
import io.lwtemu.node.experiment.ExperimentReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** report.json, timeline.csv and the command that writes them. */
class ExperimentOutputTest {
    @TempDir
    Path dir;

    private int cli(StringWriter out, StringWriter err, String... args) {
        CommandLine c = Lwtemu.commandLine();
        c.setOut(new PrintWriter(out));
        c.setErr(new PrintWriter(err));
        return c.execute(args);
    }

    @Test
    void shouldWriteTheReportsOfTheRingExperiment() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = cli(out, err, "experiment", Experiments.SHIPPED.resolve("ring-reroute.yaml").toString(), "--seed",
                "1", "--out", dir.toString(), "--sequential");

        assertThat(rc).as(err.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.get("seed").asLong()).isEqualTo(1);
        assertThat(j.at("/conservation/ok").asBoolean()).isTrue();
        assertThat(j.at("/totals/sent").asLong()).isEqualTo(j.at("/totals/delivered").asLong()
                + j.at("/totals/dropped").asLong() + j.at("/totals/in_flight").asLong());
        JsonNode f = j.at("/flows/udp-h1-h2");
        assertThat(f.get("sent").asLong()).isEqualTo(6000);
        assertThat(f.get("delivered").asLong() + f.get("dropped").asLong() + f.get("in_flight").asLong())
                .isEqualTo(6000);
        assertThat(f.at("/dropped_by_reason/link_down").asLong()).isEqualTo(f.get("dropped").asLong());
        assertThat(f.at("/latency_ms/p50").asDouble()).isBetween(2.0, 2.2);
        assertThat(f.at("/latency_ms/max").asDouble()).isBetween(4.0, 4.2);
        assertThat(f.at("/latency_ms/p99").asDouble()).isGreaterThanOrEqualTo(f.at("/latency_ms/p50").asDouble());
        long binned = 0;
        for (JsonNode bin : f.get("latency_distribution_ms")) {
            binned += bin.get(1).asLong();
        }
        assertThat(binned).isEqualTo(f.at("/latency_ms/count").asLong()).isEqualTo(f.get("delivered").asLong());
        assertThat(f.get("latency_distribution_ms")).hasSizeGreaterThan(10);
        // Back on the short path at 2 s, packets overtake those still on the long way round.
        assertThat(f.get("reordered").asLong()).isPositive();
        assertThat(f.get("duplicates").asLong()).isZero();
        JsonNode ev = j.get("events");
        assertThat(ev).hasSize(4);
        assertThat(ev.get(0).get("t_s").asDouble()).isEqualTo(1.0);
        assertThat(ev.get(0).get("fault").asText()).isEqualTo("link down r1:eth1");
        assertThat(ev.get(2).get("action").asText()).isEqualTo("heal");
        assertThat(j.at("/graph/links/1/faulty").asBoolean()).isTrue();
        assertThat(j.at("/graph/links/0/faulty").asBoolean()).isFalse();
        assertThat(out.toString()).contains("conservation OK");

        List<String> csv = Files.readAllLines(dir.resolve("timeline.csv"));
        assertThat(csv.get(0)).startsWith("t_start_s,t_end_s,sent,delivered,delivered_pps,delivered_mbps,dropped")
                .contains("drop_link_down").endsWith(",events");
        assertThat(csv).hasSize(1 + 32); // 3 s + 200 ms settle in 100 ms buckets
        assertThat(csv.get(11)).startsWith("1.000,1.100,200,").contains("inject link down r1:eth1");
        long dropped = 0;
        long delivered = 0;
        for (String row : csv.subList(1, csv.size())) {
            String[] c = row.split(",");
            delivered += Long.parseLong(c[3]);
            dropped += Long.parseLong(c[6]);
        }
        assertThat(delivered).isEqualTo(f.get("delivered").asLong());
        assertThat(dropped).isEqualTo(f.get("dropped").asLong());
        assertThat(dir.resolve("report.html")).isRegularFile();
    }

    @Test
    void shouldRefuseClusterFaultsInAnEmbeddedRunNamingTheLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = cli(out, err, "experiment", Experiments.SHIPPED.resolve("cluster-kill-partition.yaml").toString(),
                "--out", dir.toString(), "--embedded");

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("cluster-kill-partition.yaml:17:5: 'member kill m2' needs a cluster run")
                .doesNotContain("Exception");
    }

    @Test
    void shouldReportSamplesPerHundredMillisecondsInTheJson() throws Exception {
        ExperimentReport rep = Experiments.run(Experiments.chain(Experiments.PLAIN_ROUTE, "", Experiments.flow(3000),
                "- {at: 150ms, do: router pause r2 drop, for: 100ms}"));
        JsonNode t = new ObjectMapper().readTree(rep.toJsonString()).get("timeline");

        // 1 s + 200 ms settle
        assertThat(t).hasSize(12);
        assertThat(t.get(1).at("/drops/router_paused").asLong()).isEqualTo(500);
        assertThat(t.get(2).at("/drops/router_paused").asLong()).isEqualTo(500);
        assertThat(t.get(3).at("/drops/router_paused").asLong()).isZero();
        assertThat(t.get(1).get("events").get(0).asText()).isEqualTo("inject router pause r2 drop");
        assertThat(t.get(0).get("delivered_pps").asDouble()).isBetween(9000.0, 10000.0);
    }

    @Test
    void shouldRunAPlainTopologyAsABaselineWithoutFaults() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = cli(out, err, "experiment", "../topology-examples/ipip-3hop/topology.yaml", "--duration", "300ms",
                "--out", dir.toString(), "--sequential");

        assertThat(rc).as(err.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertThat(j.get("events")).isEmpty();
        assertThat(j.at("/conservation/ok").asBoolean()).isTrue();
        assertThat(j.at("/flows/udp-h1-h2/sent").asLong()).isEqualTo(3000);
        assertThat(j.at("/flows/udp-h1-h2/delivered").asLong()).isEqualTo(3000);
        assertThat(j.get("timeline")).hasSize(5);
    }
}
