package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.net.Link;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import org.junit.jupiter.api.Test;

class AccountingTest {
    private static final String FLOWS = """
            flows:
              - {name: big, from: h1, to: 10.0.3.2, size: 1400, rate: 200kpps, count: 20000}
              - {name: back, from: h2, to: 10.0.1.2, size: 64, rate: 5kpps}
              - {name: nowhere, from: h1, to: 10.0.99.1, size: 64, rate: 1kpps}
            """;

    @Test
    void shouldBalanceSentWithDeliveredDroppedAndInFlightAcrossQueueOverflowAndLinkDown() {
        Sim sim = Sim.of(Chains.chain(Chains.IPIP_ROUTE, false, FLOWS), 200_000_000L);
        sim.net.runUntil(50_000_000L);
        RunReport mid = RunReport.of(sim.net).check();
        assertThat(mid.totals.inFlight).isPositive();

        Link r2r3 = sim.net.router("r2").port(3).link();
        r2r3.setUp(false);
        sim.net.runUntil(120_000_000L);
        r2r3.setUp(true);
        RunReport end = sim.run(200_000_000L).check();

        Tally big = end.flows.get("big");
        // 1400+20 bytes at 200 kpps is 2.3 Gbit/s into a 1 Gbit link: the queue overflows.
        assertThat(big.dropsByLabel()).containsKeys("queue_full", "link_down");
        assertThat(end.flows.get("nowhere").dropsByLabel()).containsKey("no_route");
        assertThat(end.totals.sent).isEqualTo(end.totals.delivered + end.totals.droppedTotal()
                + end.totals.inFlight);
    }
}
