package io.lwtemu.node.net;

/**
 * Something a node does at an emulated time: send the next packet of a flow, a ping, a traceroute probe, a
 * timeout. Mutable and reusable: a periodic task sets {@link #at} again and is re-queued without allocating.
 */
public abstract class TimerTask implements Comparable<TimerTask> {
    /** Emulated nanoseconds when the task runs. */
    public long at;
    long seq;

    /** Runs the task; return true to be queued again at the (updated) {@link #at}. */
    public abstract boolean fire(Router router, long now);

    @Override
    public int compareTo(TimerTask o) {
        int c = Long.compare(at, o.at);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
