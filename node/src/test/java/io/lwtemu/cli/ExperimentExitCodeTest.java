package io.lwtemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.net.Network;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conservation check of {@code lwtemu experiment} and its exit status 3. Conservation is broken the way an
 * engine defect would break it, by an engine (an {@link Experiment.Driver}) that runs the network and then loses
 * track of one packet of the flow: its router counts it sent, nothing counts its outcome and no port holds it.
 */
class ExperimentExitCodeTest {
    private static final Path RING = Path.of("../topology-examples/experiments/ring-reroute.yaml");

    private static Experiment experiment() {
        return new Experiment(ScenarioLoader.load(RING), 1L, 200_000_000L, null, line -> { });
    }

    /** Runs the network, then counts one packet sent by h1 that nothing delivered, dropped or holds. */
    private static void runAndLoseOnePacket(Network net, long until) {
        net.runUntil(until);
        int flow = net.flowNames().indexOf("udp-h1-h2");
        net.router("h1").flows().countSent(flow, 1);
    }

    @Test
    void shouldReportConservationFailedWhenAPacketHasNoOutcome() throws Exception {
        ExperimentReport rep = experiment().run(ExperimentExitCodeTest::runAndLoseOnePacket);

        assertThat(rep.conserved).isFalse();
        assertThat(rep.conservation).contains("accounting identity violated").contains("flow udp-h1-h2: sent 401");
        assertThat(rep.summary()).contains("conservation FAILED");
    }

    @Test
    void shouldExitWith3AndSayWhyWhenConservationFails(@TempDir Path dir) throws Exception {
        ExperimentReport rep = experiment().run(ExperimentExitCodeTest::runAndLoseOnePacket);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = ExperimentCommand.finish(rep, dir, new PrintWriter(out), new PrintWriter(err));

        assertThat(status).isEqualTo(3);
        assertThat(err.toString()).startsWith("lwtemu: CONSERVATION FAILED: accounting identity violated");
        String json = Files.readString(dir.resolve("report.json"));
        assertThat(json).containsPattern("\"conservation\"\\s*:\\s*\\{\\s*\"ok\"\\s*:\\s*false");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("accounting identity violated");
    }

    @Test
    void shouldExitWith0WhenEveryPacketIsAccountedFor(@TempDir Path dir) throws Exception {
        ExperimentReport rep = experiment().run(Network::runUntil);
        StringWriter err = new StringWriter();

        int status = ExperimentCommand.finish(rep, dir, new PrintWriter(new StringWriter()), new PrintWriter(err));

        assertThat(rep.conserved).isTrue();
        assertThat(status).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void shouldExitWith0FromTheCommandLineForAShippedExperiment(@TempDir Path dir) {
        CliRun r = CliRun.of("experiment", RING.toString(), "--seed", "1", "--duration", "200ms", "--out",
                dir.toString(), "--sequential");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("conservation OK");
    }
}
