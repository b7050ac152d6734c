package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.traffic.TracerouteSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtlAndTracerouteTest {
    private static final String LOOP = """
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
                  ip route add default via 10.0.12.2 dev eth1
              r2:
                interfaces: {eth0: {}}
                config: |
                  ip addr add 10.0.12.2/24 dev eth0
                  ip route add default via 10.0.12.1 dev eth0
            links:
              - {a: h1:eth0, b: r1:eth0, delay: 10us}
              - {a: r1:eth1, b: r2:eth0, delay: 10us}
            traffic:
              flows:
                - {name: looping, from: h1, to: 192.0.2.1, size: 100, rate: 1kpps, count: 10}
            """;

    @Test
    void shouldCountTtlExpiryInARoutingLoop() {
        Sim sim = Sim.of(LOOP, 1_000_000_000L);
        RunReport rep = sim.run(1_000_000_000L).check();

        assertThat(rep.flows.get("looping").dropsByLabel()).containsEntry("ttl_expired", 10L);
        // TTL 64 leaves h1; r1 and r2 bounce it until a router sees TTL 1. Each expiry would send one time
        // exceeded back to h1, but like Linux (icmp_ratelimit: burst 6 per peer, then 1/s) the router sends only
        // the first 6 of these 10 within 10 ms; they are delivered at h1.
        assertThat(rep.interfaces.get("h1:eth0").delivered).isEqualTo(6);
        assertThat(rep.totals.sent).isEqualTo(16);
    }

    @Test
    void shouldTraceEveryHopOfTheTunnelledChain() {
        Sim sim = Sim.of(Chains.chain(Chains.PLAIN_ROUTE, true, "flows: []\n"), 0);
        Router h1 = sim.net.router("h1");
        List<String> out = new ArrayList<>();
        TracerouteSession t = new TracerouteSession(h1, IpAddress.parse("10.0.3.2"), 30, 60, 5_000_000_000L, 0,
                sim.net.registerFlow("traceroute"), out::add);
        h1.schedule(t);
        for (long ms = 100; !t.done() && ms < 600_000; ms += 100) {
            sim.net.runUntil(ms * 1_000_000L);
        }
        RunReport rep = RunReport.of(sim.net).check();

        assertThat(out).hasSize(5);
        assertThat(out.get(0)).isEqualTo("traceroute to 10.0.3.2 (10.0.3.2), 30 hops max, 60 byte packets");
        assertThat(out.get(1)).startsWith(" 1  10.0.1.1 (10.0.1.1)  0.100 ms");
        assertThat(out.get(2)).startsWith(" 2  10.0.12.2 (10.0.12.2)  2.1");
        assertThat(out.get(3)).startsWith(" 3  10.0.23.3 (10.0.23.3)  4.1");
        assertThat(out.get(4)).startsWith(" 4  10.0.3.2 (10.0.3.2)  4.2");
        assertThat(t.reached()).isTrue();
        assertThat(rep.flows.get("traceroute").dropsByLabel()).containsEntry("ttl_expired", 9L)
                .containsEntry("no_socket", 3L);
    }
}
