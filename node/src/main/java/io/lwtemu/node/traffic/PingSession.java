package io.lwtemu.node.traffic;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.IcmpListener;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.net.TimerTask;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code ping} on an emulated node: echo requests every interval with iputils' id/sequence scheme, replies and
 * ICMP errors printed as iputils does, RTTs in emulated time, and the statistics block at the end.
 */
public final class PingSession extends TimerTask implements IcmpListener {
    private static int nextIdent = 0x1234;

    private final Router router;
    private final IpAddress dst;
    private final IpAddress src;
    private final int count;
    private final int size;
    private final long intervalNs;
    private final boolean dontFragment;
    private final int flowId;
    private final int ident;
    private final Consumer<String> out;
    private final long[] sentAt;
    private final boolean[] answered;
    private final IcmpView view = new IcmpView();
    private int transmitted;
    private int received;
    private int errors;
    private long firstSend = -1;
    private long lastSend;
    private double rttMin = Double.MAX_VALUE;
    private double rttMax;
    private double rttSum;
    private double rttSumSq;

    public PingSession(Router router, IpAddress dst, int count, int size, long intervalNs, long startNs,
            boolean dontFragment, int flowId, Consumer<String> out) {
        this.router = router;
        this.dst = dst;
        this.src = SourceAddress.select(router, dst);
        this.count = count;
        this.size = size;
        this.intervalNs = intervalNs;
        this.dontFragment = dontFragment;
        this.flowId = flowId;
        this.ident = nextIdent++ & 0xffff;
        this.out = out;
        this.sentAt = new long[count + 1];
        this.answered = new boolean[count + 1];
        this.at = startNs;
        int ipHeader = dst.family() == Family.INET ? 20 : 40;
        out.accept(String.format(Locale.ROOT, "PING %s (%s) %d(%d) bytes of data.", dst, dst, size,
                size + 8 + ipHeader));
        router.addIcmpListener(this);
    }

    /** All requests sent and each answered or given up on (one interval, at least 1s, after the last). */
    public boolean done(long now) {
        return transmitted == count && (received + errors >= count || now >= lastSend + Math.max(intervalNs,
                1_000_000_000L));
    }

    /** Time by which {@link #done} becomes true at the latest. */
    public long deadline() {
        return at + (long) (count - transmitted) * intervalNs + Math.max(intervalNs, 1_000_000_000L);
    }

    public int transmitted() {
        return transmitted;
    }

    public int received() {
        return received;
    }

    public int errors() {
        return errors;
    }

    @Override
    public boolean fire(Router r, long now) {
        int seq = transmitted + 1;
        PacketBuilder b = dst.family() == Family.INET ? PacketBuilder.ipv4(src.toString(), dst.toString())
                : PacketBuilder.ipv6(src.toString(), dst.toString());
        if (dontFragment) {
            b.dontFragment();
        }
        b.id(seq);
        byte[] p = b.icmpEchoRequest(ident, seq, size);
        if (firstSend < 0) {
            firstSend = now;
        }
        lastSend = now;
        sentAt[seq] = now;
        transmitted++;
        r.originate(p, flowId);
        at = now + intervalNs;
        return transmitted < count;
    }

    @Override
    public boolean onIcmp(Router r, byte[] buf, int ipOff, int l4Off, int len, long now) {
        if (!view.parse(buf, ipOff, l4Off, len)) {
            return false;
        }
        if (view.isEchoReply()) {
            // iputils matches replies by identifier only; one from another address still counts, marked
            if (view.echoId != ident) {
                return false;
            }
            int seq = view.echoSeq;
            if (seq < 1 || seq > transmitted) {
                return false;
            }
            double ms = (now - sentAt[seq]) / 1e6;
            boolean dup = answered[seq];
            answered[seq] = true;
            if (!dup) {
                received++;
                rttMin = Math.min(rttMin, ms);
                rttMax = Math.max(rttMax, ms);
                rttSum += ms;
                rttSumSq += ms * ms;
            }
            out.accept(String.format(Locale.ROOT, "%d bytes from %s: icmp_seq=%d ttl=%d time=%s ms%s",
                    len - (l4Off - ipOff), view.from, seq, view.ttl, rtt(ms), (dup ? " (DUP!)" : "")
                    + (view.from.equals(dst) ? "" : " (DIFFERENT ADDRESS!)")));
            return true;
        }
        if (!view.quoted || !view.innerSrc.equals(src) || !view.innerDst.equals(dst)) {
            return false;
        }
        int echoReq = view.v6 ? 128 : 8;
        if (view.innerProto != (view.v6 ? 58 : 1) || (buf[view.innerL4] & 0xff) != echoReq
                || IcmpView.u16(buf, view.innerL4 + 4) != ident) {
            return false;
        }
        int seq = IcmpView.u16(buf, view.innerL4 + 6);
        errors++;
        out.accept("From " + view.from + " icmp_seq=" + seq + " " + view.errorText());
        return true;
    }

    private static String rtt(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Prints the statistics block and stops listening. */
    public void finish() {
        router.removeIcmpListener(this);
        out.accept("");
        out.accept("--- " + dst + " ping statistics ---");
        int loss = transmitted == 0 ? 0 : (int) Math.round(100.0 * (transmitted - received) / transmitted);
        long timeMs = firstSend < 0 ? 0 : (lastSend - firstSend) / 1_000_000;
        out.accept(transmitted + " packets transmitted, " + received + " received"
                + (errors > 0 ? ", +" + errors + " errors" : "") + ", " + loss + "% packet loss, time " + timeMs
                + "ms");
        if (received > 0) {
            double avg = rttSum / received;
            double mdev = Math.sqrt(Math.max(0, rttSumSq / received - avg * avg));
            out.accept(String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", rttMin, avg,
                    rttMax, mdev));
        }
    }
}
