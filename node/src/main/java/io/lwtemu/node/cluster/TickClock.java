package io.lwtemu.node.cluster;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Emulated time of a cluster run as the coordinator drives it, in rounds: each round tells the routers that have
 * something to do to run until the tick's end ({@link RouterEntity.Tick}) and waits for every one's
 * {@link ClusterRunActor.TickDone}. From those it knows per router its earliest own event, the earliest packet on
 * its way to it, and per sender the last batch it must take in before it may run the next tick — so the next
 * tick is as long as the lookahead allows and no router runs ahead of a packet still on the wire.
 */
final class TickClock {
    private final int n;
    private final long lookahead;
    private final long until;
    private final long snapshotIntervalNs;
    private final double pace;
    /** expected[receiver][sender]: sequence number of the last batch sent in this pair of incarnations. */
    private final int[][] expected;
    private final long[] own;
    private final long[] incoming;
    private final boolean[] inRound;

    private int pending;
    private long round;
    private long now;
    private long tickEnd;
    private boolean flushing;
    private boolean actionTick;
    private long nextSnapshotAt;
    private long wallStart;
    private long wallStartEmulated;

    TickClock(int n, long nowNs, long lookahead, long untilNs, long snapshotIntervalNs, double pace) {
        this.n = n;
        this.now = nowNs;
        this.lookahead = lookahead;
        this.until = untilNs;
        this.snapshotIntervalNs = snapshotIntervalNs;
        this.pace = pace;
        this.expected = new int[n][n];
        this.own = new long[n];
        this.incoming = new long[n];
        Arrays.fill(incoming, Long.MAX_VALUE);
        this.inRound = new boolean[n];
        this.nextSnapshotAt = snapshotIntervalNs;
    }

    /** Emulated time every router has reached. */
    long now() {
        return now;
    }

    long round() {
        return round;
    }

    /** Routers of the current round that have not answered yet. */
    int pending() {
        return pending;
    }

    /** The tick just planned ends the run: routers report their pinned maps and the results are collected next. */
    boolean flushing() {
        return flushing;
    }

    /**
     * True once, when the tick that just finished ended at a scheduled link event: the caller applies it before the
     * next tick.
     */
    boolean takeActionTick() {
        boolean a = actionTick;
        actionTick = false;
        return a;
    }

    /** Router {@code i} (re)started with its earliest event at {@code nextEvent}. */
    void started(int i, long nextEvent) {
        own[i] = nextEvent;
    }

    /** Forgets what was known of router {@code i} before it starts again: no batches to or from it are owed. */
    void forget(int i) {
        for (int s = 0; s < n; s++) {
            expected[i][s] = 0;
            expected[s][i] = 0;
        }
        own[i] = Long.MAX_VALUE;
        incoming[i] = Long.MAX_VALUE;
    }

    /** The earliest event of any running router (own or on its way to it). */
    long nextEvent(RouterTable table) {
        long t = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (table.running(i)) {
                t = Math.min(t, Math.min(own[i], incoming[i]));
            }
        }
        return t;
    }

    /**
     * Plans the tick after {@code now} from the earliest event {@code next} and the next scheduled link event
     * {@code action}: up to the link event, the end of the run (then flushing), or one lookahead past the event.
     */
    void plan(long next, long action) {
        if (action <= next && action < until) {
            flushing = false;
            actionTick = true;
            tickEnd = Math.max(action, now);
            return;
        }
        actionTick = false;
        if (next >= until) {
            flushing = true;
            tickEnd = until;
        } else {
            flushing = false;
            tickEnd = Math.min(Math.min(until, action), Math.max(next, now) + lookahead);
        }
    }

    /**
     * Wall-clock nanoseconds to wait before the planned tick goes out so the run keeps its pace (then nothing is
     * pending), or 0 to send it now.
     */
    long paceWait() {
        if (pace > 0) {
            if (wallStart == 0) {
                wallStart = System.nanoTime();
                wallStartEmulated = now;
            }
            long due = wallStart + (long) ((now - wallStartEmulated) * pace);
            long wait = due - System.nanoTime();
            if (wait > 1_000_000) {
                pending = 0;
                return wait;
            }
        }
        return 0;
    }

    /**
     * Starts the next round: a Tick to every running router with an event before the tick's end (to all of them in
     * a census round, which runs nothing but counts the packets on their way, and when flushing or snapshotting).
     * Returns how many routers take part; their ticks go to {@code sink}.
     */
    int send(boolean censusRound, RouterTable table, BiConsumer<Integer, RouterEntity.Tick> sink) {
        round++;
        pending = 0;
        boolean snapshot = !censusRound && (now >= nextSnapshotAt || flushing);
        if (snapshot) {
            nextSnapshotAt = now + snapshotIntervalNs;
        }
        for (int i = 0; i < n; i++) {
            if (!table.running(i)) {
                continue;
            }
            if (censusRound || flushing || snapshot || Math.min(own[i], incoming[i]) < tickEnd) {
                incoming[i] = Long.MAX_VALUE;
                inRound[i] = true;
                pending++;
                sink.accept(i, tickFor(i, censusRound ? now : tickEnd, snapshot, censusRound, table));
            }
        }
        return pending;
    }

    private RouterEntity.Tick tickFor(int i, long end, boolean snapshot, boolean censusRound, RouterTable table) {
        int c = 0;
        for (int s = 0; s < n; s++) {
            if (expected[i][s] > 0 && table.running(s)) {
                c++;
            }
        }
        int[] senders = new int[c];
        int[] seqs = new int[c];
        for (int s = 0, k = 0; s < n; s++) {
            if (expected[i][s] > 0 && table.running(s)) {
                senders[k] = s;
                seqs[k++] = expected[i][s];
            }
        }
        return new RouterEntity.Tick(round, end, senders, seqs, snapshot, censusRound, false);
    }

    /**
     * Takes in a router's answer to the current round (false: stale — another round or incarnation): its next
     * event, and per receiver the batch it sent and that batch's earliest arrival.
     */
    boolean accept(ClusterRunActor.TickDone d, RouterTable table) {
        int r = d.router();
        if (d.round() != round || !inRound[r] || d.incarnation() != table.incarnation(r)) {
            return false;
        }
        inRound[r] = false;
        own[r] = d.nextEvent();
        for (int k = 0; k < d.dests().length; k++) {
            int dest = d.dests()[k];
            if (table.running(dest)) {
                incoming[dest] = Math.min(incoming[dest], d.firstArrival()[k]);
                expected[dest][r] = d.seqs()[k];
            }
        }
        pending--;
        return true;
    }

    /** Router {@code i} is gone: the round no longer waits for it. True when that completed the round. */
    boolean withdraw(int i) {
        if (!inRound[i]) {
            return false;
        }
        inRound[i] = false;
        return --pending == 0;
    }

    /** The round's routers all answered: emulated time moves to the tick's end. */
    long advance() {
        now = tickEnd;
        return now;
    }
}
