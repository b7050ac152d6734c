package io.lwtemu.node.experiment;

import io.lwtemu.node.experiment.Scenario.Nemesis;
import io.lwtemu.node.experiment.Scenario.TimedFault;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.fault.FaultInjector;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.topology.YamlNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The scenario's faults as concrete occurrences in emulated time (timeline entries expanded, the nemesis drawn
 * from the seed up front), scheduled as {@link Network#at} actions: each runs between ticks, so both engines see
 * every change at the same point of every router's packet sequence.
 */
final class FaultSchedule {
    /** One injection at {@code atNs}, healed at {@code healNs} (-1: at the final heal). */
    record Occurrence(long atNs, Fault fault, long healNs, YamlNode.Loc loc, String source) {}

    private FaultSchedule() {
    }

    static List<Occurrence> expand(Scenario sc, SplittableRandom nemesisRandom) {
        long end = sc.durationNs();
        List<Occurrence> out = new ArrayList<>();
        for (TimedFault tf : sc.faults()) {
            long t = tf.atNs();
            for (int k = 0; t < Math.min(tf.untilNs(), end) && (tf.times() < 0 || k < tf.times()); k++) {
                long heal = tf.forNs() >= 0 && t + tf.forNs() < end ? t + tf.forNs() : -1;
                out.add(new Occurrence(t, tf.fault(), heal, tf.loc(), "timeline"));
                if (tf.everyNs() == 0) {
                    break;
                }
                t += tf.everyNs();
            }
        }
        Nemesis n = sc.nemesis();
        if (n != null) {
            long t = n.startNs();
            for (;;) {
                t += draw(nemesisRandom, n.gapMinNs(), n.gapMaxNs());
                if (t >= Math.min(n.untilNs(), end)) {
                    break;
                }
                Fault f = n.faults().get(nemesisRandom.nextInt(n.faults().size()));
                long d = draw(nemesisRandom, n.forMinNs(), n.forMaxNs());
                out.add(new Occurrence(t, f, t + d < end ? t + d : -1, n.loc(), "nemesis"));
                t += d;
            }
        }
        out.sort(Comparator.comparingLong(Occurrence::atNs)); // stable: file order at equal times
        return out;
    }

    private static long draw(SplittableRandom r, long lo, long hi) {
        return lo == hi ? lo : lo + r.nextLong(hi - lo + 1);
    }

    /**
     * Schedules every occurrence, its heal, and the final heal of whatever is still broken at
     * {@code finalHealNs}.
     */
    static void install(Network net, FaultInjector inj, List<Occurrence> occ, long finalHealNs) {
        LinkedHashSet<Runnable> active = new LinkedHashSet<>();
        for (int i = 0; i < occ.size(); i++) {
            Occurrence o = occ.get(i);
            long end = o.healNs() >= 0 ? o.healNs() : resumeOf(occ, i, finalHealNs);
            net.at(o.atNs(), o.fault().text(), () -> {
                Runnable heal = inj.inject(o.fault(), o.atNs(), end);
                if (heal == null) {
                    return;
                }
                active.add(heal);
                if (o.healNs() >= 0) {
                    net.at(o.healNs(), "heal " + o.fault().text(), () -> {
                        if (active.remove(heal)) {
                            heal.run();
                        }
                    });
                }
            });
        }
        net.at(finalHealNs, "heal everything", () -> {
            List<Runnable> all = new ArrayList<>(active);
            active.clear();
            for (int i = all.size() - 1; i >= 0; i--) {
                all.get(i).run();
            }
        });
    }

    /** When a pause without 'for' ends: the next resume, restart or crash of the same node, else the final heal. */
    private static long resumeOf(List<Occurrence> occ, int i, long finalHealNs) {
        if (!(occ.get(i).fault() instanceof Fault.RouterPause p)) {
            return finalHealNs;
        }
        for (int j = i + 1; j < occ.size(); j++) {
            Fault f = occ.get(j).fault();
            if (f instanceof Fault.RouterResume r && r.node().equals(p.node())
                    || f instanceof Fault.RouterRestart rr && rr.node().equals(p.node())
                    || f instanceof Fault.RouterCrash c && c.node().equals(p.node())) {
                return occ.get(j).atNs();
            }
        }
        return finalHealNs;
    }
}
