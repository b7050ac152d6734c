package io.lwtemu.node.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleSmokeTest {
    @Test
    void shouldRunTheIpipExampleWithBalancedAccounting() {
        Topology t = TopologyLoader.load(Path.of("../topology-examples/ipip-3hop/topology.yaml"));
        List<String> log = new ArrayList<>();
        Network net = TopologyBuilder.build(t, log::add);
        List<String> out = new ArrayList<>();
        Traffic.install(net, t, t.durationNs(), out::add);
        net.runUntil(t.durationNs());
        RunReport rep = RunReport.of(net);
        rep.check();
        assertThat(rep.totals.sent).isPositive();
        assertThat(out).first().isEqualTo("PING 10.0.3.2 (10.0.3.2) 56(84) bytes of data.");
        // r3's ipip device decapsulates what r1's BPF program encapsulated: nothing is lost on the way to h2.
        assertThat(rep.flows.get("udp-h1-h2").droppedTotal()).isZero();
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.0.3.2: icmp_seq=1 ttl=61"));
    }
}
