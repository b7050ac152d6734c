package io.lwtemu.node.seg6;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.LwtTunnel;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.Srh;
import java.util.List;

/**
 * {@code encap seg6 mode encap|inline segs A,B,...} (net/ipv6/seg6_iptunnel.c). Both directions are redirected:
 * a forwarded packet gets the SRH at input (seg6_input: push, then a new input lookup on the first segment and
 * dst_input, so the inner packet is not aged here), a locally sent one at output (seg6_output: push, output lookup,
 * dst_output).
 *
 * <pre>
 * encap:  | IPv6 (src tunsrc, dst = first segment, nh 43) | SRH (nh 41 or 4, SL = n-1) | inner IPv6/IPv4 |
 * inline: | IPv6 (dst = first segment, nh 43) | SRH (nh = old nh, segments[0] = old dst, SL = n) | payload |
 * </pre>
 *
 * Outer fields as seg6_do_srh_encap sets them: IPv6 inner gives its traffic class, flow label (seg6_flowlabel 0)
 * and hop limit; IPv4 inner gives class 0, label 0 and the route's hop limit (64).
 */
public final class Seg6Encap implements LwtTunnel {
    private static final int DEFAULT_HOP_LIMIT = 64;

    private final Seg6 seg6;
    private final EncapSpec.Seg6.Mode mode;
    private final List<IpAddress> segments;
    /** The SRH as configured: encap n segments, inline n + 1 with slot 0 for the original destination. */
    private final byte[] srh;
    private final Ipv6Header ip6 = new Ipv6Header();

    Seg6Encap(Seg6 seg6, EncapSpec.Seg6 spec) {
        if (spec.mode() == EncapSpec.Seg6.Mode.L2ENCAP) {
            throw new IllegalArgumentException("seg6 mode l2encap is not modelled (interfaces have no L2 header)");
        }
        if (spec.segments().isEmpty()) {
            throw new IllegalArgumentException("encap seg6 needs at least one segment");
        }
        this.seg6 = seg6;
        this.mode = spec.mode();
        this.segments = List.copyOf(spec.segments());
        boolean inline = mode == EncapSpec.Seg6.Mode.INLINE;
        int n = segments.size() + (inline ? 1 : 0);
        if (n > 127) {
            throw new IllegalArgumentException("encap seg6: too many segments (" + segments.size() + ")");
        }
        byte[][] travel = new byte[n][];
        for (int i = 0; i < segments.size(); i++) {
            IpAddress s = segments.get(i);
            if (s.family() != Family.INET6) {
                throw new IllegalArgumentException("encap seg6: segment " + s + " is not an IPv6 address");
            }
            travel[i] = s.toBytes();
        }
        if (inline) {
            travel[n - 1] = new byte[16]; // segments[0], filled with the packet's destination
        }
        srh = new byte[Srh.SEGMENTS + n * Srh.SEGMENT_LENGTH];
        Srh.write(srh, 0, 0, travel);
    }

    public EncapSpec.Seg6.Mode mode() {
        return mode;
    }

    public List<IpAddress> segments() {
        return segments;
    }

    @Override
    public boolean redirectsInput() {
        return true;
    }

    @Override
    public boolean redirectsOutput() {
        return true;
    }

    /** seg6_lwt_headroom: the SRH, plus the outer IPv6 header in encap mode. */
    @Override
    public int headroom() {
        return srh.length + (mode == EncapSpec.Seg6.Mode.ENCAP ? Ipv6Header.LENGTH : 0);
    }

    @Override
    public void input(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, Route route) {
        if (doSrh(pipeline, skb, route, in)) {
            pipeline.inputRoute(in, skb);
        }
    }

    @Override
    public void output(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, Route route, NetDevice out) {
        if (doSrh(pipeline, skb, route, in)) {
            pipeline.localOut(in, skb);
        }
    }

    /** seg6_do_srh: pushes or inserts the SRH; false (packet dropped) when the packet cannot take it. */
    private boolean doSrh(ForwardingPipeline p, SkBuff skb, Route route, NetDevice in) {
        boolean v6 = skb.protocol == SkBuff.ETH_P_IPV6;
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        if (mode == EncapSpec.Seg6.Mode.INLINE ? !v6 : !v6 && !v4) {
            p.dropPacket(skb, DropReason.SEG6_ENCAP_FAILED, in);
            return false;
        }
        if (mode == EncapSpec.Seg6.Mode.ENCAP) {
            encap(p, skb, route, v6);
        } else {
            inline(skb);
        }
        skb.protocol = SkBuff.ETH_P_IPV6;
        return true;
    }

    private void encap(ForwardingPipeline p, SkBuff skb, Route route, boolean innerV6) {
        int push = Ipv6Header.LENGTH + srh.length;
        skb.ensureHeadroom(push);
        byte[] b = skb.head;
        int inner = skb.data;
        int off = inner - push;
        int tclass = 0;
        int flow = 0;
        int hop = DEFAULT_HOP_LIMIT;
        if (innerV6) {
            int vtf = Bytes.i32(b, inner);
            tclass = (vtf >>> 20) & 0xff;
            flow = vtf & 0xfffff;
            hop = b[inner + Ipv6Header.HOP_LIMIT] & 0xff;
        }
        ip6.wrap(b, off).versionClassFlow(tclass, flow);
        ip6.payloadLength(skb.len + srh.length).nextHeader(IpProtocol.ROUTING).hopLimit(hop);
        seg6.tunnelSource(p, route).write(b, off + Ipv6Header.SRC);
        int s = off + Ipv6Header.LENGTH;
        System.arraycopy(srh, 0, b, s, srh.length);
        b[s + Srh.NEXT_HEADER] = (byte) (innerV6 ? IpProtocol.IPV6 : IpProtocol.IPIP);
        int last = b[s + Srh.LAST_ENTRY] & 0xff;
        System.arraycopy(b, s + Srh.SEGMENTS + last * Srh.SEGMENT_LENGTH, b, off + Ipv6Header.DST, 16);
        skb.data = off;
        skb.len += push;
        skb.innerProtocol = skb.protocol;
        skb.encapsulation = true;
    }

    private void inline(SkBuff skb) {
        int push = srh.length;
        skb.ensureHeadroom(push);
        byte[] b = skb.head;
        int old = skb.data;
        int off = old - push;
        System.arraycopy(b, old, b, off, Ipv6Header.LENGTH);
        int s = off + Ipv6Header.LENGTH;
        System.arraycopy(srh, 0, b, s, srh.length);
        ip6.wrap(b, off);
        b[s + Srh.NEXT_HEADER] = (byte) ip6.nextHeader();
        System.arraycopy(b, off + Ipv6Header.DST, b, s + Srh.SEGMENTS, 16); // segments[0] = old destination
        int last = b[s + Srh.LAST_ENTRY] & 0xff;
        System.arraycopy(b, s + Srh.SEGMENTS + last * Srh.SEGMENT_LENGTH, b, off + Ipv6Header.DST, 16);
        ip6.nextHeader(IpProtocol.ROUTING).payloadLength(ip6.payloadLength() + push);
        skb.data = off;
        skb.len += push;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("seg6 mode ").append(mode.name().toLowerCase(java.util.Locale.ROOT))
                .append(" segs ").append(segments.size()).append(" [");
        for (int i = 0; i < segments.size(); i++) {
            sb.append(i == 0 ? " " : " ").append(segments.get(i));
        }
        return sb.append(" ]").toString();
    }
}
