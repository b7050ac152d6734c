package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterProgress;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.net.Drops;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members as separate JVMs ({@code lwtemu node}) started by the test, the client in the test's JVM. The tests run
 * in order on one cluster: plain forwarding, a member joining, one leaving gracefully, one killed with SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessClusterTest {
    @TempDir
    static Path dir;
    private static final List<MemberProcess> MEMBERS = new ArrayList<>();
    private static ClusterMember client;
    private static int seed;
    private static Path chain;

    @BeforeAll
    static void startCluster() throws Exception {
        seed = TestCluster.freePort();
        MEMBERS.add(MemberProcess.start(dir, "member-a", seed, seed));
        MEMBERS.add(MemberProcess.start(dir, "member-b", TestCluster.freePort(), seed));
        MEMBERS.add(MemberProcess.start(dir, "member-c", TestCluster.freePort(), seed));
        client = TestCluster.client(seed);
        TestCluster.awaitUp(client, 4);
        Path topo = Files.createDirectories(dir.resolve("topo"));
        chain = TestCluster.chain(topo, "");
    }

    @org.junit.jupiter.api.AfterEach
    void dumpLog() {
        System.out.println(String.join("\n", TestCluster.LOG));
        TestCluster.LOG.clear();
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        MEMBERS.forEach(MemberProcess::close);
    }

    @Test
    @Order(1)
    void shouldForwardAcrossMemberJvmsWithTheEmbeddedCounts() throws Exception {
        long until = 300_000_000L;
        RunReport embedded = TestCluster.embedded(chain, until);
        List<String> out = new ArrayList<>();
        long t0 = System.nanoTime();
        ClusterRun run = TestCluster.submit(client, chain, until, 3, out);
        RunReport onCluster = RunReport.of(run.done().get(120, TimeUnit.SECONDS));
        System.out.printf("cluster run of 300ms took %.1fs%n", (System.nanoTime() - t0) / 1e9);

        assertThat(TestCluster.perFlow(onCluster)).isEqualTo(TestCluster.perFlow(embedded));
        assertThat(onCluster.flows.get("up").delivered).isPositive();
        onCluster.check();
        assertThat(members(run)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void shouldGiveRoutersToAMemberThatJoinsDuringARun() throws Exception {
        List<String> out = new ArrayList<>();
        // Real-time pace: the run lasts long enough for a JVM to start, join and be given routers.
        ClusterRun run = TestCluster.submit(client, chain, 15_000_000_000L, 3, 1.0, out);
        TestCluster.await("run started", () -> run.progress().emulatedNs > 100_000_000L, Duration.ofSeconds(90));
        MEMBERS.add(MemberProcess.start(dir, "member-d", TestCluster.freePort(), seed));
        TestCluster.await("a router on member-d", () -> members(run).contains("member-d"), Duration.ofSeconds(120));
        RunReport rep = RunReport.of(run.done().get(180, TimeUnit.SECONDS));

        rep.check();
        assertThat(run.progress().restarts).isNotEmpty();
        assertThat(rep.flows.get("up").delivered).isPositive();
    }

    @Test
    @Order(3)
    void shouldMoveTheRoutersOfAMemberLeavingGracefully() throws Exception {
        MemberProcess d = member("member-d");
        List<String> out = new ArrayList<>();
        ClusterRun run = TestCluster.submit(client, chain, 8_000_000_000L, 4, 1.0, out);
        TestCluster.await("routers on member-d", () -> run.progress().emulatedNs > 300_000_000L
                && members(run).contains("member-d"), Duration.ofSeconds(120));
        d.stop();
        RunReport rep = RunReport.of(run.done().get(180, TimeUnit.SECONDS));

        rep.check();
        assertThat(members(run)).doesNotContain("member-d");
        assertThat(run.progress().restarts).isNotEmpty();
        assertThat(out).anySatisfy(l -> assertThat(l).contains("moved off its member"));
        // Handed over, not lost: a graceful leave counts no member_down.
        assertThat(out).anySatisfy(l -> assertThat(l).contains("handed over with its packets and state"));
        assertThat(rep.totals.dropped[Drops.of(DropReason.MEMBER_DOWN)]).isZero();
    }

    @Test
    @Order(4)
    void shouldRestartTheRoutersOfAKilledMemberWithTheirPinnedMapsAndCountTheLoss() throws Exception {
        List<String> out = new ArrayList<>();
        ClusterRun run = TestCluster.submit(client, chain, 3_000_000_000L, 3, 1.0, out);
        TestCluster.await("r2 counted packets in a snapshot", () -> run.progress().snapshots.containsKey("r2")
                && TestCluster.routePackets(run.progress().snapshots.get("r2")) > 2000, Duration.ofSeconds(120));
        String victimName = run.progress().routers.stream().filter(r -> r.name().equals("r2")).findFirst()
                .orElseThrow().member();
        MemberProcess victim = member(victimName);
        victim.kill();
        io.lwtemu.node.net.Network net = run.done().get(180, TimeUnit.SECONDS);
        RunReport rep = RunReport.of(net);

        rep.check();
        assertThat(rep.totals.dropped[Drops.of(DropReason.MEMBER_DOWN)]).isPositive();
        assertThat(members(run)).doesNotContain(victimName);
        ClusterProgress.Restart r2 = run.progress().restarts.stream().filter(r -> r.router().equals("r2"))
                .findFirst().orElseThrow();
        long restored = TestCluster.routePackets(r2.snapshot());
        assertThat(restored).isGreaterThan(2000);
        // The restarted r2 went on counting from the snapshot's value, not from zero: at the end its pinned map
        // holds about every packet of the flow it carried (less those between the snapshot and the kill).
        long atEnd = TestCluster.routePackets(run.progress().snapshots.get("r2"));
        assertThat(atEnd).isGreaterThan(restored);
        assertThat(atEnd).isGreaterThan(rep.flows.get("down").delivered - 200);
        assertThat(atEnd).isLessThanOrEqualTo(rep.flows.get("down").sent);
        // Its interface counters went on from the last values it reported too: r2 received about every packet
        // of the down flow on eth1, not only those since its restart.
        long rx = net.router("r2").devices().byName("eth1").rxPackets;
        assertThat(rx).isGreaterThan(rep.flows.get("down").delivered - 200);
    }

    private static MemberProcess member(String name) {
        return MEMBERS.stream().filter(m -> m.name.equals(name) && m.alive()).findFirst().orElseThrow();
    }

    private static Set<String> members(ClusterRun run) {
        Set<String> m = new HashSet<>();
        for (ClusterProgress.RouterView r : run.progress().routers) {
            m.add(r.member());
        }
        return m;
    }
}
