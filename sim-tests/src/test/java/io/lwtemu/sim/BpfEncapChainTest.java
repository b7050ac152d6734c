package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import org.junit.jupiter.api.Test;

class BpfEncapChainTest {
    private static final String PING = "pings:\n  - {from: h1, to: 10.0.3.2, count: 3}\n";

    @Test
    void shouldPassPingThroughTheBpfEncapsulatingChain() {
        Sim sim = Sim.of(Chains.chain(Chains.IPIP_ROUTE, false, PING), 5_000_000_000L);
        RunReport rep = sim.run(5_000_000_000L).check();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        // 2 x (50us + 1ms) each way plus serialisation at 1Gbit; the reply comes back through 3 routers.
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.0.3.2: icmp_seq=1 ttl=61 time=4.20 ms"));
        Tally ping = rep.flows.get("ping1:h1->10.0.3.2");
        assertThat(ping.droppedTotal()).isZero();
        // requests at h2 and replies at h1; a request decapsulated at r3 continues as the inner packet
        assertThat(ping.delivered).isEqualTo(6);
    }

    @Test
    void shouldNotReachTheHostWithoutTheTunnelBecauseR2HasNoRoute() {
        Sim sim = Sim.of(Chains.chain(Chains.PLAIN_ROUTE, false, PING), 5_000_000_000L);
        RunReport rep = sim.run(5_000_000_000L).check();

        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("From 10.0.12.2 icmp_seq=1 Destination Net Unreachable"));
        assertThat(rep.routers.get("r2").dropsByLabel()).containsEntry("no_route", 3L);
    }

    @Test
    void shouldFailPingAndCountBpfDropWhenTheRouteRunsDropAll() {
        Sim sim = Sim.of(Chains.chain(Chains.DROP_ROUTE, true, PING), 5_000_000_000L);
        RunReport rep = sim.run(5_000_000_000L).check();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.totals.dropsByLabel()).containsEntry("bpf_drop", 3L);
        assertThat(rep.routers.get("r1").dropsByLabel()).containsEntry("bpf_drop", 3L);
    }

    @Test
    void shouldCountEveryUdpPacketOfAFlowThroughTheTunnel() {
        String flows = "flows:\n  - {name: f, from: h1, to: 10.0.3.2, size: 1000, rate: 10kpps, count: 1000}\n";
        Sim sim = Sim.of(Chains.chain(Chains.IPIP_ROUTE, false, flows), 1_000_000_000L);
        RunReport rep = sim.run(1_000_000_000L).check();

        Tally f = rep.flows.get("f");
        // Each packet ends once: decapsulated at r3, it continues as the inner packet and is delivered at h2.
        assertThat(f.sent).isEqualTo(1000);
        assertThat(f.delivered).isEqualTo(1000);
        assertThat(rep.interfaces.get("h2:eth0").delivered).isEqualTo(1000);
        assertThat(rep.interfaces.get("r2:eth1").sent).isEqualTo(1000);
        // h1 -> h2: 50us + 2 x (1ms + serialisation of 1020 bytes at 1Gbit) + 50us.
        assertThat(f.latencyCount).isEqualTo(1000);
        assertThat(f.latencyMaxNs).isEqualTo(50_000 + 2 * (1_000_000 + 8_160) + 50_000);
    }
}
