package io.lwtemu.node.cluster;

import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.net.Drops;
import io.lwtemu.node.net.FlowCounters;
import io.lwtemu.node.serialization.RouterSnapshot;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;

/**
 * The counters of every router of a cluster run as the coordinator knows them after each tick: the flow counter
 * vector ({@link FlowCounters#toVector()}) and totals of the router's current incarnation, what its earlier
 * incarnations (and the {@code member_down} losses charged to it) added up to, its last census and the last
 * snapshot of its pinned maps.
 *
 * <p>Because the counters are never older than the router's last finished tick, the packets lost with a member
 * are exactly those the counters say are in flight and no surviving router holds ({@link #chargeMemberDown}).
 */
final class CounterLedger {
    private final int n;
    /** Earlier incarnations plus member_down, as a flow vector. */
    private final long[][] base;
    private final long[][] vec;
    /** Per router processed, delivered, dropped of earlier incarnations; and of the current one. */
    private final long[] baseTotals;
    private final long[][] live;
    private final long[][] census;
    private final RouterSnapshot[] snapshots;
    private final RouterEntity.Handover[] handovers;
    /** Each router's interface and outcome counters as of its last snapshot round (a Handover without packets). */
    private final RouterEntity.Handover[] counters;
    private long memberDownTotal;

    CounterLedger(int n) {
        this.n = n;
        this.base = new long[n][0];
        this.vec = new long[n][0];
        this.baseTotals = new long[3 * n];
        this.live = new long[n][3];
        this.census = new long[n][];
        this.snapshots = new RouterSnapshot[n];
        this.handovers = new RouterEntity.Handover[n];
        this.counters = new RouterEntity.Handover[n];
    }

    /** Takes in the counter cells that changed in a router's tick, its totals, census and snapshot. */
    void record(ClusterRunActor.TickDone d) {
        int r = d.router();
        long[] v = vec[r];
        for (int k = 0; k < d.counterIdx().length; k++) {
            int idx = d.counterIdx()[k];
            if (idx >= v.length) {
                // Whole flows only: readers take the vector flow by flow.
                int stride = FlowCounters.VECTOR_STRIDE;
                v = Arrays.copyOf(v, (idx / stride + 1) * stride);
            }
            v[idx] = d.counterVal()[k];
        }
        vec[r] = v;
        live[r][0] = d.processed();
        live[r][1] = d.delivered();
        live[r][2] = d.dropped();
        if (d.census() != null) {
            census[r] = d.census();
        }
        if (d.snapshot() != null) {
            snapshots[r] = d.snapshot();
        }
        if (d.handover() != null && d.handover().packets() != null) {
            handovers[r] = d.handover();
        } else if (d.handover() != null) {
            counters[r] = d.handover();
        }
    }

    /**
     * After a census round: charges what the counters of all routers say is in flight and no surviving router
     * ({@code survivor}) counted on its way to it as {@code member_down} to the first of the {@code lost} routers,
     * and closes the lost routers' incarnations (their counters move to their base). Returns the packets charged.
     */
    long chargeMemberDown(SortedSet<Integer> lost, IntPredicate survivor, int slots, Consumer<String> out,
            Logger log, long now) {
        long[] residual = new long[slots];
        for (int i = 0; i < n; i++) {
            addInFlight(residual, base[i]);
            addInFlight(residual, vec[i]);
            if (survivor.test(i) && census[i] != null) {
                for (int f = 0; f < Math.min(slots, census[i].length); f++) {
                    residual[f] -= census[i][f];
                }
            }
            census[i] = null;
        }
        int first = lost.first();
        long[] down = new long[slots * FlowCounters.VECTOR_STRIDE];
        long total = 0;
        for (int f = 0; f < slots; f++) {
            if (residual[f] < 0) {
                out.accept("lwtemu: accounting defect: flow " + f + " has " + -residual[f]
                        + " more outcomes than packets after losing a member");
                continue;
            }
            down[f * FlowCounters.VECTOR_STRIDE + 5 + Drops.of(DropReason.MEMBER_DOWN)] = residual[f];
            total += residual[f];
        }
        memberDownTotal += total;
        if (log.isDebugEnabled()) {
            log.debug("recovery at {}: residual per flow {}", now, Arrays.toString(residual));
        }
        for (int i : lost) {
            base[i] = add(add(base[i], vec[i]), i == first ? down : new long[0]);
            vec[i] = new long[0];
            for (int k = 0; k < 3; k++) {
                baseTotals[3 * i + k] += live[i][k];
                live[i][k] = 0;
            }
            baseTotals[3 * i + 2] += i == first ? total : 0;
        }
        return total;
    }

    /** What router {@code i}'s earlier incarnations and the member_down charged to it add to its flow counters. */
    long[] base(int i) {
        return base[i];
    }

    /** Router {@code i}'s flow counters over all its incarnations as of its last tick (a new array). */
    long[] counters(int i) {
        return add(base[i], vec[i]);
    }

    long processed(int i) {
        return baseTotals[3 * i] + live[i][0];
    }

    long delivered(int i) {
        return baseTotals[3 * i + 1] + live[i][1];
    }

    long dropped(int i) {
        return baseTotals[3 * i + 2] + live[i][2];
    }

    long memberDownTotal() {
        return memberDownTotal;
    }

    /** What router {@code i}, moved off its member, hands to its next incarnation; null when not moving. */
    RouterEntity.Handover handover(int i) {
        return handovers[i];
    }

    /**
     * What router {@code i}'s next incarnation starts from: its handover when it moved, else the interface counters
     * it last reported (null before its first snapshot round).
     */
    RouterEntity.Handover startState(int i) {
        return handovers[i] != null ? handovers[i] : counters[i];
    }

    /** Router {@code i}'s next incarnation took its handover over. */
    void handedOver(int i) {
        handovers[i] = null;
    }

    /** The last snapshot of router {@code i}'s pinned maps, or null. */
    RouterSnapshot snapshot(int i) {
        return snapshots[i];
    }

    List<RouterSnapshot> snapshots() {
        return Arrays.asList(snapshots);
    }

    private static void addInFlight(long[] residual, long[] v) {
        int stride = FlowCounters.VECTOR_STRIDE;
        for (int f = 0; f < Math.min(residual.length, v.length / stride); f++) {
            int o = f * stride;
            long dropped = 0;
            for (int c = 0; c < Drops.COUNT; c++) {
                dropped += v[o + 5 + c];
            }
            residual[f] += v[o] - v[o + 1] - dropped;
        }
    }

    private static long[] add(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, Math.max(a.length, b.length));
        for (int i = 0; i < b.length; i++) {
            r[i] += b[i];
        }
        return r;
    }
}
