package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.FaultEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster experiments on three members m1, m2, m3 as actor systems in this JVM (routers dealt out over them, so
 * every link of the ring crosses members). The fault timeline reaches the routers on the members between the same
 * ticks as in one JVM: without member faults the report equals the embedded one, per flow, per packet (digest)
 * and per 100 ms of the timeline; partitions cut the same packets as the embedded data-plane cut; the same seed
 * gives the same numbers.
 */
class InProcessExperimentClusterTest {
    private static final Path EXAMPLES = Path.of("../topology-examples/experiments");
    private static final List<ClusterMember> MEMBERS = new ArrayList<>();
    private static int seedPort;

    @BeforeAll
    static void startCluster() {
        seedPort = TestCluster.freePort();
        MEMBERS.add(TestCluster.host("m1", seedPort, seedPort));
        MEMBERS.add(TestCluster.host("m2", TestCluster.freePort(), seedPort));
        MEMBERS.add(TestCluster.host("m3", TestCluster.freePort(), seedPort));
        TestCluster.awaitUp(MEMBERS.get(0), 3);
    }

    @AfterAll
    static void stopCluster() {
        MEMBERS.forEach(ClusterMember::close);
    }

    /** The ring of ring-reroute.yaml with a scenario of its own next to it. */
    private static Scenario scenario(Path dir, String faults) throws IOException {
        for (String f : List.of("ring-reroute.yaml", "reroute_on_down.o")) {
            Files.copy(EXAMPLES.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = dir.resolve("scenario.yaml");
        Files.writeString(file, """
                name: ring-on-three-members
                topology: ring-reroute.yaml
                seed: 11
                duration: 1200ms
                members: [m1, m2, m3]
                faults:
                """ + faults.indent(2));
        return ScenarioLoader.load(file);
    }

    private static ExperimentReport onCluster(Scenario sc) throws Exception {
        return ExperimentRuns.onCluster(sc, null, TestCluster.memberConfig("client", 0, seedPort), null);
    }

    @Test
    void shouldGiveTheEmbeddedReportWithLinkRouterProgramAndMapFaultsOnTheMembers(@TempDir Path dir)
            throws Exception {
        Scenario sc = scenario(dir, """
                - {at: 200ms, do: link down r1:eth1, for: 300ms}
                - at: 220ms
                  do: "r1: bpftool map update pinned /sys/fs/bpf/primary_down key hex 00 00 00 00 value hex 01 00 00 00"
                  for: 280ms
                - {at: 600ms, do: "link impair r2:eth1 delay 1ms 400us loss 10%", for: 300ms}
                - at: 700ms
                  do: "r1: prog swap 10.0.3.0/24 xmit obj reroute_on_down.o section lwt_xmit/reroute_on_down"
                - {at: 950ms, do: router crash r3, for: 100ms}
                - {at: 1000ms, do: "r2: ip route add 10.0.3.0/24 via 10.0.12.1 dev eth0 metric 5", for: 100ms}
                """);
        ExperimentReport embedded = new Experiment(sc, null, null, null, line -> { }).run(true);
        ExperimentReport cluster = onCluster(sc);

        assertThat(ExperimentRuns.perFlow(cluster)).isEqualTo(ExperimentRuns.perFlow(embedded));
        assertThat(cluster.digest).isEqualTo(embedded.digest);
        assertThat(cluster.events).extracting(FaultEvent::toString)
                .containsExactlyElementsOf(embedded.events.stream().map(FaultEvent::toString).toList());
        ExperimentReport.FlowResult f = cluster.flows.get("udp-h1-h2");
        assertThat(f.dropped()).containsKeys("link_down", "loss", "router_down");
        assertThat(f.latencyCount()).isEqualTo(f.delivered());
        assertThat(cluster.conserved).isTrue();
        cluster.write(dir.resolve("cluster"));
        embedded.write(dir.resolve("embedded"));
        assertThat(Files.readString(dir.resolve("cluster/timeline.csv")))
                .isEqualTo(Files.readString(dir.resolve("embedded/timeline.csv")));
    }

    @Test
    void shouldCutPartitionsOnTheMembersAsInOneJvmAndTheSameForTheSameSeed(@TempDir Path dir) throws Exception {
        Scenario sc = scenario(dir, """
                - {at: 100ms, do: partition halves, for: 200ms}
                - {at: 350ms, do: partition random-halves, for: 150ms}
                - {at: 550ms, do: partition isolate, for: 150ms}
                - {at: 750ms, do: "partition one-way m3 -> m1", for: 150ms}
                - {at: 950ms, do: partition majority}
                - {at: 1100ms, do: partition heal}
                """);
        ExperimentReport embedded = ExperimentRuns.embedded(sc, null);
        ExperimentReport first = onCluster(sc);
        ExperimentReport second = onCluster(sc);

        assertThat(first.flows.get("udp-h1-h2").dropped().get("partitioned")).isPositive();
        assertThat(ExperimentRuns.perFlow(first)).isEqualTo(ExperimentRuns.perFlow(embedded));
        assertThat(ExperimentRuns.perFlow(second)).isEqualTo(ExperimentRuns.perFlow(first));
        assertThat(first.conserved).isTrue();
    }

    @Test
    void shouldRunOnMembersTheUserStartedWithClusterAndRefuseMemberKillThere(@TempDir Path dir) throws Exception {
        Scenario partition = scenario(dir, "- {at: 300ms, do: partition halves, for: 300ms}");
        Path conf = dir.resolve("client.conf");
        Files.writeString(conf, TestCluster.memberConfig("someone", 0, seedPort).root()
                .render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = io.lwtemu.cli.Lwtemu.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int rc = cli.execute("experiment", partition.file().toString(), "--cluster", conf.toString(), "--out",
                dir.resolve("out").toString());

        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("on members m1, m2, m3").containsPattern("partitioned=\\d+")
                .contains("conservation OK");

        Path kill = dir.resolve("kill.yaml");
        Files.writeString(kill, Files.readString(partition.file()).replace("partition halves", "member kill m2"));
        StringWriter err2 = new StringWriter();
        cli.setErr(new PrintWriter(err2, true));
        rc = cli.execute("experiment", kill.toString(), "--cluster", conf.toString(), "--out",
                dir.resolve("out2").toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err2.toString()).contains("'member kill m2' needs members started by lwtemu experiment itself")
                .doesNotContain("Exception");
    }
}
