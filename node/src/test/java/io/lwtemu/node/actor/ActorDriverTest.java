package io.lwtemu.node.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActorDriverTest {
    private static final String TOPOLOGY = """
            nodes:
              h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0\\nip route add default via 10.0.1.1"}
              r1:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip addr add 10.0.1.1/24 dev eth0
                  ip addr add 10.0.2.1/24 dev eth1
              h2: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.2.2/24 dev eth0\\nip route add default via 10.0.2.1"}
            links:
              - {a: h1:eth0, b: r1:eth0, delay: 100us}
              - {a: r1:eth1, b: h2:eth0, delay: 300us, bandwidth: 10Mbit, queue: 20}
            traffic:
              flows:
                - {name: f, from: h1, to: 10.0.2.2, size: 1000, rate: 2kpps, count: 500}
                - {name: back, from: h2, to: 10.0.1.2, size: 100, rate: 500pps, count: 100}
            """;

    private static Network network() {
        Topology t = TopologyLoader.parse(java.nio.file.Path.of("inline.yaml"), TOPOLOGY);
        Network net = TopologyBuilder.build(t, line -> { });
        Traffic.install(net, t, 2_000_000_000L, line -> { });
        return net;
    }

    @Test
    void shouldGiveTheSameCountsAsTheSequentialRun() throws Exception {
        Network seq = network();
        seq.runUntil(150_000_000L);
        RunReport expected = RunReport.of(seq).check();

        Network par = network();
        try (ActorDriver driver = new ActorDriver(par)) {
            driver.runUntil(150_000_000L).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(driver.progress().processed).isPositive();
        }
        RunReport actual = RunReport.of(par).check();

        assertThat(actual.toJsonString()).isEqualTo(expected.toJsonString());
        // 10 Mbit/s carries 1250 packets/s of 1000 bytes: the 2 kpps flow overflows the 20-packet queue.
        assertThat(actual.flows.get("f").dropsByLabel()).containsKey("queue_full");
        assertThat(actual.flows.get("back").delivered).isEqualTo(75);
    }

    @Test
    void shouldRunANetworkAttachedToASystemStartedBeforeIt() throws Exception {
        Network seq = network();
        seq.runUntil(150_000_000L);
        RunReport expected = RunReport.of(seq).check();

        try (ActorDriver driver = ActorDriver.withoutNetwork()) {
            Network par = network();
            driver.attach(par).runUntil(150_000_000L).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertThat(driver.progress().processed).isPositive();
            assertThat(RunReport.of(par).check().toJsonString()).isEqualTo(expected.toJsonString());
        }
    }
}
