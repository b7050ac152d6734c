package io.lwtemu.node.icmp;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IP reassembly on the destination host, after {@code ip_defrag()} (IPv4), {@code ipv6_frag_rcv()} (IPv6) and
 * net/ipv4/inet_fragment.c: fragments are queued by (src, dst, protocol, id) for IPv4 and (src, dst, id) for
 * IPv6; an exact duplicate is ignored, any other overlap discards the whole datagram (as Linux does since the
 * FragmentSmack fixes, and RFC 5722 demands for IPv6); a datagram above 65535 bytes is dropped. A non-final IPv4
 * fragment's length is cut down to a multiple of 8; a non-final IPv6 fragment whose length is not a multiple of
 * 8 is refused (the kernel answers with a parameter problem). Queues expire after ipfrag_time (30 s) /
 * ip6frag_time (60 s); an expired queue that had its first fragment yields an ICMP "fragment reassembly time
 * exceeded". Memory is bounded: fragments arriving while {@code maxBytes} (ipfrag_high_thresh) would be
 * exceeded are dropped.
 *
 * <p>Time is passed in by the caller (virtual or real nanoseconds), so tests need no sleeping; the owner calls
 * {@link #expire} from its timer (the kernel's per-queue timer) and turns the result into ICMP messages.
 */
public final class Reassembler {
    /** What happened to the last packet given to {@link #add}. */
    public enum Status { NOT_FRAGMENT, QUEUED, COMPLETE, DUPLICATE, OVERLAP, OVER_MEMORY, OVERSIZED, MALFORMED }

    /** A queue that timed out; {@code firstFragment} (the whole first fragment) is null when it never arrived. */
    public record Expired(boolean v6, long id, byte[] firstFragment) {}

    private record Key(boolean v6, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, long id) {}

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
        /** IPv4 header, or the IPv6 unfragmentable part (IPv6 header + extension headers before the fragment header). */
        byte[] firstHeader;
        byte[] firstFragment;
        /** IPv6: offset in firstHeader of the next-header byte that pointed at the fragment header. */
        int nexthdrPos;
        int fragNexthdr;
        int totalPayload = -1;
        int bytes;

        Queue(long created) {
            this.created = created;
        }
    }

    private final long timeoutV4;
    private final long timeoutV6;
    private final int maxBytes;
    private final Map<Key, Queue> queues = new LinkedHashMap<>();
    private final Ipv4Header ip = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private int memory;
    private Status status;
    public long reasmOks;
    public long reasmFails;
    public long reasmTimeouts;

    public Reassembler(long timeoutV4Nanos, long timeoutV6Nanos, int maxBytes) {
        this.timeoutV4 = timeoutV4Nanos;
        this.timeoutV6 = timeoutV6Nanos;
        this.maxBytes = maxBytes;
    }

    /** Same timeout for both families. */
    public Reassembler(long timeoutNanos, int maxBytes) {
        this(timeoutNanos, timeoutNanos, maxBytes);
    }

    /** Linux defaults: 30 s (IPv4), 60 s (IPv6), 4 MiB. */
    public static Reassembler linuxDefaults() {
        return new Reassembler(30_000_000_000L, 60_000_000_000L, 4 << 20);
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
        if (len >= 1 && (pkt[off] & 0xf0) == 0x60) {
            return addV6(pkt, off, len, nowNanos);
        }
        ip.wrap(pkt, off);
        if (len < Ipv4Header.MIN_LENGTH) {
            status = Status.MALFORMED;
            return null;
        }
        int hlen = ip.headerLength();
        int total = ip.totalLength();
        if (hlen < Ipv4Header.MIN_LENGTH || total < hlen || total > len) {
            status = Status.MALFORMED;
            return null;
        }
        if (!ip.isFragment()) {
            status = Status.NOT_FRAGMENT;
            return copy(pkt, off, total);
        }
        Key key = new Key(false, ip.src() & 0xffffffffL, 0, ip.dst() & 0xffffffffL, 0, ip.protocol(), ip.id());
        int start = ip.fragmentOffsetBytes();
        int end = start + total - hlen;
        boolean last = !ip.moreFragments();
        if (!last) {
            end &= ~7;
        }
        if (end > 65535 - hlen) {
            fail(key, Status.OVERSIZED);
            return null;
        }
        Queue q = queue(key, end - start, nowNanos);
        if (q == null || !insert(key, q, start, end, last, pkt, off + hlen)) {
            return null;
        }
        if (start == 0) {
            q.firstHeader = copy(pkt, off, hlen);
            q.firstFragment = copy(pkt, off, total);
        }
        if (!complete(q)) {
            status = Status.QUEUED;
            return null;
        }
        byte[] out = assemble(key, q);
        Ipv4Header h = new Ipv4Header().wrap(out, 0);
        h.totalLength(out.length).fragOff(h.fragOff() & Ipv4Header.FLAG_DF).updateChecksum();
        return out;
    }

    private byte[] addV6(byte[] pkt, int off, int len, long nowNanos) {
        if (len < Ipv6Header.LENGTH) {
            status = Status.MALFORMED;
            return null;
        }
        ip6.wrap(pkt, off);
        int total = Ipv6Header.LENGTH + ip6.payloadLength();
        if (total > len) {
            status = Status.MALFORMED;
            return null;
        }
        int limit = off + total;
        // Walk to the fragment header, remembering which next-header byte points at it.
        int nexthdrPos = off + Ipv6Header.NEXT_HEADER;
        int nexthdr = ip6.nextHeader();
        int pos = off + Ipv6Header.LENGTH;
        while (nexthdr != IpProtocol.FRAGMENT && Ipv6Header.isExtensionHeader(nexthdr)) {
            if (pos + 8 > limit) {
                status = Status.MALFORMED;
                return null;
            }
            int hl = nexthdr == IpProtocol.AH ? ((pkt[pos + 1] & 0xff) + 2) * 4 : ((pkt[pos + 1] & 0xff) + 1) * 8;
            nexthdrPos = pos;
            nexthdr = pkt[pos] & 0xff;
            pos += hl;
        }
        if (nexthdr != IpProtocol.FRAGMENT) {
            status = Status.NOT_FRAGMENT;
            return copy(pkt, off, total);
        }
        if (pos + Ipv6Header.FRAG_HEADER_LENGTH > limit) {
            status = Status.MALFORMED;
            return null;
        }
        int fragField = Bytes.u16(pkt, pos + 2);
        int start = fragField & 0xfff8;
        boolean more = (fragField & 1) != 0;
        if (start == 0 && !more) {
            status = Status.NOT_FRAGMENT; // atomic fragment (RFC 6946): handled as a plain packet
            return copy(pkt, off, total);
        }
        int dataOff = pos + Ipv6Header.FRAG_HEADER_LENGTH;
        int unfragLen = pos - off;
        int end = start + (limit - dataOff);
        Key key = new Key(true, ip6.srcHigh(), ip6.srcLow(), ip6.dstHigh(), ip6.dstLow(), 0, Bytes.u32(pkt, pos + 4));
        if (more && ((end - start) & 7) != 0) {
            fail(key, Status.MALFORMED);
            return null;
        }
        if (end + unfragLen - Ipv6Header.LENGTH > 65535) {
            fail(key, Status.OVERSIZED);
            return null;
        }
        Queue q = queue(key, end - start, nowNanos);
        if (q == null || !insert(key, q, start, end, !more, pkt, dataOff)) {
            return null;
        }
        if (start == 0) {
            q.firstHeader = copy(pkt, off, unfragLen);
            q.firstFragment = copy(pkt, off, total);
            q.nexthdrPos = nexthdrPos - off;
            q.fragNexthdr = pkt[pos] & 0xff;
        }
        if (!complete(q)) {
            status = Status.QUEUED;
            return null;
        }
        byte[] out = assemble(key, q);
        out[q.nexthdrPos] = (byte) q.fragNexthdr;
        new Ipv6Header().wrap(out, 0).payloadLength(out.length - Ipv6Header.LENGTH);
        return out;
    }

    private Queue queue(Key key, int size, long now) {
        Queue q = queues.get(key);
        if (memory + size > maxBytes) {
            if (q != null) {
                queues.remove(key);
                release(q);
            }
            reasmFails++;
            status = Status.OVER_MEMORY;
            return null;
        }
        if (q == null) {
            q = new Queue(now);
            queues.put(key, q);
        }
        return q;
    }

    /** inet_frag_queue_insert plus the end checks; false (with status set) when the fragment was not queued. */
    private boolean insert(Key key, Queue q, int start, int end, boolean last, byte[] pkt, int dataOff) {
        if (last) {
            if (q.totalPayload >= 0 && q.totalPayload != end || maxEnd(q) > end) {
                fail(key, Status.MALFORMED);
                return false;
            }
            q.totalPayload = end;
        } else if (q.totalPayload >= 0 && end > q.totalPayload) {
            fail(key, Status.MALFORMED);
            return false;
        }
        for (Frag f : q.frags) {
            if (f.start == start && f.end == end) {
                status = Status.DUPLICATE;
                return false;
            }
            if (start < f.end && f.start < end) {
                fail(key, Status.OVERLAP);
                return false;
            }
        }
        byte[] data = copy(pkt, dataOff, end - start);
        q.frags.add(new Frag(start, end, data));
        q.bytes += data.length;
        memory += data.length;
        return true;
    }

    private static boolean complete(Queue q) {
        if (q.firstHeader == null || q.totalPayload < 0) {
            return false;
        }
        int sum = 0; // no overlaps are ever queued, so full coverage means the sum matches
        for (Frag f : q.frags) {
            sum += f.end - f.start;
        }
        return sum == q.totalPayload;
    }

    private byte[] assemble(Key key, Queue q) {
        queues.remove(key);
        release(q);
        int fh = q.firstHeader.length;
        byte[] out = new byte[fh + q.totalPayload];
        System.arraycopy(q.firstHeader, 0, out, 0, fh);
        for (Frag f : q.frags) {
            System.arraycopy(f.data, 0, out, fh + f.start, f.data.length);
        }
        reasmOks++;
        status = Status.COMPLETE;
        return out;
    }

    private void fail(Key key, Status why) {
        release(queues.remove(key));
        reasmFails++;
        status = why;
    }

    private static int maxEnd(Queue q) {
        int m = 0;
        for (Frag f : q.frags) {
            m = Math.max(m, f.end);
        }
        return m;
    }

    private static byte[] copy(byte[] b, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(b, off, out, 0, len);
        return out;
    }

    private void release(Queue q) {
        if (q != null) {
            memory -= q.bytes;
        }
    }

    /** Drops queues older than their family's timeout and returns them (ip_expire / ip6_frag_expire). */
    public List<Expired> expire(long nowNanos) {
        List<Expired> out = null;
        Iterator<Map.Entry<Key, Queue>> it = queues.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Queue> e = it.next();
            Queue q = e.getValue();
            Key k = e.getKey();
            if (nowNanos - q.created < (k.v6() ? timeoutV6 : timeoutV4)) {
                continue;
            }
            it.remove();
            release(q);
            reasmFails++;
            reasmTimeouts++;
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(new Expired(k.v6(), k.id(), q.firstFragment));
        }
        return out == null ? List.of() : out;
    }
}
