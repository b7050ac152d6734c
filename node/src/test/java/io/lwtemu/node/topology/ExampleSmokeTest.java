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
        rep.printSummary(System.out);
        out.forEach(System.out::println);
        log.forEach(System.out::println);
        rep.check();
        assertThat(rep.totals.sent).isPositive();
    }
}
