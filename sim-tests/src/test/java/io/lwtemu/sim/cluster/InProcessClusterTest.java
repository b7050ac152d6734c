package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterProgress;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.report.RunReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three members and a client as four actor systems in this JVM, talking over Artery TCP on loopback. */
class InProcessClusterTest {
    private static final List<ClusterMember> MEMBERS = new ArrayList<>();
    private static ClusterMember client;

    @BeforeAll
    static void startCluster() {
        int seed = TestCluster.freePort();
        MEMBERS.add(TestCluster.host("member-a", seed, seed));
        MEMBERS.add(TestCluster.host("member-b", TestCluster.freePort(), seed));
        MEMBERS.add(TestCluster.host("member-c", TestCluster.freePort(), seed));
        client = TestCluster.client(seed);
        TestCluster.awaitUp(client, 4);
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
        }
        MEMBERS.forEach(ClusterMember::close);
    }

    @Test
    void shouldCountEveryFlowAsTheEmbeddedRunWithRoutersSpreadOverThreeMembers(@TempDir Path dir) throws Exception {
        // r1 encapsulates with an LWT BPF program, r3 decapsulates, r2 counts in a pinned map; 5 nodes on 3 members.
        Path chain = TestCluster.chain(dir, "");
        long until = 300_000_000L;
        RunReport embedded = TestCluster.embedded(chain, until);
        List<String> out = new ArrayList<>();
        ClusterRun run = TestCluster.submit(client, chain, until, 3, out);
        RunReport onCluster = RunReport.of(run.done().get(120, TimeUnit.SECONDS));

        assertThat(TestCluster.perFlow(onCluster)).isEqualTo(TestCluster.perFlow(embedded));
        assertThat(onCluster.flows.get("up").delivered).isPositive();
        assertThat(onCluster.totals.droppedTotal()).isZero();
        onCluster.check();
        Set<String> members = new HashSet<>();
        for (ClusterProgress.RouterView r : run.progress().routers) {
            members.add(r.member());
        }
        assertThat(members).hasSize(3);
    }

    @Test
    void shouldCollectPingOutputAndRouteHitsFromTheMembersAsEmbedded(@TempDir Path dir) throws Exception {
        Path chain = TestCluster.chain(dir, """
                  pings:
                    - {from: h1, to: 10.0.3.2, count: 3, size: 56, interval: 20ms}
                """);
        long until = 200_000_000L;
        List<String> embeddedPings = new ArrayList<>();
        io.lwtemu.node.net.Network embedded = TestCluster.embeddedNetwork(chain, until, embeddedPings);
        ClusterRun run = TestCluster.submit(client, chain, until, 3, new ArrayList<>());
        io.lwtemu.node.net.Network onCluster = run.done().get(120, TimeUnit.SECONDS);

        assertThat(embeddedPings).anySatisfy(l -> assertThat(l).contains("3 packets transmitted, 3 received"));
        assertThat(run.progress().pingOutput).isEqualTo(embeddedPings);
        assertThat(TestCluster.routeHits(onCluster)).isEqualTo(TestCluster.routeHits(embedded)).isNotEmpty();
    }

    @Test
    void shouldReuseOneRouterEntityTypeAcrossRunsSoNoShardCoordinatorIsLeftPerRun(@TempDir Path dir)
            throws Exception {
        Path chain = TestCluster.chain(dir, "");
        long until = 50_000_000L;
        RunReport embedded = TestCluster.embedded(chain, until);
        for (int k = 0; k < 2; k++) {
            ClusterRun run = TestCluster.submit(client, chain, until, 3, new ArrayList<>());
            RunReport onCluster = RunReport.of(run.done().get(120, TimeUnit.SECONDS));
            assertThat(TestCluster.perFlow(onCluster)).isEqualTo(TestCluster.perFlow(embedded));
        }
        for (ClusterMember m : MEMBERS) {
            Set<String> types = scala.jdk.javaapi.CollectionConverters.asJava(akka.cluster.sharding.ClusterSharding
                    .get(akka.actor.typed.javadsl.Adapter.toClassic(m.system())).shardTypeNames());
            assertThat(types).as(m.name()).containsExactly("lwtemu-router");
        }
    }
}
