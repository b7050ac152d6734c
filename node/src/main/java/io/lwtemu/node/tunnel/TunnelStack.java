package io.lwtemu.node.tunnel;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.GreHeader;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.UdpHeader;
import io.lwtemu.node.packet.VxlanHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * IP tunnels of one router: decapsulation of locally addressed IPIP (4), IPv6-in-IP (41), GRE (47), FOU and
 * VXLAN (UDP) packets onto the matching tunnel device, and encapsulation of packets routed out of a tunnel
 * device (ip_tunnel_xmit / ip6_tnl_xmit / vxlan_xmit).
 *
 * <p>Receive lookup follows ip_tunnel_lookup's preference: local and remote both matching, then remote only,
 * then local only, then a wildcard tunnel; GRE keys must match exactly (present and equal, or absent). The inner
 * packet is handed to {@link Egress#receiveLater} on the tunnel device, as gro_cells queue it in the kernel.
 * Outer headers: IPv4 with DF (pmtudisc on by default) and TTL inherited unless set, IPv6 hop limit 64 unless
 * set; VXLAN with an all-zero inner Ethernet header (the emulated devices are L3), UDP checksum off over IPv4.
 * Path MTU feedback from the outer path to the inner sender is not modelled.
 */
public final class TunnelStack {
    private static final int ETH_HLEN = 14;
    private static final int GRE_PROTO_IPV4 = 0x0800;
    private static final int GRE_PROTO_IPV6 = 0x86DD;

    private final ForwardingPipeline pipeline;
    private final NetDevices devices;
    private final Fib fib;
    private final Egress egress;
    private final List<Tunnel> tunnels = new ArrayList<>();
    private final int[] fouProto4 = new int[65536];
    private final int[] fouProto6 = new int[65536];
    private final FibResult res = new FibResult();
    private final GreHeader gre = new GreHeader();
    private int nextId = 1;

    public TunnelStack(ForwardingPipeline pipeline, NetDevices devices, Fib fib, Egress egress) {
        this.pipeline = pipeline;
        this.devices = devices;
        this.fib = fib;
        this.egress = egress;
        pipeline.setProtocolHandler(IpProtocol.IPIP, (skb, in, l4) -> decap(skb, IpProtocol.IPIP, l4));
        pipeline.setProtocolHandler(IpProtocol.IPV6, (skb, in, l4) -> decap(skb, IpProtocol.IPV6, l4));
        pipeline.setProtocolHandler(IpProtocol.GRE, (skb, in, l4) -> decap(skb, IpProtocol.GRE, l4));
        pipeline.setProtocolHandler(IpProtocol.UDP, (skb, in, l4) -> decap(skb, IpProtocol.UDP, l4));
    }

    /** Registers a tunnel whose device already exists (ConfigApplier creates it). */
    public Tunnel add(TunnelAdd spec) {
        NetDevice dev = devices.byName(spec.name());
        if (dev == null) {
            throw new IllegalArgumentException("Cannot find device \"" + spec.name() + "\"");
        }
        Tunnel t = new Tunnel(spec.kind(), dev, spec.local(), spec.remote(), spec.ikey(), spec.okey(), spec.mode(),
                Math.max(spec.ttl(), 0), spec.vni(), spec.dstPort());
        tunnels.add(t);
        pipeline.setVirtualDevice(dev, (skb, d) -> xmit(t, skb));
        return t;
    }

    /** {@code ip fou add port P ipproto N}: UDP port P carries protocol N. */
    public void addFou(FouAdd fou) {
        (fou.family() == Family.INET ? fouProto4 : fouProto6)[fou.port()] = fou.ipproto();
    }

    public List<Tunnel> tunnels() {
        return List.copyOf(tunnels);
    }

    // ================================================================= receive

    private boolean decap(SkBuff skb, int proto, int l4) {
        byte[] b = skb.head;
        int off = skb.data;
        int end = off + skb.len;
        boolean v6 = skb.protocol == SkBuff.ETH_P_IPV6;
        long sHi;
        long sLo;
        long dHi;
        long dLo;
        if (v6) {
            sHi = Bytes.i64(b, off + Ipv6Header.SRC);
            sLo = Bytes.i64(b, off + Ipv6Header.SRC + 8);
            dHi = Bytes.i64(b, off + Ipv6Header.DST);
            dLo = Bytes.i64(b, off + Ipv6Header.DST + 8);
        } else {
            sHi = (Bytes.i32(b, off + Ipv4Header.SRC) & 0xffffffffL) << 32;
            sLo = 0;
            dHi = (Bytes.i32(b, off + Ipv4Header.DST) & 0xffffffffL) << 32;
            dLo = 0;
        }
        Family outer = v6 ? Family.INET6 : Family.INET;
        long key = -1;
        int inner = l4;
        int innerProto = proto;
        Tunnel t;
        if (proto == IpProtocol.UDP) {
            if (l4 + UdpHeader.LENGTH > end) {
                return false;
            }
            int port = Bytes.u16(b, l4 + UdpHeader.DST_PORT);
            t = find(TunnelKind.VXLAN, outer, sHi, sLo, dHi, dLo, -1, port, -1, b, l4 + UdpHeader.LENGTH, end);
            if (t != null) {
                inner = l4 + UdpHeader.LENGTH + VxlanHeader.LENGTH + ETH_HLEN;
                if (inner > end) {
                    return false;
                }
                int ethertype = Bytes.u16(b, inner - 2);
                if (ethertype != SkBuff.ETH_P_IP && ethertype != SkBuff.ETH_P_IPV6) {
                    return false;
                }
                return deliver(t, skb, inner, end);
            }
            int fouProto = (v6 ? fouProto6 : fouProto4)[port];
            if (fouProto == 0) {
                return false;
            }
            innerProto = fouProto;
            inner = l4 + UdpHeader.LENGTH;
        }
        if (innerProto == IpProtocol.GRE) {
            if (inner + GreHeader.BASE_LENGTH > end) {
                return false;
            }
            gre.wrap(b, inner);
            if (gre.version() != 0 || (gre.flags() & GreHeader.FLAG_UNSUPPORTED) != 0) {
                return false;
            }
            int glen = gre.headerLength();
            if (inner + glen > end || !gre.verifyChecksum(end - inner)) {
                return false;
            }
            int p = gre.protocol();
            if (p != GRE_PROTO_IPV4 && p != GRE_PROTO_IPV6) {
                return false;
            }
            key = gre.hasKey() ? gre.key() : -1;
            inner += glen;
            t = find(v6 ? TunnelKind.IP6GRE : TunnelKind.GRE, outer, sHi, sLo, dHi, dLo, key, -1, -1, b, inner, end);
        } else if (innerProto == IpProtocol.IPIP || innerProto == IpProtocol.IPV6) {
            TunnelKind k = v6 ? TunnelKind.IP6TNL : innerProto == IpProtocol.IPIP ? TunnelKind.IPIP : TunnelKind.SIT;
            t = find(k, outer, sHi, sLo, dHi, dLo, -1, -1, innerProto, b, inner, end);
            if (t == null && !v6 && innerProto == IpProtocol.IPIP) {
                t = find(TunnelKind.SIT, outer, sHi, sLo, dHi, dLo, -1, -1, innerProto, b, inner, end);
            }
        } else {
            return false;
        }
        return t != null && deliver(t, skb, inner, end);
    }

    /** ip_tunnel_lookup-style best match: both addresses > remote only > local only > wildcard. */
    private Tunnel find(TunnelKind kind, Family outer, long sHi, long sLo, long dHi, long dLo, long key, int udpPort,
            int innerProto, byte[] b, int vxOff, int end) {
        Tunnel best = null;
        int bestScore = -1;
        for (Tunnel t : tunnels) {
            if (t.kind() != kind || t.outerFamily() != outer) {
                continue;
            }
            if (kind == TunnelKind.VXLAN) {
                if (t.dstPort() != udpPort || vxOff + VxlanHeader.LENGTH > end
                        || (Bytes.u8(b, vxOff) & VxlanHeader.FLAG_VNI_VALID) == 0
                        || (Bytes.i32(b, vxOff + VxlanHeader.VNI) >>> 8) != t.vni()) {
                    continue;
                }
            } else if (kind == TunnelKind.GRE || kind == TunnelKind.IP6GRE) {
                if (t.ikey() != key) {
                    continue;
                }
            } else if (!t.carries(innerProto)) {
                continue;
            }
            boolean localOk = t.local() == null || t.local().hi() == dHi && t.local().lo() == dLo;
            boolean remoteOk = t.remote() == null || t.remote().hi() == sHi && t.remote().lo() == sLo;
            if (!localOk || !remoteOk) {
                continue;
            }
            int score = (t.remote() != null ? 2 : 0) + (t.local() != null ? 1 : 0);
            if (score > bestScore) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }

    private boolean deliver(Tunnel t, SkBuff skb, int inner, int end) {
        if (inner >= end) {
            return false;
        }
        int version = (skb.head[inner] & 0xff) >>> 4;
        if (version != 4 && version != 6) {
            return false;
        }
        // A new skb for the inner packet: the outer one still has to be accounted for (delivered) as it was.
        SkBuff in = new SkBuff(java.util.Arrays.copyOfRange(skb.head, inner - Math.min(inner, 64), end),
                Math.min(inner, 64), end - inner);
        in.protocol = version == 4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6;
        in.mark = skb.mark;
        egress.receiveLater(t.dev(), in);
        return true;
    }

    // ================================================================= transmit

    private DropReason xmit(Tunnel t, SkBuff innerSkb) {
        boolean innerV4 = innerSkb.protocol == SkBuff.ETH_P_IP;
        int innerProto = innerV4 ? IpProtocol.IPIP : IpProtocol.IPV6;
        if (t.remote() == null || !t.carries(innerProto)) {
            return DropReason.TUNNEL_ENCAP;
        }
        byte[] ib = innerSkb.head;
        int innerTtl = innerV4 ? Bytes.u8(ib, innerSkb.data + Ipv4Header.TTL)
                : Bytes.u8(ib, innerSkb.data + Ipv6Header.HOP_LIMIT);
        boolean innerDf = innerV4 && (Bytes.u16(ib, innerSkb.data + Ipv4Header.FRAG_OFF) & Ipv4Header.FLAG_DF) != 0;
        boolean outerV6 = t.outerFamily() == Family.INET6;
        int ipLen = outerV6 ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
        int l4Proto;
        int encapLen;
        switch (t.kind()) {
            case GRE, IP6GRE -> {
                l4Proto = IpProtocol.GRE;
                encapLen = GreHeader.BASE_LENGTH + (t.okey() >= 0 ? 4 : 0);
            }
            case VXLAN -> {
                l4Proto = IpProtocol.UDP;
                encapLen = UdpHeader.LENGTH + VxlanHeader.LENGTH + ETH_HLEN;
            }
            default -> {
                l4Proto = innerProto;
                encapLen = 0;
            }
        }
        int innerHash = innerFlowHash(innerSkb);
        // The outer packet is a new skb so the inner one can still be reported as sent on the tunnel device.
        SkBuff skb = SkBuff.of(innerSkb.toByteArray(), ipLen + encapLen + 16);
        skb.mark = innerSkb.mark;
        skb.protocol = innerSkb.protocol;
        skb.ensureHeadroom(ipLen + encapLen);
        skb.data -= ipLen + encapLen;
        skb.len += ipLen + encapLen;
        byte[] b = skb.head;
        int off = skb.data;
        int l4 = off + ipLen;
        switch (t.kind()) {
            case GRE, IP6GRE -> {
                GreHeader g = gre.wrap(b, l4).flags(t.okey() >= 0 ? GreHeader.FLAG_KEY : 0)
                        .protocol(innerV4 ? GRE_PROTO_IPV4 : GRE_PROTO_IPV6);
                if (t.okey() >= 0) {
                    g.key(t.okey());
                }
            }
            case VXLAN -> {
                int udpLen = skb.len - ipLen;
                new UdpHeader().wrap(b, l4).srcPort(32768 + Math.floorMod(innerHash, 28232))
                        .dstPort(t.dstPort()).length(udpLen).checksum(0);
                new VxlanHeader().wrap(b, l4 + UdpHeader.LENGTH).set(t.vni());
                int eth = l4 + UdpHeader.LENGTH + VxlanHeader.LENGTH;
                java.util.Arrays.fill(b, eth, eth + 12, (byte) 0);
                Bytes.put16(b, eth + 12, innerV4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6);
            }
            default -> {
            }
        }
        IpAddress src = t.local() != null ? t.local() : sourceFor(t.remote());
        if (outerV6) {
            new Ipv6Header().wrap(b, off).versionClassFlow(0, 0)
                    .payloadLength(skb.len - Ipv6Header.LENGTH).nextHeader(l4Proto)
                    .hopLimit(t.ttl() > 0 ? t.ttl() : 64);
            if (src != null) {
                src.write(b, off + Ipv6Header.SRC);
            } else {
                java.util.Arrays.fill(b, off + Ipv6Header.SRC, off + Ipv6Header.SRC + 16, (byte) 0);
            }
            t.remote().write(b, off + Ipv6Header.DST);
            if (t.kind() == TunnelKind.VXLAN) {
                UdpHeader u = new UdpHeader().wrap(b, l4);
                u.updateChecksumV6(b, off);
            }
        } else {
            new Ipv4Header().wrap(b, off).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(0).totalLength(skb.len)
                    .id(nextId++ & 0xffff).fragOff(t.kind() == TunnelKind.VXLAN && !innerDf ? 0 : Ipv4Header.FLAG_DF)
                    .ttl(t.ttl() > 0 ? t.ttl() : t.kind() == TunnelKind.VXLAN ? 64 : innerTtl).protocol(l4Proto)
                    .src(src == null ? 0 : src.v4()).dst(t.remote().v4()).updateChecksum();
        }
        skb.innerProtocol = innerV4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6;
        skb.protocol = outerV6 ? SkBuff.ETH_P_IPV6 : SkBuff.ETH_P_IP;
        pipeline.localOut(skb);
        return null;
    }

    /** Source address for the outer header when the tunnel has no "local": as the route to the remote picks it. */
    private IpAddress sourceFor(IpAddress remote) {
        fib.fibLookup(remote.family(), remote.hi(), remote.lo(), 0, 0, 0, "lo", null, res);
        if (res.route == null) {
            return null;
        }
        if (res.route.prefSrc != null) {
            return res.route.prefSrc;
        }
        NetDevice d = devices.byName(res.route.dev);
        return d == null ? null : d.primaryAddress(remote.family());
    }

    /** Hash of the inner addresses, stable per flow, for the VXLAN UDP source port (udp_flow_src_port). */
    private static int innerFlowHash(SkBuff skb) {
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        int from = skb.data + (v4 ? Ipv4Header.SRC : Ipv6Header.SRC);
        int to = from + (v4 ? 8 : 32);
        int h = 17;
        for (int i = from; i < to && i < skb.data + skb.len; i++) {
            h = 31 * h + skb.head[i];
        }
        return h;
    }
}
