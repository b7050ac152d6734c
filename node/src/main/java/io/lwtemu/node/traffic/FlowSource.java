package io.lwtemu.node.traffic;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.net.TimerTask;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.topology.Topology.FlowSpec;

/**
 * A constant-rate packet stream from a node: UDP datagrams, ICMP echo requests or TCP-like segments (no
 * handshake; plain segments with ACK set) of a fixed IP size. Packet i leaves at {@code start + i / rate}.
 * Each packet is a copy of a template with the IPv4 id advanced and the header checksum patched incrementally
 * (RFC 1624), written behind {@link Router#RX_HEADROOM} bytes of headroom into the one buffer it travels in.
 */
public final class FlowSource extends TimerTask {
    public final FlowSpec spec;
    public final int flowId;
    private final byte[] template;
    private final boolean v4;
    private final long endNs;
    /** IPv4: the one's complement sum of the template's header with id and checksum zero (folded to 16 bits). */
    private final int headerSumWithoutId;
    private long sent;

    public FlowSource(FlowSpec spec, int flowId, Router from, long runEndNs) {
        this.spec = spec;
        this.flowId = flowId;
        IpAddress src = SourceAddress.select(from, spec.to());
        this.v4 = spec.to().family() == Family.INET;
        PacketBuilder b = v4 ? PacketBuilder.ipv4(src.toString(), spec.to().toString())
                : PacketBuilder.ipv6(src.toString(), spec.to().toString());
        int ipHeader = v4 ? 20 : 40;
        this.template = switch (spec.proto()) {
            case UDP -> b.udp(spec.sport(), spec.dport(), new byte[spec.size() - ipHeader - 8]);
            case ICMP -> b.icmpEchoRequest(0x4000 + flowId, 0, spec.size() - ipHeader - 8);
            case TCP -> b.tcp(spec.sport(), spec.dport(), 1, 1, 0x10, new byte[spec.size() - ipHeader - 20]);
        };
        if (v4) {
            Ipv4Header ip4 = new Ipv4Header().wrap(template, 0);
            ip4.id(0);
            template[Ipv4Header.CHECKSUM] = 0;
            template[Ipv4Header.CHECKSUM + 1] = 0;
            int sum = 0;
            for (int i = 0; i < ip4.headerLength(); i += 2) {
                sum += ((template[i] & 0xff) << 8) | (template[i + 1] & 0xff);
            }
            headerSumWithoutId = fold(sum);
        } else {
            headerSumWithoutId = 0;
        }
        long end = spec.durationNs() >= 0 ? spec.startNs() + spec.durationNs() : Long.MAX_VALUE;
        this.endNs = Math.min(end, runEndNs);
        this.at = spec.startNs();
    }

    /** Packets handed to the node's stack so far. */
    public long sent() {
        return sent;
    }

    public boolean finished() {
        return spec.count() >= 0 && sent >= spec.count() || at >= endNs;
    }

    /**
     * Skips the packets due before {@code nowNs} (a flow restarted on another cluster member continues where the
     * original would be, instead of sending the missed packets in a burst).
     */
    public void resumeAt(long nowNs) {
        while (!finished() && at < nowNs) {
            sent++;
            at = spec.startNs() + (long) (sent * (1e9 / spec.ratePps()));
        }
    }

    private static int fold(int sum) {
        sum = (sum & 0xffff) + (sum >>> 16);
        return (sum & 0xffff) + (sum >>> 16);
    }

    @Override
    public boolean fire(Router router, long now) {
        if (finished()) {
            return false;
        }
        byte[] t = template;
        int off = Router.RX_HEADROOM;
        byte[] p = new byte[off + t.length];
        System.arraycopy(t, 0, p, off, t.length);
        if (v4) {
            int id = (int) sent & 0xffff;
            int csum = ~fold(headerSumWithoutId + id) & 0xffff;
            p[off + Ipv4Header.ID] = (byte) (id >>> 8);
            p[off + Ipv4Header.ID + 1] = (byte) id;
            p[off + Ipv4Header.CHECKSUM] = (byte) (csum >>> 8);
            p[off + Ipv4Header.CHECKSUM + 1] = (byte) csum;
        }
        router.originate(p, off, t.length, flowId);
        sent++;
        at = spec.startNs() + (long) (sent * (1e9 / spec.ratePps()));
        return !finished();
    }
}
