package io.lwtemu.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.cluster.ClusterMember;
import io.lwtemu.node.cluster.ClusterProgress;
import io.lwtemu.node.cluster.ClusterRun;
import io.lwtemu.node.report.RunReport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    void shouldCountEveryFlowAsTheEmbeddedRunWithRoutersSpreadOverThreeMembers() throws Exception {
        long until = 500_000_000L;
        RunReport embedded = TestCluster.embedded(TestCluster.IPIP, until);
        List<String> out = new ArrayList<>();
        ClusterRun run = TestCluster.submit(client, TestCluster.IPIP, until, 3, out);
        RunReport onCluster = RunReport.of(run.done().get(120, TimeUnit.SECONDS));

        assertThat(TestCluster.perFlow(onCluster)).isEqualTo(TestCluster.perFlow(embedded));
        assertThat(onCluster.totals.delivered).isPositive();
        onCluster.check();
        Set<String> members = new HashSet<>();
        for (ClusterProgress.RouterView r : run.progress().routers) {
            members.add(r.member());
        }
        assertThat(members).hasSize(3);
    }
}
