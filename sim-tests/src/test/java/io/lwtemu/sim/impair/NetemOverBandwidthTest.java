package io.lwtemu.sim.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * netem in front of a link with a bandwidth, as sch_netem.c does it: the qdisc hands packets to the wire in
 * time_to_send order (its tfifo; a reordered packet goes to the head, to be sent at once), so the link serialises
 * them in the order they leave netem, not the order netem got them. h1 -> h2 over 1 ms and 10 Mbit/s (100-byte
 * packets take 80 us on the wire); every delivery at h2 observed with its emulated time.
 */
class NetemOverBandwidthTest {
    private static final int N = 100_000;

    /** Latency (ms) of every delivery at h2, in the order h2 received them. */
    private static double[] latencies(String netem, String rate) {
        String yaml = NetemStatisticsTest.topology(netem, "10Mbit", 5, N, rate, 100);
        Topology topo = TopologyLoader.parse(Path.of("netem-over-bandwidth.yaml"), yaml);
        Network net = TopologyBuilder.build(topo, s -> { });
        Traffic.install(net, topo, Long.MAX_VALUE, s -> { });
        List<Double> out = new ArrayList<>();
        long[] last = {0};
        net.router("h2").setObserver((router, flow, id, sentAtNs, nowNs, cause) -> {
            if (cause < 0 && flow != 0) {
                assertThat(nowNs).as("h2 receives in time order").isGreaterThanOrEqualTo(last[0]);
                last[0] = nowNs;
                out.add((nowNs - sentAtNs) / 1e6);
            }
        });
        net.runUntil(Long.MAX_VALUE);
        RunReport rep = RunReport.of(net).check();
        assertThat(rep.flows.get("f").delivered).isEqualTo(N);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void shouldSendReorderedPacketsOntoTheLinkAheadOfTheDelayedOnes() {
        // reorder 25%: a quarter of the packets skip netem's 10 ms delay and are serialised at once, ahead of the
        // delayed packets still waiting in netem (in input order they would queue behind them for ~10 ms).
        double[] ms = latencies("delay 10ms reorder 25%", "5kpps");

        long early = java.util.Arrays.stream(ms).filter(x -> x < 5).count();
        assertThat((double) early / N).isCloseTo(0.25, within(0.01));
        double earlyMean = java.util.Arrays.stream(ms).filter(x -> x < 5).average().orElseThrow();
        // 1 ms propagation + 80 us serialisation, + 80 us when the delayed packet sent 10 ms before leaves netem at
        // the same instant (3 times in 4 at a fixed rate) and is on the wire first.
        assertThat(earlyMean).isCloseTo(1.08 + 0.75 * 0.08, within(0.01));
        double lateMean = java.util.Arrays.stream(ms).filter(x -> x >= 5).average().orElseThrow();
        assertThat(lateMean).isCloseTo(11.08, within(0.05));
    }

    @Test
    void shouldSerialiseJitteredPacketsInTheOrderTheyLeaveNetem() {
        // Uniform jitter of +-5 ms at 5 kpps (link 40 % busy): in departure order each packet waits for the wire
        // only behind the few that left netem just before it, so the mean latency stays near 10 + 1 + 0.08 ms. In
        // the order netem got them, each would wait for the latest departure before it: about 5 ms more.
        double[] ms = latencies("delay 10ms 5ms", "5kpps");

        double mean = java.util.Arrays.stream(ms).average().orElseThrow();
        assertThat(mean).isCloseTo(11.1, within(0.1));
        assertThat(java.util.Arrays.stream(ms).min().orElseThrow()).isGreaterThanOrEqualTo(5 + 1.08 - 1e-9);
    }
}
