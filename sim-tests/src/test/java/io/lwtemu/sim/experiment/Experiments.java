package io.lwtemu.sim.experiment;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.ClusterFaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Inline experiments on the h1 -- r1 -- r2 -- r3 -- h2 chain, and the shipped experiment files. */
final class Experiments {
    /** Inline files resolve object paths against the ipip-3hop example (ipip_encap.o, drop_all.o). */
    static final Path INLINE = Path.of("../topology-examples/ipip-3hop/inline-experiment.yaml");
    static final Path SHIPPED = Path.of("../topology-examples/experiments");

    static final String PLAIN_ROUTE = "ip route add 10.0.3.0/24 via 10.0.12.2 dev eth1";
    static final String IPIP_ROUTE = "ip route add 10.0.3.0/24 encap bpf xmit obj ipip_encap.o section lwt_xmit/ipip"
            + " headroom 20 via 10.0.12.2 dev eth1";

    private Experiments() {
    }

    /**
     * The chain with r1's route to h2's subnet, the r2-r3 link's extra settings ("" or ", bandwidth: 2Mbit"), the
     * traffic: block and the faults: block.
     */
    static String chain(String r1Route, String r2r3, String traffic, String faults) {
        return """
                name: chain
                duration: 1s
                nodes:
                  h1:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.1.2/24 dev eth0
                      ip route add default via 10.0.1.1 dev eth0
                  r1:
                    interfaces: {eth0: {}, eth1: {}}
                    config: |
                      ip addr add 10.0.1.1/24 dev eth0
                      ip addr add 10.0.12.1/24 dev eth1
                      ip route add 10.0.23.0/24 via 10.0.12.2 dev eth1
                      %s
                  r2:
                    interfaces: {eth0: {}, eth1: {}}
                    config: |
                      ip addr add 10.0.12.2/24 dev eth0
                      ip addr add 10.0.23.2/24 dev eth1
                      ip route add 10.0.1.0/24 via 10.0.12.1 dev eth0
                      ip route add 10.0.3.0/24 via 10.0.23.3 dev eth1
                  r3:
                    interfaces: {eth0: {}, eth1: {}}
                    config: |
                      ip addr add 10.0.23.3/24 dev eth0
                      ip addr add 10.0.3.1/24 dev eth1
                      ip route add 10.0.1.0/24 via 10.0.23.2 dev eth0
                      ip route add 10.0.12.0/24 via 10.0.23.2 dev eth0
                      ip link add tun0 type ipip local 10.0.23.3 remote 10.0.12.1
                      ip link set tun0 up
                  h2:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.3.2/24 dev eth0
                      ip route add default via 10.0.3.1 dev eth0
                links:
                  - {a: h1:eth0, b: r1:eth0, delay: 50us}
                  - {a: r1:eth1, b: r2:eth0, delay: 1ms, bandwidth: 1Gbit}
                  - {a: r2:eth1, b: r3:eth0, delay: 1ms%s}
                  - {a: r3:eth1, b: h2:eth0, delay: 50us}
                traffic:
                %s
                faults:
                %s
                """.formatted(r1Route, r2r3.isEmpty() ? ", bandwidth: 1Gbit" : r2r3, traffic.indent(2),
                faults.indent(2));
    }

    /** One 10 kpps UDP flow 'f' of 200-byte packets from h1 to h2. */
    static String flow(int count) {
        return "flows:\n  - {name: f, from: h1, to: 10.0.3.2, size: 200, rate: 10kpps, count: " + count + "}";
    }

    static Scenario scenario(String yaml) {
        return ScenarioLoader.parse(INLINE, yaml);
    }

    static ExperimentReport run(String yaml) throws Exception {
        return run(scenario(yaml), null, true, null);
    }

    static ExperimentReport run(Scenario sc, Long seed, boolean sequential, ClusterFaults cluster)
            throws Exception {
        return run(sc, seed, null, sequential, cluster);
    }

    static ExperimentReport run(Scenario sc, Long seed, Long durationNs, boolean sequential, ClusterFaults cluster)
            throws Exception {
        List<String> out = new ArrayList<>();
        return new Experiment(sc, seed, durationNs, cluster, out::add).run(sequential);
    }

    static ExperimentReport.FlowResult flow(ExperimentReport rep, String name) {
        return rep.flows.get(name);
    }

    static long drops(ExperimentReport.FlowResult f, String reason) {
        return f.dropped().getOrDefault(reason, 0L);
    }
}
