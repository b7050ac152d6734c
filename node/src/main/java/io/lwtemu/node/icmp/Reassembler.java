package io.lwtemu.node.icmp;

import io.lwtemu.node.packet.Ipv4Header;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IPv4 reassembly on the destination host, after {@code ip_defrag()} / net/ipv4/inet_fragment.c:
 * fragments are queued by (src, dst, protocol, id); an exact duplicate is ignored, any other overlap discards
 * the whole datagram (as Linux does since the FragmentSmack fixes); a non-final fragment's length is cut down to
 * a multiple of 8; a datagram above 65535 bytes is dropped. Queues expire after {@code timeoutNanos}
 * (ipfrag_time, 30 s); an expired queue that had its first fragment yields an ICMP "fragment reassembly time
 * exceeded". Memory is bounded: fragments arriving while {@code maxBytes} (ipfrag_high_thresh) are queued are
 * dropped.
 *
 * <p>Time is passed in by the caller (virtual or real nanoseconds), so tests need no sleeping; the owner calls
 * {@link #expire} from its timer (the kernel's per-queue timer) and turns the result into ICMP messages.
 */
public final class Reassembler {
    /** What happened to the last fragment given to {@link #add}. */
    public enum Status { NOT_FRAGMENT, QUEUED, COMPLETE, DUPLICATE, OVERLAP, OVER_MEMORY, OVERSIZED, MALFORMED }

    /** A queue that timed out; {@code firstFragment} is null when fragment 0 never arrived. */
    public record Expired(int src, int dst, int protocol, int id, byte[] firstFragment) {}

    private record Key(int src, int dst, int protocol, int id) {}

    private static final class Frag {
        final int start;
        final int end;
        final byte[] data;

        Frag(int start, int end, byte[] data) {
            this.start = start;
            this.end = end;
            this.data = data;
        }
    }

    private static final class Queue {
        final long created;
        final List<Frag> frags = new ArrayList<>();
        byte[] firstHeader;
        byte[] firstFragment;
        int totalPayload = -1;
        int bytes;

        Queue(long created) {
            this.created = created;
        }
    }

    private final long timeoutNanos;
    private final int maxBytes;
    private final Map<Key, Queue> queues = new LinkedHashMap<>();
    private final Ipv4Header ip = new Ipv4Header();
    private int memory;
    private Status status;
    public long reasmOks;
    public long reasmFails;
    public long reasmTimeouts;

    public Reassembler(long timeoutNanos, int maxBytes) {
        this.timeoutNanos = timeoutNanos;
        this.maxBytes = maxBytes;
    }

    /** Linux defaults: 30 s, 4 MiB. */
    public static Reassembler linuxDefaults() {
        return new Reassembler(30_000_000_000L, 4 << 20);
    }

    public Status status() {
        return status;
    }

    /** Bytes of fragment payload currently queued. */
    public int memory() {
        return memory;
    }

    public int pendingDatagrams() {
        return queues.size();
    }

    /**
     * Adds a packet. Returns the reassembled datagram when this fragment completed it; a non-fragment is returned
     * as a copy; otherwise null with {@link #status()} saying why.
     */
    public byte[] add(byte[] pkt, int off, int len, long nowNanos) {
        ip.wrap(pkt, off);
        int hlen = ip.headerLength();
        int total = ip.totalLength();
        if (hlen < Ipv4Header.MIN_LENGTH || total < hlen || total > len) {
            status = Status.MALFORMED;
            return null;
        }
        if (!ip.isFragment()) {
            status = Status.NOT_FRAGMENT;
            byte[] copy = new byte[total];
            System.arraycopy(pkt, off, copy, 0, total);
            return copy;
        }
        Key key = new Key(ip.src(), ip.dst(), ip.protocol(), ip.id());
        int start = ip.fragmentOffsetBytes();
        int end = start + total - hlen;
        boolean last = !ip.moreFragments();
        if (!last) {
            end &= ~7;
        }
        if (end > 65535 - hlen) {
            Queue q = queues.remove(key);
            release(q);
            reasmFails++;
            status = Status.OVERSIZED;
            return null;
        }
        Queue q = queues.get(key);
        if (q == null) {
            if (memory + (end - start) > maxBytes) {
                reasmFails++;
                status = Status.OVER_MEMORY;
                return null;
            }
            q = new Queue(nowNanos);
            queues.put(key, q);
        } else if (memory + (end - start) > maxBytes) {
            queues.remove(key);
            release(q);
            reasmFails++;
            status = Status.OVER_MEMORY;
            return null;
        }
        if (last) {
            if (q.totalPayload >= 0 && q.totalPayload != end || maxEnd(q) > end) {
                queues.remove(key);
                release(q);
                reasmFails++;
                status = Status.MALFORMED;
                return null;
            }
            q.totalPayload = end;
        } else if (q.totalPayload >= 0 && end > q.totalPayload) {
            queues.remove(key);
            release(q);
            reasmFails++;
            status = Status.MALFORMED;
            return null;
        }
        for (Frag f : q.frags) {
            if (f.start == start && f.end == end) {
                status = Status.DUPLICATE;
                return null;
            }
            if (start < f.end && f.start < end) {
                queues.remove(key);
                release(q);
                reasmFails++;
                status = Status.OVERLAP;
                return null;
            }
        }
        byte[] data = new byte[end - start];
        System.arraycopy(pkt, off + hlen, data, 0, end - start);
        q.frags.add(new Frag(start, end, data));
        q.bytes += data.length;
        memory += data.length;
        if (start == 0) {
            q.firstHeader = new byte[hlen];
            System.arraycopy(pkt, off, q.firstHeader, 0, hlen);
            q.firstFragment = new byte[total];
            System.arraycopy(pkt, off, q.firstFragment, 0, total);
        }
        if (q.firstHeader == null || q.totalPayload < 0 || covered(q) != q.totalPayload) {
            status = Status.QUEUED;
            return null;
        }
        queues.remove(key);
        release(q);
        int fh = q.firstHeader.length;
        byte[] out = new byte[fh + q.totalPayload];
        System.arraycopy(q.firstHeader, 0, out, 0, fh);
        for (Frag f : q.frags) {
            System.arraycopy(f.data, 0, out, fh + f.start, f.data.length);
        }
        Ipv4Header h = new Ipv4Header().wrap(out, 0);
        h.totalLength(out.length).fragOff(h.fragOff() & Ipv4Header.FLAG_DF).updateChecksum();
        reasmOks++;
        status = Status.COMPLETE;
        return out;
    }

    private static int maxEnd(Queue q) {
        int m = 0;
        for (Frag f : q.frags) {
            m = Math.max(m, f.end);
        }
        return m;
    }

    /** Sum of fragment lengths; equals the payload size exactly when there are no holes (overlaps are refused). */
    private static int covered(Queue q) {
        int sum = 0;
        for (Frag f : q.frags) {
            sum += f.end - f.start;
        }
        return sum;
    }

    private void release(Queue q) {
        if (q != null) {
            memory -= q.bytes;
        }
    }

    /** Drops queues older than the timeout and returns them (ip_expire). */
    public List<Expired> expire(long nowNanos) {
        List<Expired> out = null;
        Iterator<Map.Entry<Key, Queue>> it = queues.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Queue> e = it.next();
            Queue q = e.getValue();
            if (nowNanos - q.created < timeoutNanos) {
                continue;
            }
            it.remove();
            release(q);
            reasmFails++;
            reasmTimeouts++;
            if (out == null) {
                out = new ArrayList<>();
            }
            Key k = e.getKey();
            out.add(new Expired(k.src(), k.dst(), k.protocol(), k.id(), q.firstFragment));
        }
        return out == null ? List.of() : out;
    }
}
