package io.lwtemu.node.experiment;

import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.YamlNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A fault experiment: a topology, the faults to inject on a timeline and/or drawn by a nemesis, and how long to
 * run. Read from a scenario file that names its topology, or from a topology file with a {@code faults:} section
 * ({@link ScenarioLoader}).
 *
 * @param seed       the experiment seed when the file gives one (else the topology's)
 * @param durationNs traffic and faults stop here; everything still broken is healed here
 * @param settleNs   emulated time run after the final heal so packets in flight can land
 */
public record Scenario(Path file, String name, Topology topology, long seed, long durationNs, long settleNs,
        List<TimedFault> faults, Nemesis nemesis, List<String> members) {

    /**
     * A timeline entry: inject {@code fault} at {@code atNs}, again every {@code everyNs} (0 = once) up to
     * {@code untilNs} or {@code times} occurrences (-1 = unlimited), each healed after {@code forNs} (-1 = not
     * before the run's final heal). {@code trigger} says how {@code atNs} was given ("at 1s", "after 500 packets
     * of f").
     */
    public record TimedFault(Fault fault, long atNs, String trigger, long everyNs, long forNs, long untilNs,
            int times, YamlNode.Loc loc) {}

    /**
     * Random faults, Jepsen-nemesis style: from {@code startNs} to {@code untilNs}, wait a gap drawn from
     * [gapMin, gapMax], inject one fault drawn from {@code faults}, heal it after a duration drawn from
     * [forMin, forMax], repeat. One fault at a time; all draws from the experiment seed.
     */
    public record Nemesis(List<Fault> faults, long gapMinNs, long gapMaxNs, long forMinNs, long forMaxNs,
            long startNs, long untilNs, YamlNode.Loc loc) {}

    public boolean needsCluster() {
        for (TimedFault t : faults) {
            if (t.fault().needsCluster()) {
                return true;
            }
        }
        if (nemesis != null) {
            for (Fault f : nemesis.faults()) {
                if (f.needsCluster()) {
                    return true;
                }
            }
        }
        return false;
    }
}
