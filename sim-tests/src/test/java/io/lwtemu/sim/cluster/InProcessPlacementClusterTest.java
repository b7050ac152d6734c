package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterProgress;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.net.Drops;
import io.lwtemu.node.report.RunReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Explicit placement: routers pinned by name, a pinned member leaving and coming back. */
class InProcessPlacementClusterTest {
    private final List<ClusterMember> members = new ArrayList<>();
    private ClusterMember client;

    @AfterEach
    void stop() {
        System.out.println(String.join("\n", TestCluster.LOG));
        TestCluster.LOG.clear();
        if (client != null) {
            client.close();
        }
        members.forEach(ClusterMember::close);
    }

    @Test
    void shouldReportAPinnedRouterDownWithItsLinksAndBringItBackWhenItsMemberReturns(@TempDir Path dir)
            throws Exception {
        int seed = TestCluster.freePort();
        members.add(TestCluster.host("member-a", seed, seed));
        members.add(TestCluster.host("member-b", TestCluster.freePort(), seed));
        ClusterMember c = TestCluster.host("member-c", TestCluster.freePort(), seed);
        members.add(c);
        client = TestCluster.client(seed);
        TestCluster.awaitUp(client, 4);
        Path topo = TestCluster.chain(dir, """
                placement:
                  h1: member-a
                  r1: member-a
                  r2: member-c
                  r3: member-b
                  h2: member-b
                """);
        List<String> out = new ArrayList<>();
        // 10 s paced at real time: a graceful leave (and the rejoin after it) takes Akka a few seconds of gossip, so a
        // shorter run could end before r2 has been down a while and come back.
        ClusterRun run = TestCluster.submit(client, topo, 10_000_000_000L, 3, 1.0, out);
        TestCluster.await("run under way", () -> run.progress().emulatedNs > 200_000_000L, Duration.ofSeconds(90));
        assertThat(placement(run)).containsExactly("h1@member-a", "r1@member-a", "r2@member-c", "r3@member-b",
                "h2@member-b");

        c.leave();
        TestCluster.await("r2 down", () -> placement(run).contains("r2@(down)"), Duration.ofSeconds(60));
        long downAt = run.progress().emulatedNs;
        TestCluster.await("time passing with r2 down", () -> run.progress().emulatedNs > downAt + 200_000_000L,
                Duration.ofSeconds(60));
        members.add(TestCluster.host("member-c", TestCluster.freePort(), seed));
        TestCluster.await("r2 back on member-c", () -> placement(run).contains("r2@member-c"),
                Duration.ofSeconds(90));
        RunReport rep = RunReport.of(run.done().get(120, TimeUnit.SECONDS));

        rep.check();
        assertThat(out).anySatisfy(l -> assertThat(l).contains("r2 is down until its member returns"));
        // While r2 was down its neighbours' links were down: r1 and r3 dropped what they routed to it.
        assertThat(rep.totals.dropped[Drops.of(DropReason.LINK_DOWN)]).isPositive();
        assertThat(rep.flows.get("up").delivered).isPositive();
    }

    private static List<String> placement(ClusterRun run) {
        List<String> p = new ArrayList<>();
        for (ClusterProgress.RouterView r : run.progress().routers) {
            p.add(r.name() + "@" + (r.state().equals("running") ? r.member() : "(" + r.state() + ")"));
        }
        return p;
    }
}
