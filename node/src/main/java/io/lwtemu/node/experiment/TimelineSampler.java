package io.lwtemu.node.experiment;

import io.lwtemu.node.net.Drops;
import io.lwtemu.node.net.FlowCounters;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Cumulative counters of the whole network every {@link #BUCKET_NS} of emulated time, taken by actions between
 * ticks (events before the sample time have happened, none after): sent and delivered per flow, drops per
 * reason. Differences of consecutive samples are the timeline's rows.
 */
final class TimelineSampler {
    static final long BUCKET_NS = 100_000_000L;

    /** One sample: time, then per flow slot sent/delivered, then drops per cause. */
    record Sample(long atNs, long[] sent, long[] delivered, long[] drops) {}

    private final Network net;
    final List<Sample> samples = new ArrayList<>();
    /** Per router index its counter vector, when not this network's (a cluster run); null = the routers'. */
    private IntFunction<long[]> remote;

    TimelineSampler(Network net) {
        this.net = net;
        samples.add(new Sample(0, new long[0], new long[0], new long[Drops.COUNT]));
    }

    /** Samples at every bucket boundary strictly before {@code endNs}; call {@link #sampleNow} after the run. */
    void install(long endNs) {
        for (long t = BUCKET_NS; t < endNs; t += BUCKET_NS) {
            long at = t;
            net.at(at, "sample", () -> sample(at));
        }
    }

    void readFrom(IntFunction<long[]> countersOfRouter) {
        this.remote = countersOfRouter;
    }

    void sample(long atNs) {
        int slots = net.flowSlots();
        long[] sent = new long[slots];
        long[] delivered = new long[slots];
        long[] drops = new long[Drops.COUNT];
        for (Router r : net.routers()) {
            FlowCounters c = r.flows();
            if (remote != null) {
                c = new FlowCounters();
                c.addVector(remote.apply(r.index));
            }
            for (int f = 0; f < slots; f++) {
                sent[f] += c.sent(f);
                delivered[f] += c.delivered(f);
                for (int k = 0; k < Drops.COUNT; k++) {
                    drops[k] += c.dropped(f, k);
                }
            }
        }
        samples.add(new Sample(atNs, sent, delivered, drops));
    }

    static long at(long[] a, int i) {
        return i < a.length ? a[i] : 0;
    }
}
