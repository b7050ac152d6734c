package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A whole embedded run with {@code akka.actor.serialize-messages = on}: every message between the actors goes
 * through its serializer and back, as it would between members, and the results stay those of the sequential
 * run. Akka would fail a send whose message has no serializer (Java serialization is off).
 */
class SerializedMessagesRunTest {
    private static final String TOPOLOGY = """
            nodes:
              h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0\\nip route add default via 10.0.1.1"}
              r1:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip addr add 10.0.1.1/24 dev eth0
                  ip addr add 10.0.2.1/24 dev eth1
              r2:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip addr add 10.0.2.2/24 dev eth0
                  ip addr add 10.0.3.1/24 dev eth1
                  ip route add 10.0.1.0/24 via 10.0.2.1
              h2: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.3.2/24 dev eth0\\nip route add default via 10.0.3.1"}
            links:
              - {a: h1:eth0, b: r1:eth0, delay: 100us}
              - {a: r1:eth1, b: r2:eth0, delay: 200us, bandwidth: 10Mbit, queue: 20}
              - {a: r2:eth1, b: h2:eth0, delay: 100us}
            traffic:
              flows:
                - {name: f, from: h1, to: 10.0.3.2, size: 1000, rate: 2kpps, count: 300}
                - {name: back, from: h2, to: 10.0.1.2, size: 64, rate: 1kpps, count: 100}
            """;

    private static Network network() {
        Topology t = TopologyLoader.parse(Path.of("inline.yaml"), TOPOLOGY);
        Network net = TopologyBuilder.build(t, line -> { });
        Traffic.install(net, t, 1_000_000_000L, line -> { });
        return net;
    }

    @Test
    void shouldGiveTheSequentialResultsWhenEveryMessageIsSerialized() throws Exception {
        Network seq = network();
        seq.runUntil(200_000_000L);
        RunReport expected = RunReport.of(seq).check();

        Network par = network();
        try (ActorDriver driver = new ActorDriver(par, TestSystems.config("""
                akka.actor.serialize-messages = on
                akka.actor.provider = local
                akka.loglevel = WARNING
                """))) {
            driver.runUntil(200_000_000L).toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertThat(driver.progress().delivered).isPositive();
        }
        RunReport actual = RunReport.of(par).check();
        assertThat(actual.toJsonString()).isEqualTo(expected.toJsonString());
        assertThat(actual.flows.get("back").delivered).isEqualTo(100);
    }
}
