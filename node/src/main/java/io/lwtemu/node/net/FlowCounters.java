package io.lwtemu.node.net;

import java.util.Arrays;

/**
 * Per-flow outcome counters of one router: packets it put into the network ({@code sent}: originated by its
 * applications or created by its stack: ICMP, fragments, clones, decapsulated inner packets), packets that ended
 * here delivered, and drops by cause ({@link Drops}). Flow 0 is traffic that belongs to no flow. Arrays grow
 * when a new flow id is first seen, so counting does not allocate on the fast path.
 */
public final class FlowCounters {
    private long[] sent = new long[8];
    private long[] delivered = new long[8];
    private long[] dropped = new long[8 * Drops.COUNT];
    private long[] latencyCount = new long[8];
    private long[] latencySum = new long[8];
    private long[] latencyMax = new long[8];

    private void ensure(int flow) {
        if (flow >= sent.length) {
            int n = Math.max(flow + 1, sent.length * 2);
            sent = Arrays.copyOf(sent, n);
            delivered = Arrays.copyOf(delivered, n);
            dropped = Arrays.copyOf(dropped, n * Drops.COUNT);
            latencyCount = Arrays.copyOf(latencyCount, n);
            latencySum = Arrays.copyOf(latencySum, n);
            latencyMax = Arrays.copyOf(latencyMax, n);
        }
    }

    public void countSent(int flow, long n) {
        ensure(flow);
        sent[flow] += n;
    }

    public void countDelivered(int flow) {
        ensure(flow);
        delivered[flow]++;
    }

    public void countDropped(int flow, int cause) {
        ensure(flow);
        dropped[flow * Drops.COUNT + cause]++;
    }

    /** One-way latency (emulated ns from first send to delivery) of a delivered packet. */
    public void countLatency(int flow, long ns) {
        ensure(flow);
        latencyCount[flow]++;
        latencySum[flow] += ns;
        if (ns > latencyMax[flow]) {
            latencyMax[flow] = ns;
        }
    }

    public long latencyCount(int flow) {
        return flow < latencyCount.length ? latencyCount[flow] : 0;
    }

    public long latencySum(int flow) {
        return flow < latencySum.length ? latencySum[flow] : 0;
    }

    public long latencyMax(int flow) {
        return flow < latencyMax.length ? latencyMax[flow] : 0;
    }

    /** Number of flow slots (highest flow id seen + 1, at least). */
    public int flows() {
        return sent.length;
    }

    public long sent(int flow) {
        return flow < sent.length ? sent[flow] : 0;
    }

    public long delivered(int flow) {
        return flow < delivered.length ? delivered[flow] : 0;
    }

    public long dropped(int flow, int cause) {
        return flow < sent.length ? dropped[flow * Drops.COUNT + cause] : 0;
    }

    public long dropped(int flow) {
        long s = 0;
        for (int c = 0; c < Drops.COUNT; c++) {
            s += dropped(flow, c);
        }
        return s;
    }

    /** Cells per flow in {@link #toVector()}: sent, delivered, latency count, sum and max, then drops by cause. */
    public static final int VECTOR_STRIDE = 5 + Drops.COUNT;

    /**
     * Every counter as one vector ({@link #VECTOR_STRIDE} cells per flow), so a cluster member can ship a router's
     * counters and another can add them up ({@link #addVector}).
     */
    public long[] toVector() {
        int n = sent.length;
        long[] v = new long[n * VECTOR_STRIDE];
        for (int f = 0; f < n; f++) {
            int o = f * VECTOR_STRIDE;
            v[o] = sent[f];
            v[o + 1] = delivered[f];
            v[o + 2] = latencyCount[f];
            v[o + 3] = latencySum[f];
            v[o + 4] = latencyMax[f];
            System.arraycopy(dropped, f * Drops.COUNT, v, o + 5, Drops.COUNT);
        }
        return v;
    }

    /** Adds a vector from {@link #toVector()} (latency max: the larger of both). */
    public void addVector(long[] v) {
        int flowsIn = v.length / VECTOR_STRIDE;
        if (flowsIn > 0) {
            ensure(flowsIn - 1);
        }
        for (int f = 0; f < flowsIn; f++) {
            int o = f * VECTOR_STRIDE;
            sent[f] += v[o];
            delivered[f] += v[o + 1];
            latencyCount[f] += v[o + 2];
            latencySum[f] += v[o + 3];
            latencyMax[f] = Math.max(latencyMax[f], v[o + 4]);
            for (int c = 0; c < Drops.COUNT; c++) {
                dropped[f * Drops.COUNT + c] += v[o + 5 + c];
            }
        }
    }
}
