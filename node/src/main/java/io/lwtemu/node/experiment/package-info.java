/**
 * {@code lwtemu experiment}: a {@link io.lwtemu.node.experiment.Scenario} (topology, fault timeline, nemesis,
 * seed) run by {@link io.lwtemu.node.experiment.Experiment}, which schedules the faults as network actions,
 * follows every packet's outcome per router ({@code PacketLedger}: HdrHistogram latency, order, duplicates, a
 * replay digest) and samples the counters every 100 ms; {@link io.lwtemu.node.experiment.ExperimentReport}
 * writes report.json, timeline.csv and the self-contained report.html.
 */
package io.lwtemu.node.experiment;
