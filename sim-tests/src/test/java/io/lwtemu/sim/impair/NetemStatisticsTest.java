package io.lwtemu.sim.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import io.lwtemu.proto.Packet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * netem impairments on an emulated link h1 -> h2 (1 ms propagation): the statistics of 100k-packet flows, read
 * from the run report (drop reasons, accounting) and from the packets h1 puts on the wire (departure, arrival,
 * bytes), match the models' analytic values; the same seed gives the same packets on both engines.
 */
class NetemStatisticsTest {
    private static final long LINK_DELAY_NS = 1_000_000L;
    private static final int N = 100_000;

    /** One run: the report and every packet h1 put on the link, in sending order. */
    private record Run(RunReport report, List<Packet> wire) {
        Tally flow() {
            return report.flows.get("f");
        }

        long drops(String label) {
            return flow().dropsByLabel().getOrDefault(label, 0L);
        }
    }

    private static String topology(String netem, long seed, int count, String rate, int size) {
        return topology(netem, null, seed, count, rate, size);
    }

    /** h1 - h2 over one 1 ms link with {@code netem} from h1 to h2 (and {@code bandwidth} when not null). */
    static String topology(String netem, String bandwidth, long seed, int count, String rate, int size) {
        return """
                name: netem-stats
                seed: %d
                nodes:
                  h1:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.0.1/24 dev eth0
                  h2:
                    kind: host
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.0.2/24 dev eth0
                links:
                  - {a: h1:eth0, b: h2:eth0, delay: 1ms, %snetem: {a_to_b: "%s"}}
                traffic:
                  flows:
                    - {name: f, from: h1, to: 10.0.0.2, size: %d, rate: %s, count: %d}
                """.formatted(seed, bandwidth == null ? "" : "bandwidth: " + bandwidth + ", ", netem, size, rate, count);
    }

    private static Network build(String yaml) {
        Topology topo = TopologyLoader.parse(Path.of("netem-stats.yaml"), yaml);
        Network net = TopologyBuilder.build(topo, s -> { });
        Traffic.install(net, topo, Long.MAX_VALUE, s -> { });
        return net;
    }

    private static Run run(String netem, long seed, int count, String rate, int size) {
        Network net = build(topology(netem, seed, count, rate, size));
        List<Packet> wire = new ArrayList<>();
        net.router("h1").setTransport((to, port, p) -> {
            wire.add(p);
            to.port(port).arrive(p);
        });
        net.runUntil(Long.MAX_VALUE);
        return new Run(RunReport.of(net).check(), wire);
    }

    private static Run run(String netem) {
        return run(netem, 1, N, "10kpps", 100);
    }

    /** Which of the N flow packets (by sequence) reached the wire at least once. */
    private static boolean[] lost(Run r) {
        boolean[] lost = new boolean[N];
        java.util.Arrays.fill(lost, true);
        for (Packet p : r.wire()) {
            lost[(int) (p.getId() & ((1L << 40) - 1))] = false;
        }
        return lost;
    }

    private static double meanBurst(boolean[] lost) {
        int bursts = 0;
        int n = 0;
        for (int i = 0; i < lost.length; i++) {
            if (lost[i]) {
                n++;
                bursts += i == 0 || !lost[i - 1] ? 1 : 0;
            }
        }
        return (double) n / bursts;
    }

    @Test
    void shouldLoseTenPercentAsLossDrops() {
        Run r = run("loss 10%");
        assertThat(r.flow().sent).isEqualTo(N);
        assertThat((double) r.drops("loss") / N).isCloseTo(0.10, within(0.01));
        assertThat(r.flow().delivered + r.drops("loss")).isEqualTo(N);
        assertThat(r.wire()).hasSize((int) r.flow().delivered);
    }

    @Test
    void shouldLoseInBurstsWithGilbertElliott() {
        // p = 1 %, r = 10 %, 1-h = 100 %, 1-k = 0: loss p/(p+r) = 9.1 %, bursts of mean 1/r = 10 packets.
        Run r = run("loss gemodel 1% 10%");
        assertThat((double) r.drops("loss") / N).isCloseTo(0.01 / 0.11, within(0.015));
        assertThat(meanBurst(lost(r))).isCloseTo(10.0, within(1.5));
    }

    @Test
    void shouldLoseLikeTheFourStateModel() {
        // loss state p13 p31 p32 p23 p14 = 1% 30% 20% 50% 0.5%. Stationary distribution in closed form:
        // balance of the burst states 2<->3 and the gap states 1<->3, 1<->4.
        double p13 = 0.01;
        double p31 = 0.30;
        double p32 = 0.20;
        double p23 = 0.50;
        double p14 = 0.005;
        double pi3 = 1;
        double pi2 = pi3 * p32 / p23;
        double pi1 = pi3 * p31 / p13;
        double pi4 = pi1 * p14;
        double sum = pi1 + pi2 + pi3 + pi4;
        double loss = (pi3 + pi4) / sum;
        double burst = (pi3 + pi4) / (pi1 * (p13 + p14) + pi2 * p23);

        Run r = run("loss state 1% 30% 20% 50% 0.5%");
        assertThat((double) r.drops("loss") / N).isCloseTo(loss, within(0.01));
        assertThat(meanBurst(lost(r))).isCloseTo(burst, within(0.1 * burst));
    }

    @Test
    void shouldDelayWithTheMeanAndSpreadOfEachDistribution() {
        // Expected standard deviation in units of the jitter: uniform 1/sqrt(3); the tables' shapes otherwise
        // (normal 1; pareto and paretonormal as clipped by the s16 tables), means 0 except for the clipped pareto.
        Map<String, double[]> expected = new HashMap<>();
        expected.put("uniform", new double[] {0, 1 / Math.sqrt(3)});
        expected.put("normal", new double[] {0, 1});
        expected.put("pareto", paretoMoments(false));
        expected.put("paretonormal", paretoMoments(true));
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            Run r = run("delay 20ms 5ms distribution " + e.getKey(), 1, 50_000, "10kpps", 100);
            double[] ms = r.wire().stream()
                    .mapToDouble(p -> (p.getArriveAtNs() - p.getSentAtNs() - LINK_DELAY_NS) / 1e6).toArray();
            double mean = java.util.Arrays.stream(ms).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(ms).map(x -> (x - mean) * (x - mean)).sum() / ms.length);
            assertThat(mean).as(e.getKey() + " mean").isCloseTo(20 + 5 * e.getValue()[0], within(0.1));
            assertThat(sd).as(e.getKey() + " stddev").isCloseTo(5 * e.getValue()[1], within(0.15));
            assertThat(r.flow().delivered).isEqualTo(50_000);
        }
    }

    /** Mean and standard deviation of iproute2's pareto (or paretonormal) table shape, by integration. */
    private static double[] paretoMoments(boolean mixNormal) {
        int steps = 1_000_000;
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < steps; i++) {
            double q = (i + 0.5) / steps;
            double v = Math.min(4, (Math.pow(1 - q, -1.0 / 3) - 1.5) * 4 / 3);
            if (mixNormal) {
                v = (Math.sqrt(2) * org.apache.commons.math3.special.Erf.erfInv(2 * q - 1) + 3 * v) / 4;
            }
            s += v;
            s2 += v * v;
        }
        double m = s / steps;
        return new double[] {m, Math.sqrt(s2 / steps - m * m)};
    }

    @Test
    void shouldDuplicateOnePercentAsExtraSentPackets() {
        Run r = run("duplicate 1%");
        Set<Long> seen = new HashSet<>();
        int dups = 0;
        for (Packet p : r.wire()) {
            dups += seen.add(p.getId()) ? 0 : 1;
        }
        assertThat((double) dups / N).isCloseTo(0.01, within(0.002));
        assertThat(r.flow().sent).isEqualTo(N + dups);
        assertThat(r.flow().delivered).isEqualTo(N + dups);
    }

    @Test
    void shouldFlipOneBitInOnePercentOfThePackets() {
        Run clean = run("delay 1ms");
        Run corrupt = run("delay 1ms corrupt 1%");
        Map<Long, ByteString> original = new HashMap<>();
        for (Packet p : clean.wire()) {
            original.put(p.getId(), p.getData());
        }
        int changed = 0;
        for (Packet p : corrupt.wire()) {
            byte[] a = original.get(p.getId()).toByteArray();
            byte[] b = p.getData().toByteArray();
            int bits = 0;
            for (int i = 0; i < a.length; i++) {
                bits += Integer.bitCount((a[i] ^ b[i]) & 0xff);
            }
            assertThat(bits).isLessThanOrEqualTo(1);
            changed += bits;
        }
        assertThat((double) changed / N).isCloseTo(0.01, within(0.002));
        // Whatever the receiver makes of a flipped bit, every packet has an outcome.
        assertThat(corrupt.flow().delivered + corrupt.flow().droppedTotal()).isEqualTo(N);
    }

    @Test
    void shouldReorderAQuarterOfThePacketsAheadOfDelayedOnes() {
        Run r = run("delay 10ms reorder 25%");
        // A packet is reordered when it arrives before a packet sent earlier.
        long latest = Long.MIN_VALUE;
        int reordered = 0;
        for (Packet p : r.wire()) {
            if (p.getArriveAtNs() < latest) {
                reordered++;
            }
            latest = Math.max(latest, p.getArriveAtNs());
        }
        assertThat((double) reordered / N).isCloseTo(0.25, within(0.01));
        assertThat(r.flow().delivered).isEqualTo(N);
    }

    @Test
    void shouldLimitThroughputToTheRateAndTailDropTheRest() {
        // 100-byte packets at 25 kpps = 20 Mbit/s into a 10 Mbit/s netem rate with room for 100 packets.
        Run r = run("rate 10mbit limit 100", 1, N, "25kpps", 100);
        List<Packet> w = r.wire();
        double seconds = (w.get(w.size() - 1).getArriveAtNs() - w.get(0).getArriveAtNs()) / 1e9;
        double bits = (w.size() - 1) * 100 * 8.0;
        assertThat(bits / seconds).isCloseTo(10e6, within(0.01 * 10e6));
        assertThat((double) r.drops("queue_full") / N).isCloseTo(0.5, within(0.01));
        assertThat(r.flow().delivered + r.drops("queue_full")).isEqualTo(N);
    }

    private static final String EVERYTHING = "delay 5ms 2ms 25% distribution normal loss gemodel 2% 20% 80% 1% "
            + "duplicate 2% corrupt 1% reorder 10% 20% gap 3 rate 50mbit limit 500";

    @Test
    void shouldGiveIdenticalPerPacketOutcomesForTheSameSeedOnly() {
        List<String> a = outcomes(run(EVERYTHING, 7, 10_000, "20kpps", 200));
        List<String> b = outcomes(run(EVERYTHING, 7, 10_000, "20kpps", 200));
        List<String> c = outcomes(run(EVERYTHING, 8, 10_000, "20kpps", 200));
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
    }

    private static List<String> outcomes(Run r) {
        List<String> out = new ArrayList<>();
        for (Packet p : r.wire()) {
            out.add(p.getId() + "@" + p.getArriveAtNs() + ":" + p.getData().hashCode());
        }
        out.add(r.report().toJsonString());
        return out;
    }

    @Test
    void shouldMakeTheSameDecisionsOnTheActorEngine() throws Exception {
        String yaml = topology(EVERYTHING, 3, 5_000, "20kpps", 200);
        List<String> expected = traced(build(yaml), false);
        List<String> actual = traced(build(yaml), true);
        assertThat(actual).isEqualTo(expected);
        assertThat(expected.stream().filter(l -> l.contains("dropped loss")).count()).isPositive();
        assertThat(expected.stream().filter(l -> l.contains("duplicated")).count()).isPositive();
    }

    /** h1's and h2's trace lines (one per outcome, with time and packet id) and the report, after the run. */
    private static List<String> traced(Network net, boolean actors) throws Exception {
        List<String> h1 = new ArrayList<>();
        List<String> h2 = new ArrayList<>();
        Router r1 = net.router("h1");
        Router r2 = net.router("h2");
        r1.setTracer(h1::add);
        r2.setTracer(h2::add);
        long end = 400_000_000L;
        if (actors) {
            try (ActorDriver d = new ActorDriver(net)) {
                d.runUntil(end).toCompletableFuture().get(120, TimeUnit.SECONDS);
            }
        } else {
            net.runUntil(end);
        }
        List<String> all = new ArrayList<>(h1);
        all.addAll(h2);
        all.add(RunReport.of(net).check().toJsonString());
        return all;
    }
}
