package io.lwtemu.node.report;

import io.lwtemu.node.net.Drops;
import java.util.LinkedHashMap;
import java.util.Map;

/** sent / delivered / dropped-by-cause / in-flight of one scope (the whole run, a flow, a router, an interface). */
public final class Tally {
    public long sent;
    public long delivered;
    public final long[] dropped = new long[Drops.COUNT];
    public long inFlight;
    /** Delivered packets that came from elsewhere, with their one-way latency (flows only). */
    public long latencyCount;
    public long latencySumNs;
    public long latencyMaxNs;

    public long droppedTotal() {
        long s = 0;
        for (long d : dropped) {
            s += d;
        }
        return s;
    }

    /** The accounting identity: every packet sent is delivered, dropped, or still travelling. */
    public boolean balanced() {
        return sent == delivered + droppedTotal() + inFlight;
    }

    public void add(Tally o) {
        sent += o.sent;
        delivered += o.delivered;
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] += o.dropped[i];
        }
        inFlight += o.inFlight;
        latencyCount += o.latencyCount;
        latencySumNs += o.latencySumNs;
        latencyMaxNs = Math.max(latencyMaxNs, o.latencyMaxNs);
    }

    /** Mean one-way latency in ms, or NaN without samples. */
    public double latencyAvgMs() {
        return latencyCount == 0 ? Double.NaN : latencySumNs / 1e6 / latencyCount;
    }

    /** Non-zero drops by label, largest first. */
    public Map<String, Long> dropsByLabel() {
        Map<String, Long> m = new LinkedHashMap<>();
        Integer[] idx = new Integer[dropped.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Long.compare(dropped[b], dropped[a]));
        for (int i : idx) {
            if (dropped[i] != 0) {
                m.put(Drops.label(i), dropped[i]);
            }
        }
        return m;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sent", sent);
        m.put("delivered", delivered);
        m.put("dropped", dropsByLabel());
        m.put("in_flight", inFlight);
        if (latencyCount > 0) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("packets", latencyCount);
            l.put("avg_ms", Math.round(latencyAvgMs() * 1e6) / 1e6);
            l.put("max_ms", latencyMaxNs / 1e6);
            m.put("latency", l);
        }
        return m;
    }

    String dropSummary() {
        StringBuilder sb = new StringBuilder();
        dropsByLabel().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
