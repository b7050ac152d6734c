package io.lwtemu.node.experiment;

import io.lwtemu.node.net.Router;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import org.HdrHistogram.Histogram;

/**
 * Per-packet bookkeeping of one router for an experiment: one-way latency of delivered packets (HdrHistogram),
 * deliveries out of order or twice, and a digest of every outcome in processing order, per flow. A router
 * processes its packets in the same order on every engine, so equal digests mean equal per-packet outcomes.
 * Used by that router's thread only; {@link LedgerMerge} combines the routers' ledgers after the run.
 */
final class PacketLedger implements Router.PacketObserver {
    /** Largest latency recorded (100 s, 3 significant digits); longer ones are clamped. */
    static final long MAX_LATENCY_NS = 100_000_000_000L;
    private static final long SEQ_MASK = (1L << 40) - 1;

    Histogram[] latency = new Histogram[0];
    long[] reordered = new long[0];
    long[] duplicates = new long[0];
    long[] digest = new long[0];
    long[] outcomes = new long[0];
    /** Per flow, per origin router: highest delivered sequence + 1, and delivered sequences. */
    private long[][] maxSeq = new long[0][];
    private BitSet[][] seen = new BitSet[0][];
    private final int routers;

    PacketLedger(int routers) {
        this.routers = routers;
    }

    private void ensure(int flow) {
        if (flow >= digest.length) {
            int n = Math.max(flow + 1, digest.length * 2);
            latency = Arrays.copyOf(latency, n);
            reordered = Arrays.copyOf(reordered, n);
            duplicates = Arrays.copyOf(duplicates, n);
            digest = Arrays.copyOf(digest, n);
            outcomes = Arrays.copyOf(outcomes, n);
            maxSeq = Arrays.copyOf(maxSeq, n);
            seen = Arrays.copyOf(seen, n);
        }
    }

    @Override
    public void outcome(Router router, int flow, long id, long sentAtNs, long nowNs, int cause) {
        ensure(flow);
        outcomes[flow]++;
        digest[flow] = mix(digest[flow] * 31 + mix(id ^ (nowNs << 7) ^ ((long) cause << 56)));
        if (cause >= 0 || id < 0) {
            return;
        }
        Histogram h = latency[flow];
        if (h == null) {
            h = new Histogram(MAX_LATENCY_NS, 3);
            latency[flow] = h;
        }
        h.recordValue(Math.max(0, Math.min(nowNs - sentAtNs, MAX_LATENCY_NS)));
        int origin = (int) (id >>> 40) - 1;
        if (origin < 0 || origin >= routers) {
            return;
        }
        long seq = id & SEQ_MASK;
        if (maxSeq[flow] == null) {
            maxSeq[flow] = new long[routers];
            seen[flow] = new BitSet[routers];
        }
        BitSet s = seen[flow][origin];
        if (s == null) {
            s = new BitSet();
            seen[flow][origin] = s;
        }
        if (seq <= Integer.MAX_VALUE && s.get((int) seq)) {
            duplicates[flow]++;
            return;
        }
        if (seq <= Integer.MAX_VALUE) {
            s.set((int) seq);
        }
        if (seq + 1 < maxSeq[flow][origin]) {
            reordered[flow]++;
        } else {
            maxSeq[flow][origin] = seq + 1;
        }
    }

    /**
     * The results (not the running state) as bytes, for a cluster member to send its router's ledger to the
     * client: per flow slot outcomes, digest, reordered, duplicates and the latency histogram (HdrHistogram's
     * compressed form).
     */
    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(digest.length);
            for (int f = 0; f < digest.length; f++) {
                out.writeLong(outcomes[f]);
                out.writeLong(digest[f]);
                out.writeLong(reordered[f]);
                out.writeLong(duplicates[f]);
                Histogram h = latency[f];
                if (h == null) {
                    out.writeInt(-1);
                } else {
                    ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
                    int n = h.encodeIntoCompressedByteBuffer(b);
                    out.writeInt(n);
                    out.write(b.array(), 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A ledger with the results of {@link #toBytes()}. */
    static PacketLedger fromBytes(byte[] data, int routers) {
        PacketLedger l = new PacketLedger(routers);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int n = in.readInt();
            if (n > 0) {
                l.ensure(n - 1);
            }
            for (int f = 0; f < n; f++) {
                l.outcomes[f] = in.readLong();
                l.digest[f] = in.readLong();
                l.reordered[f] = in.readLong();
                l.duplicates[f] = in.readLong();
                int len = in.readInt();
                if (len >= 0) {
                    byte[] b = in.readNBytes(len);
                    l.latency[f] = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(b), 0);
                }
            }
        } catch (IOException | java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("unreadable packet ledger: " + e.getMessage(), e);
        }
        return l;
    }

    /** splitmix64's finaliser: spreads every input bit over the result. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
