package io.lwtemu.node.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunReportTest {
    private static RunReport run() {
        Topology t = TopologyLoader.parse(Path.of("t.yaml"), """
                nodes:
                  h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0"}
                  h2: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.3/24 dev eth0"}
                links:
                  - {a: h1:eth0, b: h2:eth0, delay: 1ms}
                traffic:
                  flows:
                    - {name: ok, from: h1, to: 10.0.1.3, rate: 1kpps, count: 100}
                    - {name: trace-port, from: h1, to: 10.0.1.3, dport: 33434, rate: 1kpps, count: 10}
                """);
        Network net = TopologyBuilder.build(t, l -> { });
        Traffic.install(net, t, 1_000_000_000L, l -> { });
        net.runUntil(50_500_000L);
        return RunReport.of(net);
    }

    @Test
    void shouldCountDeliveredDroppedAndInFlightPerFlow() {
        RunReport rep = run().check();
        Tally ok = rep.flows.get("ok");
        assertThat(ok.sent).isEqualTo(51);
        assertThat(ok.delivered).isEqualTo(50);
        assertThat(ok.inFlight).isEqualTo(1);
        // UDP to traceroute's ports: no socket on the host, port unreachable goes back and is delivered;
        // like Linux (icmp_ratelimit, burst 6 per peer) only the first 6 errors within the second are sent.
        Tally tp = rep.flows.get("trace-port");
        assertThat(tp.dropsByLabel()).containsEntry("no_socket", 10L);
        assertThat(tp.sent).isEqualTo(10 + 6);
        assertThat(rep.totals.sent).isEqualTo(ok.sent + tp.sent);
    }

    @Test
    void shouldWriteTotalsWithDropsByReasonInJson() {
        String json = run().toJsonString();
        assertThat(json).contains("\"totals\" : {").contains("\"no_socket\" : 10").contains("\"in_flight\" : 1")
                .contains("\"h1:eth0\"");
    }

    @Test
    void shouldFailLoudlyWhenAPacketIsUnaccounted() {
        RunReport rep = run();
        long sent = ++rep.totals.sent;
        assertThatThrownBy(rep::check).isInstanceOf(AccountingException.class)
                .hasMessageContaining("totals: sent " + sent + " != delivered");
    }
}
