package io.lwtemu.node.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.FlowCounters;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened in a run, from the counters of a quiescent network: totals, and the same per flow, router and
 * interface, plus route hits and link statistics. {@link #check()} enforces the accounting identity.
 */
public final class RunReport {
    public final String topology;
    public final long emulatedNs;
    public final Tally totals = new Tally();
    public final Map<String, Tally> flows = new LinkedHashMap<>();
    public final Map<String, Tally> routers = new LinkedHashMap<>();
    public final Map<String, Tally> interfaces = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> interfaceStats = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> routeHits = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private RunReport(String topology, long emulatedNs) {
        this.topology = topology;
        this.emulatedNs = emulatedNs;
    }

    /** Collects the counters; call only when no router is running. */
    public static RunReport of(Network net) {
        RunReport rep = new RunReport(net.name, net.now());
        List<String> names = net.flowNames();
        int slots = net.flowSlots();
        Tally[] perFlow = new Tally[slots];
        for (int f = 0; f < slots; f++) {
            perFlow[f] = new Tally();
        }
        for (Router r : net.routers()) {
            Tally rt = new Tally();
            FlowCounters c = r.flows();
            for (int f = 0; f < slots; f++) {
                Tally t = perFlow[f];
                long s = c.sent(f);
                long d = c.delivered(f);
                t.sent += s;
                t.delivered += d;
                rt.sent += s;
                rt.delivered += d;
                t.latencyCount += c.latencyCount(f);
                t.latencySumNs += c.latencySum(f);
                t.latencyMaxNs = Math.max(t.latencyMaxNs, c.latencyMax(f));
                for (int k = 0; k < t.dropped.length; k++) {
                    long x = c.dropped(f, k);
                    t.dropped[k] += x;
                    rt.dropped[k] += x;
                }
            }
            FlowCounters dc = r.deviceOutcomes();
            for (NetDevice dev : r.devices().all()) {
                Tally it = new Tally();
                Port p = r.port(dev.ifindex);
                it.sent = dev.txPackets;
                it.delivered = dc.delivered(dev.ifindex);
                for (int k = 0; k < it.dropped.length; k++) {
                    it.dropped[k] = dc.dropped(dev.ifindex, k);
                }
                if (p != null) {
                    it.inFlight = p.inFlight();
                    rt.inFlight += p.inFlight();
                }
                String key = r.name + ":" + dev.name;
                rep.interfaces.put(key, it);
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("ifindex", dev.ifindex);
                st.put("mtu", dev.mtu());
                st.put("up", dev.isUp());
                st.put("rx_packets", dev.rxPackets);
                st.put("rx_bytes", dev.rxBytes);
                st.put("rx_dropped", dev.rxDropped);
                st.put("tx_packets", dev.txPackets);
                st.put("tx_bytes", dev.txBytes);
                st.put("tx_dropped", dev.txDropped);
                if (p != null) {
                    st.put("link_queue_drops", p.out.queueDrops);
                    st.put("peer", p.peer().name);
                }
                rep.interfaceStats.put(key, st);
            }
            rep.routers.put(r.name, rt);
            rep.routeHits.put(r.name, routes(r));
            if (r.lost() > 0) {
                rep.problems.add(r.name + ": " + r.lost() + " packets left no outcome");
            }
        }
        // Links plus packets waiting for re-injection (bpf_redirect with BPF_F_INGRESS) are in flight.
        long[] pending = net.inFlightPerFlow();
        for (int f = 0; f < slots; f++) {
            perFlow[f].inFlight = pending[f];
        }
        for (int f = 0; f < slots; f++) {
            Tally t = perFlow[f];
            boolean used = t.sent != 0 || t.delivered != 0 || t.droppedTotal() != 0 || t.inFlight != 0;
            if (f < names.size() && (f > 0 || used)) {
                rep.flows.put(f == 0 ? "(no flow)" : names.get(f), t);
            } else if (used) {
                rep.flows.put("flow#" + f, t);
            }
            rep.totals.add(t);
        }
        return rep;
    }

    private static List<Map<String, Object>> routes(Router r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int id : new int[] {Route.TABLE_MAIN}) {
            FibTable t = r.fib().existingTable(id);
            if (t == null) {
                continue;
            }
            for (Family fam : Family.values()) {
                for (Route route : t.routes(fam)) {
                    long hits = r.pipeline().counters().routeHits(route);
                    if (hits > 0) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("route", route.toString());
                        m.put("packets", hits);
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    /** Throws {@link AccountingException} unless every scope balances and nothing was lost. */
    public RunReport check() {
        List<String> bad = new ArrayList<>(problems);
        if (!totals.balanced()) {
            bad.add("totals: sent " + totals.sent + " != delivered " + totals.delivered + " + dropped "
                    + totals.droppedTotal() + " + in_flight " + totals.inFlight);
        }
        flows.forEach((name, t) -> {
            if (!t.balanced()) {
                bad.add("flow " + name + ": sent " + t.sent + " != delivered " + t.delivered + " + dropped "
                        + t.droppedTotal() + " + in_flight " + t.inFlight);
            }
        });
        if (totals.dropped[io.lwtemu.node.net.Drops.LOST] != 0) {
            bad.add(totals.dropped[io.lwtemu.node.net.Drops.LOST] + " packets lost without an outcome");
        }
        if (!bad.isEmpty()) {
            throw new AccountingException("accounting identity violated: " + String.join("; ", bad));
        }
        return this;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topology", topology);
        m.put("emulated_time_ns", emulatedNs);
        m.put("totals", totals.toJson());
        Map<String, Object> f = new LinkedHashMap<>();
        flows.forEach((k, v) -> f.put(k, v.toJson()));
        m.put("flows", f);
        Map<String, Object> r = new LinkedHashMap<>();
        routers.forEach((k, v) -> {
            Map<String, Object> j = v.toJson();
            j.put("routes", routeHits.get(k));
            r.put(k, j);
        });
        m.put("routers", r);
        Map<String, Object> i = new LinkedHashMap<>();
        interfaces.forEach((k, v) -> {
            Map<String, Object> j = v.toJson();
            j.put("stats", interfaceStats.get(k));
            i.put(k, j);
        });
        m.put("interfaces", i);
        return m;
    }

    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }

    public String toJsonString() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The readable tables printed at the end of a run. */
    public void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "%n== %s: %s of emulated time ==%n", topology, fmtTime(emulatedNs));
        table(out, "flow", flows);
        flows.forEach((k, t) -> {
            if (t.latencyCount > 0) {
                out.printf(Locale.ROOT, "  %-20s one-way latency avg %.3f ms, max %.3f ms over %d packets%n", k,
                        t.latencyAvgMs(), t.latencyMaxNs / 1e6, t.latencyCount);
            }
        });
        table(out, "router", routers);
        table(out, "interface", interfaces);
        out.printf(Locale.ROOT, "%-22s %10d %10d %10d %10d  %s%n", "TOTAL", totals.sent, totals.delivered,
                totals.droppedTotal(), totals.inFlight, totals.dropSummary());
    }

    private static void table(PrintStream out, String what, Map<String, Tally> rows) {
        out.printf(Locale.ROOT, "%n%-22s %10s %10s %10s %10s  %s%n", what, "sent", "delivered", "dropped",
                "in_flight", "drop reasons");
        rows.forEach((k, t) -> {
            if (t.sent == 0 && t.delivered == 0 && t.droppedTotal() == 0 && t.inFlight == 0) {
                return; // idle rows (lo, unused interfaces) only in the JSON report
            }
            out.printf(Locale.ROOT, "%-22s %10d %10d %10d %10d  %s%n", k, t.sent, t.delivered, t.droppedTotal(),
                    t.inFlight, t.dropSummary());
        });
    }

    static String fmtTime(long ns) {
        return String.format(Locale.ROOT, "%.3fs", ns / 1e9);
    }
}
