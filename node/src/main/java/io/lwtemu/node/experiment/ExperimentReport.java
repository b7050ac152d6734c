package io.lwtemu.node.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lwtemu.node.experiment.FaultSchedule.Occurrence;
import io.lwtemu.node.experiment.TimelineSampler.Sample;
import io.lwtemu.node.fault.FaultEvent;
import io.lwtemu.node.net.Drops;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.AccountingException;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.traffic.FlowSource;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What an experiment did to every packet: per flow sent/delivered/dropped by reason, latency percentiles,
 * reordering and duplicates, the fault events with their times, a timeline in 100 ms buckets, the conservation
 * check, and a digest of all per-packet outcomes (equal digests = equal runs). Writes report.json,
 * timeline.csv and report.html.
 */
public final class ExperimentReport {
    /** Latency percentiles reported per flow. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};
    private static final int DISTRIBUTION_BINS = 40;

    public final String name;
    public final String topology;
    public final long seed;
    public final long durationNs;
    public final long endNs;
    public final Map<String, FlowResult> flows = new LinkedHashMap<>();
    public final List<FaultEvent> events;
    public final boolean conserved;
    public final String conservation;
    public final String digest;
    final List<Map<String, Object>> timeline = new ArrayList<>();
    final List<String> timelineReasons = new ArrayList<>();
    final Map<String, Object> graph;
    final Tally totals;
    final List<Map<String, Object>> schedule = new ArrayList<>();

    /** One flow's outcome. Latencies in ms; {@code distribution} is [upper bound ms, count] bins. */
    public record FlowResult(long sent, long delivered, Map<String, Long> dropped, long inFlight, long reordered,
            long duplicates, long latencyCount, double latencyMinMs, double latencyMeanMs,
            Map<String, Double> latencyPercentilesMs, double latencyMaxMs, List<double[]> distribution,
            String digest, int sizeBytes) {

        public long droppedTotal() {
            long s = 0;
            for (long v : dropped.values()) {
                s += v;
            }
            return s;
        }
    }

    private ExperimentReport(Scenario sc, long seed, long durationNs, Network net, RunReport run,
            PacketLedger[] ledgers, TimelineSampler sampler, List<FaultEvent> events, List<Occurrence> occ,
            Traffic traffic) {
        this.name = sc.name();
        this.topology = sc.topology().name();
        this.seed = seed;
        this.durationNs = durationNs;
        this.endNs = net.now();
        this.events = events;
        this.totals = run.totals;
        boolean ok;
        String msg;
        try {
            run.check();
            ok = true;
            msg = "every packet sent was delivered or dropped with a reason (sent " + run.totals.sent
                    + " = delivered " + run.totals.delivered + " + dropped " + run.totals.droppedTotal()
                    + " + in flight " + run.totals.inFlight + ")";
        } catch (AccountingException e) {
            ok = false;
            msg = e.getMessage();
        }
        this.conserved = ok;
        this.conservation = msg;
        Map<Integer, Integer> sizes = new HashMap<>();
        for (FlowSource f : traffic.flows()) {
            sizes.put(f.flowId, f.spec.size());
        }
        List<String> names = net.flowNames();
        long all = 0;
        for (int f = 0; f < net.flowSlots(); f++) {
            String key = f == 0 ? "(no flow)" : f < names.size() ? names.get(f) : "flow#" + f;
            Tally t = run.flows.get(key);
            if (t == null) {
                continue;
            }
            Histogram h = null;
            long reordered = 0;
            long dups = 0;
            long d = 0;
            for (PacketLedger l : ledgers) {
                if (f < l.digest.length) {
                    reordered += l.reordered[f];
                    dups += l.duplicates[f];
                    d = PacketLedger.mix(d * 31 + l.digest[f] + l.outcomes[f]);
                    if (l.latency[f] != null) {
                        if (h == null) {
                            h = new Histogram(PacketLedger.MAX_LATENCY_NS, 3);
                        }
                        h.add(l.latency[f]);
                    }
                }
            }
            all = PacketLedger.mix(all * 31 + d);
            Map<String, Double> pct = new LinkedHashMap<>();
            List<double[]> dist = new ArrayList<>();
            if (h != null && h.getTotalCount() > 0) {
                for (double p : PERCENTILES) {
                    pct.put("p" + fmtPct(p), h.getValueAtPercentile(p) / 1e6);
                }
                long lo = h.getMinValue();
                long hi = h.getMaxValue();
                long width = Math.max(1, (hi - lo + DISTRIBUTION_BINS) / DISTRIBUTION_BINS);
                int bins = (int) Math.min(DISTRIBUTION_BINS, (hi - lo) / width + 1);
                long[] counts = new long[bins];
                // Each recorded value (an HdrHistogram bucket) goes to exactly one bin.
                for (HistogramIterationValue v : h.recordedValues()) {
                    int b = (int) Math.min(bins - 1, Math.max(0, (v.getValueIteratedTo() - lo) / width));
                    counts[b] += v.getCountAtValueIteratedTo();
                }
                for (int b = 0; b < bins; b++) {
                    dist.add(new double[] {(lo + (b + 1) * width - 1) / 1e6, counts[b]});
                }
            }
            flows.put(key, new FlowResult(t.sent, t.delivered, t.dropsByLabel(), t.inFlight, reordered, dups,
                    h == null ? 0 : h.getTotalCount(), h == null ? 0 : h.getMinValue() / 1e6,
                    h == null ? 0 : h.getMean() / 1e6, pct, h == null ? 0 : h.getMaxValue() / 1e6, dist,
                    hex(d), sizes.getOrDefault(f, 0)));
        }
        this.digest = hex(all);
        timeline(sampler, sizes);
        this.graph = graph(sc.topology(), events);
        for (Occurrence o : occ) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at_s", o.atNs() / 1e9);
            m.put("heal_s", o.healNs() < 0 ? null : o.healNs() / 1e9);
            m.put("fault", o.fault().text());
            m.put("source", o.source());
            schedule.add(m);
        }
    }

    static ExperimentReport of(Scenario sc, long seed, long durationNs, Network net, RunReport run,
            PacketLedger[] ledgers, TimelineSampler sampler, List<FaultEvent> events, List<Occurrence> occ,
            Traffic traffic) {
        return new ExperimentReport(sc, seed, durationNs, net, run, ledgers, sampler, events, occ, traffic);
    }

    private static String fmtPct(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    private static String hex(long v) {
        return HexFormat.of().toHexDigits(v);
    }

    private void timeline(TimelineSampler sampler, Map<Integer, Integer> sizes) {
        List<Sample> s = sampler.samples;
        Sample last = s.get(s.size() - 1);
        Set<Integer> reasons = new LinkedHashSet<>();
        for (int k = 0; k < Drops.COUNT; k++) {
            if (last.drops()[k] > 0) {
                reasons.add(k);
                timelineReasons.add(Drops.label(k));
            }
        }
        for (int i = 1; i < s.size(); i++) {
            Sample a = s.get(i - 1);
            Sample b = s.get(i);
            if (b.atNs() <= a.atNs()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            double secs = (b.atNs() - a.atNs()) / 1e9;
            row.put("t_start_s", a.atNs() / 1e9);
            row.put("t_end_s", b.atNs() / 1e9);
            long sent = 0;
            long delivered = 0;
            long bits = 0;
            for (int f = 0; f < b.delivered().length; f++) {
                long ds = b.delivered()[f] - TimelineSampler.at(a.delivered(), f);
                sent += b.sent()[f] - TimelineSampler.at(a.sent(), f);
                delivered += ds;
                bits += ds * sizes.getOrDefault(f, 0) * 8L;
            }
            long dropped = 0;
            Map<String, Long> drops = new LinkedHashMap<>();
            for (int k : reasons) {
                long v = b.drops()[k] - a.drops()[k];
                drops.put(Drops.label(k), v);
                dropped += v;
            }
            row.put("sent", sent);
            row.put("delivered", delivered);
            row.put("dropped", dropped);
            row.put("delivered_pps", delivered / secs);
            row.put("delivered_mbps", bits / secs / 1e6);
            row.put("drops", drops);
            List<String> ev = new ArrayList<>();
            for (FaultEvent e : events) {
                if (e.atNs() >= a.atNs() && (e.atNs() < b.atNs() || i == s.size() - 1 && e.atNs() == b.atNs())) {
                    ev.add(e.action() + " " + e.fault() + (e.ok() ? "" : " (failed)"));
                }
            }
            row.put("events", ev);
            timeline.add(row);
        }
    }

    private static Map<String, Object> graph(Topology t, List<FaultEvent> events) {
        Set<String> faulty = new LinkedHashSet<>();
        for (FaultEvent e : events) {
            faulty.addAll(e.targets());
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Topology.NodeSpec n : t.nodes().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("kind", n.kind().name().toLowerCase(Locale.ROOT));
            m.put("faulty", faulty.contains(n.name()));
            nodes.add(m);
        }
        List<Map<String, Object>> links = new ArrayList<>();
        for (Topology.LinkSpec l : t.links()) {
            Map<String, Object> m = new LinkedHashMap<>();
            String a = l.aNode() + ":" + l.aIf();
            String b = l.bNode() + ":" + l.bIf();
            m.put("a", a);
            m.put("b", b);
            m.put("delay_ms", l.delayNs() / 1e6);
            m.put("bandwidth_bps", l.bandwidthBps());
            m.put("faulty", faulty.contains(a) || faulty.contains(b));
            links.add(m);
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("nodes", nodes);
        g.put("links", links);
        return g;
    }

    // ---------------------------------------------------------------- output

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", name);
        m.put("topology", topology);
        m.put("seed", seed);
        m.put("duration_s", durationNs / 1e9);
        m.put("emulated_end_s", endNs / 1e9);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ok", conserved);
        c.put("detail", conservation);
        m.put("conservation", c);
        m.put("digest", digest);
        Map<String, Object> tot = new LinkedHashMap<>();
        tot.put("sent", totals.sent);
        tot.put("delivered", totals.delivered);
        tot.put("dropped", totals.droppedTotal());
        tot.put("dropped_by_reason", totals.dropsByLabel());
        tot.put("in_flight", totals.inFlight);
        m.put("totals", tot);
        Map<String, Object> fl = new LinkedHashMap<>();
        flows.forEach((k, f) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("sent", f.sent());
            j.put("delivered", f.delivered());
            j.put("dropped", f.droppedTotal());
            j.put("dropped_by_reason", f.dropped());
            j.put("in_flight", f.inFlight());
            j.put("delivery_ratio", f.sent() == 0 ? null : (double) f.delivered() / f.sent());
            j.put("reordered", f.reordered());
            j.put("duplicates", f.duplicates());
            Map<String, Object> lat = new LinkedHashMap<>();
            lat.put("count", f.latencyCount());
            lat.put("min", f.latencyMinMs());
            lat.put("mean", f.latencyMeanMs());
            lat.putAll(f.latencyPercentilesMs());
            lat.put("max", f.latencyMaxMs());
            j.put("latency_ms", lat);
            j.put("latency_distribution_ms", f.distribution());
            j.put("digest", f.digest());
            fl.put(k, j);
        });
        m.put("flows", fl);
        List<Map<String, Object>> ev = new ArrayList<>();
        for (FaultEvent e : events) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("t_s", e.atNs() / 1e9);
            j.put("action", e.action());
            j.put("fault", e.fault());
            j.put("targets", e.targets());
            j.put("ok", e.ok());
            if (!e.ok()) {
                j.put("error", e.message());
            }
            ev.add(j);
        }
        m.put("events", ev);
        m.put("schedule", schedule);
        m.put("graph", graph);
        m.put("timeline", timeline);
        return m;
    }

    public String toJsonString() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Per 100 ms of emulated time: traffic, drops per reason, and the fault events in that bucket. */
    public String timelineCsv() {
        StringBuilder sb = new StringBuilder("t_start_s,t_end_s,sent,delivered,delivered_pps,delivered_mbps,dropped");
        for (String r : timelineReasons) {
            sb.append(",drop_").append(r);
        }
        sb.append(",events\n");
        for (Map<String, Object> row : timeline) {
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%d,%d,%.1f,%.3f,%d", row.get("t_start_s"),
                    row.get("t_end_s"), row.get("sent"), row.get("delivered"), row.get("delivered_pps"),
                    row.get("delivered_mbps"), row.get("dropped")));
            @SuppressWarnings("unchecked")
            Map<String, Long> drops = (Map<String, Long>) row.get("drops");
            for (String r : timelineReasons) {
                sb.append(',').append(drops.getOrDefault(r, 0L));
            }
            @SuppressWarnings("unchecked")
            List<String> ev = (List<String>) row.get("events");
            sb.append(',').append(csv(String.join("; ", ev))).append('\n');
        }
        return sb.toString();
    }

    private static String csv(String s) {
        return s.isEmpty() ? "" : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Writes report.json, timeline.csv and report.html into {@code dir} (created when missing). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), toJsonString());
        Files.writeString(dir.resolve("timeline.csv"), timelineCsv());
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(this));
    }

    /** A few readable lines for the terminal. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "== experiment %s on %s, seed %d, %.3fs ==%n", name, topology, seed,
                durationNs / 1e9));
        flows.forEach((k, f) -> {
            if (f.sent() == 0 && f.delivered() == 0) {
                return;
            }
            sb.append(String.format(Locale.ROOT, "%-22s sent %d delivered %d dropped %d %s in_flight %d", k,
                    f.sent(), f.delivered(), f.droppedTotal(), f.dropped(), f.inFlight()));
            if (f.latencyCount() > 0) {
                sb.append(String.format(Locale.ROOT, "  latency p50 %.3f ms p99 %.3f ms max %.3f ms",
                        f.latencyPercentilesMs().get("p50"), f.latencyPercentilesMs().get("p99"), f.latencyMaxMs()));
            }
            if (f.reordered() > 0 || f.duplicates() > 0) {
                sb.append(String.format(Locale.ROOT, "  reordered %d duplicates %d", f.reordered(), f.duplicates()));
            }
            sb.append('\n');
        });
        sb.append(events.size()).append(" fault events; conservation ").append(conserved ? "OK" : "FAILED")
                .append(": ").append(conservation).append('\n');
        sb.append("digest ").append(digest).append('\n');
        return sb.toString();
    }
}
