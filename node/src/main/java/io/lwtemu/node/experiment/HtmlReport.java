package io.lwtemu.node.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * report.html: one self-contained page (inline CSS, JavaScript and SVG; no network access, no server) that draws
 * the report's JSON: a summary, the topology with the links and nodes faults touched in red, delivered packets
 * and drops over time with the fault events as vertical marks, latency distributions per flow, and the events.
 */
final class HtmlReport {
    private HtmlReport() {
    }

    static String render(ExperimentReport r) {
        String json;
        try {
            json = new ObjectMapper().writeValueAsString(r.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Inside <script>, "</" could end the element early; JSON allows the escaped slash.
        json = json.replace("</", "<\\/");
        return PAGE.replace("@TITLE@", escape(r.name)).replace("@DATA@", json);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>lwtemu experiment: @TITLE@</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
            header{background:#1d2330;color:#fff;padding:14px 24px}
            header h1{margin:0;font-size:20px}
            header p{margin:4px 0 0;color:#c6cbd6;font-size:13px}
            main{padding:16px 24px;max-width:1200px}
            section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
            h2{font-size:16px;margin:0 0 8px}
            table{border-collapse:collapse;font-size:13px;width:100%}
            th,td{text-align:right;padding:3px 8px;border-bottom:1px solid #eceef2}
            th:first-child,td:first-child{text-align:left}
            td.l,th.l{text-align:left}
            .ok{color:#13795b;font-weight:600}.bad{color:#b42318;font-weight:600}
            .muted{color:#6b7280;font-size:12px}
            svg text{font-size:11px;fill:#1d2330}
            .legend span{display:inline-block;margin-right:14px;font-size:12px}
            .sw{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
            .grid{display:flex;flex-wrap:wrap;gap:16px}
            </style>
            </head>
            <body>
            <header><h1 id="title">lwtemu experiment</h1><p id="subtitle"></p></header>
            <main>
            <section><h2>Summary</h2><div id="summary"></div></section>
            <section><h2>Topology</h2><div class="muted">Red: links and nodes a fault touched.</div><div id="graph"></div></section>
            <section><h2>Throughput and drops over time</h2>
            <div class="legend"><span><i class="sw" style="background:#2563eb"></i>delivered packets/s</span><span><i class="sw" style="background:#dc2626"></i>dropped packets/s</span><span><i class="sw" style="background:#f59e0b"></i>fault event</span></div>
            <div id="timeline"></div></section>
            <section><h2>Latency</h2><div id="latency" class="grid"></div></section>
            <section><h2>Fault events</h2><div id="events"></div></section>
            </main>
            <script id="report-data" type="application/json">@DATA@</script>
            <script>
            (function () {
              "use strict";
              var R = JSON.parse(document.getElementById("report-data").textContent);
              var NS = "http://www.w3.org/2000/svg";
              function el(tag, attrs, parent, text) {
                var e = document.createElementNS(NS, tag);
                for (var k in attrs) { e.setAttribute(k, attrs[k]); }
                if (text !== undefined) { e.textContent = text; }
                if (parent) { parent.appendChild(e); }
                return e;
              }
              function h(tag, parent, text, cls) {
                var e = document.createElement(tag);
                if (text !== undefined) { e.textContent = text; }
                if (cls) { e.className = cls; }
                if (parent) { parent.appendChild(e); }
                return e;
              }
              function fmt(x, d) { return (x === null || x === undefined) ? "-" : Number(x).toFixed(d); }
              function table(parent, head, rows) {
                var t = h("table", parent);
                var tr = h("tr", t);
                head.forEach(function (c, i) { h("th", tr, c, i > 0 && rows.length && !(typeof rows[0][i] === "number" || /^[0-9.]+( %)?$/.test(String(rows[0][i]))) ? "l" : ""); });
                rows.forEach(function (r) {
                  var row = h("tr", t);
                  r.forEach(function (c) { h("td", row, String(c), typeof c === "number" || /^[0-9.]+( %)?$/.test(String(c)) ? "" : "l"); });
                });
                return t;
              }
              document.getElementById("title").textContent = "lwtemu experiment: " + R.experiment;
              document.getElementById("subtitle").textContent = "topology " + R.topology + " \\u00b7 seed " + R.seed +
                " \\u00b7 " + R.duration_s + " s of emulated time \\u00b7 digest " + R.digest;

              // Summary
              var s = document.getElementById("summary");
              var c = h("p", s);
              h("span", c, R.conservation.ok ? "Conservation OK: " : "Conservation FAILED: ", R.conservation.ok ? "ok" : "bad");
              h("span", c, R.conservation.detail);
              var okEvents = R.events.filter(function (e) { return e.ok; }).length;
              h("p", s, R.events.length + " fault events (" + okEvents + " applied, " + (R.events.length - okEvents) + " refused by the network).");
              var what = h("ul", s);
              R.schedule.forEach(function (o) {
                h("li", what, o.at_s.toFixed(3) + " s" + (o.heal_s === null ? " until the end" : " \u2013 " + o.heal_s.toFixed(3) + " s") +
                  ": " + o.fault + (o.source === "nemesis" ? " (nemesis)" : ""));
              });
              Object.keys(R.flows).forEach(function (name) {
                var f = R.flows[name];
                if (!f.sent) { return; }
                var reasons = Object.keys(f.dropped_by_reason).map(function (k) { return f.dropped_by_reason[k] + " " + k; }).join(", ");
                h("li", what, name + ": " + f.delivered + " of " + f.sent + " packets delivered (" + (100 * f.delivery_ratio).toFixed(2) +
                  " %)" + (f.dropped ? "; dropped: " + reasons : "; none dropped") + (f.reordered ? "; " + f.reordered + " out of order" : "") +
                  (f.duplicates ? "; " + f.duplicates + " duplicates" : "") + ".");
              });
              var rows = [];
              Object.keys(R.flows).forEach(function (name) {
                var f = R.flows[name];
                var reasons = Object.keys(f.dropped_by_reason).map(function (k) { return k + " " + f.dropped_by_reason[k]; }).join(", ");
                rows.push([name, f.sent, f.delivered, f.dropped, f.in_flight,
                  f.delivery_ratio === null ? "-" : (100 * f.delivery_ratio).toFixed(2) + " %",
                  fmt(f.latency_ms.p50, 3), fmt(f.latency_ms.p99, 3), fmt(f.latency_ms.max, 3), f.reordered, f.duplicates, reasons || "-"]);
              });
              table(s, ["flow", "sent", "delivered", "dropped", "in flight", "delivered %", "p50 ms", "p99 ms", "max ms", "reordered", "duplicates", "drops by reason"], rows);

              // Topology graph: nodes on a circle in file order.
              var g = R.graph, W = 720, H = 360, cx = W / 2, cy = H / 2, rad = Math.min(W, H) / 2 - 50;
              var svg = el("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img"}, document.getElementById("graph"));
              var pos = {};
              g.nodes.forEach(function (n, i) {
                var a = 2 * Math.PI * i / g.nodes.length - Math.PI / 2;
                pos[n.name] = [cx + rad * Math.cos(a), cy + rad * Math.sin(a)];
              });
              // Fruchterman-Reingold from the circle (deterministic: no random start), then fitted to the box.
              var names = g.nodes.map(function (n) { return n.name; });
              var kk = Math.sqrt(W * H / Math.max(1, names.length)) * 0.6, temp = W / 8;
              for (var it = 0; it < 300; it++) {
                var disp = {};
                names.forEach(function (v) { disp[v] = [0, 0]; });
                names.forEach(function (v) {
                  names.forEach(function (u) {
                    if (u === v) { return; }
                    var dx = pos[v][0] - pos[u][0], dy = pos[v][1] - pos[u][1];
                    var d = Math.max(0.01, Math.sqrt(dx * dx + dy * dy)), f = kk * kk / d;
                    disp[v][0] += dx / d * f; disp[v][1] += dy / d * f;
                  });
                });
                g.links.forEach(function (l) {
                  var v = l.a.split(":")[0], u = l.b.split(":")[0];
                  var dx = pos[v][0] - pos[u][0], dy = pos[v][1] - pos[u][1];
                  var d = Math.max(0.01, Math.sqrt(dx * dx + dy * dy)), f = d * d / kk;
                  disp[v][0] -= dx / d * f; disp[v][1] -= dy / d * f;
                  disp[u][0] += dx / d * f; disp[u][1] += dy / d * f;
                });
                names.forEach(function (v) {
                  var dl = Math.max(0.01, Math.sqrt(disp[v][0] * disp[v][0] + disp[v][1] * disp[v][1]));
                  pos[v][0] += disp[v][0] / dl * Math.min(dl, temp);
                  pos[v][1] += disp[v][1] / dl * Math.min(dl, temp);
                });
                temp = Math.max(0.5, temp * 0.98);
              }
              var xs = names.map(function (v) { return pos[v][0]; }), ys = names.map(function (v) { return pos[v][1]; });
              var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
              var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
              names.forEach(function (v) {
                pos[v] = [40 + (W - 80) * (x1 > x0 ? (pos[v][0] - x0) / (x1 - x0) : 0.5),
                  30 + (H - 60) * (y1 > y0 ? (pos[v][1] - y0) / (y1 - y0) : 0.5)];
              });
              g.links.forEach(function (l) {
                var a = pos[l.a.split(":")[0]], b = pos[l.b.split(":")[0]];
                var line = el("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: l.faulty ? "#dc2626" : "#94a3b8",
                  "stroke-width": l.faulty ? 4 : 2, "stroke-dasharray": l.faulty ? "8 5" : "none"}, svg);
                el("title", {}, line, l.a + " \\u2194 " + l.b + ", delay " + l.delay_ms + " ms" + (l.faulty ? " (faulty)" : ""));
                el("text", {x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 - 4, "text-anchor": "middle"}, svg,
                  l.a.split(":")[1] + "\\u2013" + l.b.split(":")[1]);
              });
              g.nodes.forEach(function (n) {
                var p = pos[n.name];
                var shape = n.kind === "host"
                  ? el("rect", {x: p[0] - 20, y: p[1] - 14, width: 40, height: 28, rx: 4}, svg)
                  : el("circle", {cx: p[0], cy: p[1], r: 20}, svg);
                shape.setAttribute("fill", n.kind === "host" ? "#e0e7ff" : "#dbeafe");
                shape.setAttribute("stroke", n.faulty ? "#dc2626" : "#1e3a8a");
                shape.setAttribute("stroke-width", n.faulty ? 3 : 1.5);
                el("text", {x: p[0], y: p[1] + 4, "text-anchor": "middle"}, svg, n.name);
              });

              // Timeline chart
              var T = R.timeline, TW = 1000, TH = 300, ml = 60, mr = 20, mt = 10, mb = 40;
              var tsvg = el("svg", {width: TW, height: TH, viewBox: "0 0 " + TW + " " + TH, role: "img"}, document.getElementById("timeline"));
              var tmax = T.length ? T[T.length - 1].t_end_s : 1;
              var ymax = 1;
              T.forEach(function (r) {
                var sec = r.t_end_s - r.t_start_s;
                ymax = Math.max(ymax, r.delivered_pps, r.dropped / sec);
              });
              function X(t) { return ml + (TW - ml - mr) * t / tmax; }
              function Y(v) { return TH - mb - (TH - mt - mb) * v / ymax; }
              el("line", {x1: ml, y1: TH - mb, x2: TW - mr, y2: TH - mb, stroke: "#334155"}, tsvg);
              el("line", {x1: ml, y1: mt, x2: ml, y2: TH - mb, stroke: "#334155"}, tsvg);
              for (var i = 0; i <= 5; i++) {
                var v = ymax * i / 5;
                el("text", {x: ml - 6, y: Y(v) + 4, "text-anchor": "end"}, tsvg, v >= 1000 ? (v / 1000).toFixed(1) + "k" : v.toFixed(0));
                el("line", {x1: ml, y1: Y(v), x2: TW - mr, y2: Y(v), stroke: "#eef0f4"}, tsvg);
                var tt = tmax * i / 5;
                el("text", {x: X(tt), y: TH - mb + 16, "text-anchor": "middle"}, tsvg, tt.toFixed(2) + " s");
              }
              function path(fn, color) {
                var d = "";
                T.forEach(function (r, k) {
                  d += (k ? " L" : "M") + X(r.t_start_s).toFixed(1) + " " + Y(fn(r)).toFixed(1) +
                    " L" + X(r.t_end_s).toFixed(1) + " " + Y(fn(r)).toFixed(1);
                });
                if (d) { el("path", {d: d, fill: "none", stroke: color, "stroke-width": 2}, tsvg); }
              }
              path(function (r) { return r.delivered_pps; }, "#2563eb");
              path(function (r) { return r.dropped / (r.t_end_s - r.t_start_s); }, "#dc2626");
              // One thinner line per drop reason when there is more than one.
              var reasons = T.length ? Object.keys(T[T.length - 1].drops) : [];
              var palette = ["#7c3aed", "#059669", "#db2777", "#0891b2", "#65a30d", "#9333ea", "#b45309"];
              var legend = document.querySelector("#timeline").previousElementSibling;
              if (reasons.length > 1) {
                reasons.forEach(function (k, i) {
                  var color = palette[i % palette.length];
                  var d = "";
                  T.forEach(function (r, j) {
                    var v = (r.drops[k] || 0) / (r.t_end_s - r.t_start_s);
                    d += (j ? " L" : "M") + X(r.t_start_s).toFixed(1) + " " + Y(v).toFixed(1) + " L" + X(r.t_end_s).toFixed(1) + " " + Y(v).toFixed(1);
                  });
                  el("path", {d: d, fill: "none", stroke: color, "stroke-width": 1, "stroke-dasharray": "4 2"}, tsvg);
                  var item = h("span", legend);
                  var sw = h("i", item, undefined, "sw");
                  sw.style.background = color;
                  item.appendChild(document.createTextNode(k + " drops/s"));
                });
              }
              R.events.forEach(function (e) {
                var m = el("line", {x1: X(e.t_s), y1: mt, x2: X(e.t_s), y2: TH - mb, stroke: "#f59e0b", "stroke-width": 1.5,
                  "stroke-dasharray": e.action === "heal" ? "3 3" : "none"}, tsvg);
                el("title", {}, m, e.t_s.toFixed(3) + " s " + e.action + " " + e.fault + (e.ok ? "" : " (failed: " + e.error + ")"));
              });
              el("text", {x: (TW + ml) / 2, y: TH - 6, "text-anchor": "middle"}, tsvg, "emulated time (100 ms buckets)");

              // Latency distributions
              var lat = document.getElementById("latency");
              Object.keys(R.flows).forEach(function (name) {
                var f = R.flows[name], dist = f.latency_distribution_ms;
                if (!dist.length) { return; }
                var box = h("div", lat);
                h("div", box, name + ": p50 " + fmt(f.latency_ms.p50, 3) + " ms, p90 " + fmt(f.latency_ms.p90, 3) +
                  " ms, p99 " + fmt(f.latency_ms.p99, 3) + " ms, p99.9 " + fmt(f.latency_ms["p99.9"], 3) + " ms, max " + fmt(f.latency_ms.max, 3) + " ms");
                var LW = 520, LH = 200, lm = 50, lb = 34;
                var ls = el("svg", {width: LW, height: LH, viewBox: "0 0 " + LW + " " + LH, role: "img"}, box);
                var cmax = 1;
                dist.forEach(function (b) { cmax = Math.max(cmax, b[1]); });
                var bw = (LW - lm - 10) / dist.length;
                dist.forEach(function (b, k) {
                  var bh = (LH - lb - 10) * b[1] / cmax;
                  var bar = el("rect", {x: lm + k * bw, y: LH - lb - bh, width: Math.max(1, bw - 1), height: bh, fill: "#6366f1"}, ls);
                  el("title", {}, bar, "\\u2264 " + b[0].toFixed(3) + " ms: " + b[1] + " packets");
                });
                el("line", {x1: lm, y1: LH - lb, x2: LW - 10, y2: LH - lb, stroke: "#334155"}, ls);
                el("text", {x: lm, y: LH - lb + 14, "text-anchor": "start"}, ls, fmt(f.latency_ms.min, 3) + " ms");
                el("text", {x: LW - 10, y: LH - lb + 14, "text-anchor": "end"}, ls, fmt(f.latency_ms.max, 3) + " ms");
                el("text", {x: lm - 4, y: 16, "text-anchor": "end"}, ls, String(cmax));
                el("text", {x: (LW + lm) / 2, y: LH - 4, "text-anchor": "middle"}, ls, "one-way latency (packets per bin)");
              });
              if (!lat.childNodes.length) { h("p", lat, "No packet was delivered.", "muted"); }

              // Events
              var ev = document.getElementById("events");
              if (!R.events.length) { h("p", ev, "No fault events.", "muted"); }
              else {
                table(ev, ["time s", "action", "fault", "targets", "result"], R.events.map(function (e) {
                  return [e.t_s.toFixed(6), e.action, e.fault, e.targets.join(", "), e.ok ? "ok" : "failed: " + e.error];
                }));
              }
              document.body.setAttribute("data-rendered", "true");
            })();
            </script>
            </body>
            </html>
            """;
}
