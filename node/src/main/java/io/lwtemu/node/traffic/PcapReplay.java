package io.lwtemu.node.traffic;

import io.lwtemu.node.net.Router;
import io.lwtemu.node.net.TimerTask;
import io.lwtemu.node.pcap.PcapReader;
import io.lwtemu.node.topology.Topology.FlowSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A flow that replays the IP packets of a pcap file from a node, unchanged (addresses, ports, TTL as captured).
 * Packet i leaves at {@code start + (t_i - t_0)} with the file's own timing, or at {@code start + i / rate} with a
 * set rate. The file is read once, at install; replays are meant for captures of modest size.
 */
public final class PcapReplay extends TimerTask {
    public final FlowSpec spec;
    public final int flowId;
    private final byte[][] packets;
    private final long[] offsets;
    private final long endNs;
    private int next;
    private long sent;

    public PcapReplay(FlowSpec spec, int flowId, long runEndNs) {
        this.spec = spec;
        this.flowId = flowId;
        List<byte[]> ps = new ArrayList<>();
        List<Long> ts = new ArrayList<>();
        try (PcapReader r = PcapReader.open(spec.pcap())) {
            for (PcapReader.Record rec; (rec = r.nextIp()) != null;) {
                if (rec.data().length < rec.originalLength()) {
                    throw new IllegalArgumentException(spec.pcap() + ": packet " + (ps.size() + 1)
                            + " was captured truncated (" + rec.data().length + " of " + rec.originalLength()
                            + " bytes); capture with a larger snap length");
                }
                ps.add(rec.data());
                ts.add(rec.timestampNs());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot replay " + spec.pcap() + ": " + e.getMessage(), e);
        }
        this.packets = ps.toArray(new byte[0][]);
        this.offsets = new long[packets.length];
        for (int i = 0; i < packets.length; i++) {
            offsets[i] = spec.ratePps() > 0 ? (long) (i * (1e9 / spec.ratePps()))
                    : Math.max(0, ts.get(i) - ts.get(0));
        }
        long end = spec.durationNs() >= 0 ? spec.startNs() + spec.durationNs() : Long.MAX_VALUE;
        this.endNs = Math.min(end, runEndNs);
        this.at = spec.startNs();
    }

    /** Packets handed to the node's stack so far. */
    public long sent() {
        return sent;
    }

    /** Packets in the file. */
    public int size() {
        return packets.length;
    }

    public boolean finished() {
        return next >= packets.length || spec.count() >= 0 && sent >= spec.count() || at >= endNs;
    }

    @Override
    public boolean fire(Router router, long now) {
        if (finished()) {
            return false;
        }
        router.originate(packets[next++], flowId);
        sent++;
        if (next < packets.length) {
            // Offsets never decrease, even when a capture's clock stepped back.
            at = Math.max(at, spec.startNs() + offsets[next]);
        }
        return !finished();
    }
}
