package io.lwtemu.node.impair;

/**
 * The wire behind a netem qdisc, serialising packets in the order they leave netem. sch_netem.c keeps the packets
 * it delays in a tfifo ordered by {@code time_to_send} (a reordered packet goes to the head with time_to_send =
 * now) and hands them to the device in that order when their time comes; so a packet that jitter or reordering
 * lets overtake others also goes onto a link with a bandwidth before them, and the link's serialisation follows
 * departure order, not the order netem got the packets.
 *
 * <p>Kept by the receiving end of a link direction: packets come in stamped with their netem departure plus the
 * propagation delay (the earliest they could arrive), queued in that order, and this computes, for the packet at
 * the head, when its serialisation ends (behind the previous one) and so when it really arrives. A packet sent
 * later can only leave netem at or after its send time, so by the time the head's arrival comes every packet that
 * leaves netem before it is already queued (the routers' lookahead is at most the link delay). Without netem the
 * result is the same FIFO serialisation as computed at the sender.
 */
public final class DepartureOrderLink {
    private final long bandwidthBps;
    private final long delayNs;
    private long busyUntil;

    public DepartureOrderLink(long bandwidthBps, long delayNs) {
        this.bandwidthBps = bandwidthBps;
        this.delayNs = delayNs;
    }

    /** Arrival of the head packet of {@code len} bytes stamped {@code stampedNs} (departure + delay). */
    public long arrival(long stampedNs, int len) {
        if (bandwidthBps == 0) {
            return stampedNs;
        }
        long start = Math.max(stampedNs - delayNs, busyUntil);
        return start + serialisationNs(len, bandwidthBps) + delayNs;
    }

    /** The head packet that {@link #arrival} was asked about is on its way: the wire is busy until it is sent. */
    public void taken(long arrivalNs) {
        if (bandwidthBps != 0) {
            busyUntil = arrivalNs - delayNs;
        }
    }

    /** Time to put {@code len} bytes on a wire of {@code bps} bits per second (rounded up). */
    public static long serialisationNs(int len, long bps) {
        return (len * 8L * 1_000_000_000L + bps - 1) / bps;
    }
}
