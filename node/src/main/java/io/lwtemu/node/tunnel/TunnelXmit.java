package io.lwtemu.node.tunnel;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.icmp.IcmpSender;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.GreHeader;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.UdpHeader;
import io.lwtemu.node.packet.VxlanHeader;

/**
 * The transmit side of every tunnel kind (ip_tunnel_xmit, ip6_tnl_xmit, vxlan_xmit_one): checks the inner packet
 * fits, pushes the outer headers in front of the same skb, and hands it to
 * {@link ForwardingPipeline#localOut} so the outer packet is routed again through the FIB, with that route's LWT
 * programs and device. Errors end the packet with a named drop reason, as the kernel's tx error paths do:
 * no route to the remote (ICMP unreachable to the inner sender, dst_link_failure), the outer route leading back
 * into the tunnel (loop), an inner packet too big for the path (ICMP frag-needed / packet-too-big with the tunnel
 * MTU, tnl_update_pmtu). Nothing is allocated on the success path once the skb has headroom.
 */
final class TunnelXmit {
    /** Nested tunnel transmits allowed (the kernel's XMIT_RECURSION_LIMIT of dev_xmit_recursion). */
    static final int MAX_NESTING = 8;
    /** inet_get_local_port_range defaults: the range udp_flow_src_port picks VXLAN/FOU source ports from. */
    static final int SRC_PORT_MIN = 32768;
    static final int SRC_PORT_MAX = 61000;

    private final Tunnels tunnels;
    private final FibResult res = new FibResult();
    private final IcmpSender icmp = new IcmpSender();
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final GreHeader gre = new GreHeader();
    private final UdpHeader udp = new UdpHeader();
    private final VxlanHeader vxlan = new VxlanHeader();
    private int depth;

    TunnelXmit(Tunnels tunnels) {
        this.tunnels = tunnels;
    }

    void xmit(TunnelDevice t, ForwardingPipeline p, NetDevice in, SkBuff skb) {
        NetDevice dev = t.device();
        TunnelConfig cfg = t.config();
        if (depth >= MAX_NESTING) {
            txError(t, p, in, skb, DropReason.TUNNEL_LOOP);
            return;
        }
        boolean innerV4 = skb.protocol == SkBuff.ETH_P_IP;
        boolean innerV6 = skb.protocol == SkBuff.ETH_P_IPV6;
        if (!(innerV4 && cfg.carriesIpv4() || innerV6 && cfg.carriesIpv6())) {
            txError(t, p, in, skb, DropReason.TUNNEL_BAD_INNER);
            return;
        }
        byte[] remote = t.remoteBytes();
        if (remote == null) {
            txError(t, p, in, skb, DropReason.TUNNEL_NO_REMOTE);
            return;
        }
        Family of = t.outerFamily();
        // ip_route_output_tunnel / ip6_route_output: where the outer packet goes.
        p.fib().fibLookup(of, remote, 0, -1, 0, "lo", null, res);
        Route r = res.route;
        if (res.status.isError() || r == null) {
            linkFailure(p, skb, innerV4);
            txError(t, p, in, skb, DropReason.NO_ROUTE);
            return;
        }
        NetDevice outDev = r.type == RouteType.LOCAL ? p.devices().loopback() : tunnels.deviceOf(r);
        if (outDev == null) {
            txError(t, p, in, skb, DropReason.NO_DEVICE);
            return;
        }
        if (outDev == dev) {
            // "rt->dst.dev == dev": the route to the remote goes through the tunnel itself (collisions++).
            txError(t, p, in, skb, DropReason.TUNNEL_LOOP);
            return;
        }
        boolean outerDf = of == Family.INET6 || cfg.pmtudisc();
        if (outerDf && !tooBigHandled(t, p, in, skb, r, outDev, innerV4)) {
            return;
        }
        int innerLen = skb.len;
        int hdr = t.overhead();
        skb.ensureHeadroom(hdr);
        byte[] b = skb.head;
        int inner = skb.data;
        int off = inner - hdr;
        int innerTos = innerV4 ? b[inner + Ipv4Header.TOS] & 0xff
                : (Bytes.u16(b, inner) >>> 4) & 0xff;
        int innerTtl = innerV4 ? b[inner + Ipv4Header.TTL] & 0xff : b[inner + Ipv6Header.HOP_LIMIT] & 0xff;
        boolean innerDf = innerV4 && (Bytes.u16(b, inner + Ipv4Header.FRAG_OFF) & Ipv4Header.FLAG_DF) != 0;
        int tos = ecnEncapsulate(cfg.tos(), innerTos);
        int ttl = cfg.ttl() != 0 ? cfg.ttl() : cfg.kind() == TunnelKind.VXLAN ? IcmpSender.DEFAULT_TTL : innerTtl;
        int ipProto = outerProtocol(t, innerV4);
        int l4 = off + t.outerIpLength();
        if (of == Family.INET) {
            boolean df = cfg.pmtudisc() || cfg.kind() != TunnelKind.VXLAN && innerDf;
            ip4.wrap(b, off).versionAndHeaderLength(Ipv4Header.MIN_LENGTH);
            ip4.tos(tos).totalLength(hdr + innerLen).id(df ? 0 : t.nextIpId++ & 0xffff)
                    .fragOff(df ? Ipv4Header.FLAG_DF : 0).ttl(ttl).protocol(ipProto);
            writeSource(t, p, r, outDev, of, b, off + Ipv4Header.SRC);
            System.arraycopy(remote, 0, b, off + Ipv4Header.DST, 4);
            ip4.updateChecksum();
        } else {
            // ip6_make_flowlabel with auto_flowlabels on: ip6tnl/ip6gre label the outer header from the inner
            // flow's hash (the kernel's hash is seeded; ours is deterministic); vxlan uses its label option (0).
            int flow = cfg.kind() == TunnelKind.VXLAN ? 0 : flowHash(b, inner, innerLen, innerV4) & 0xfffff;
            ip6.wrap(b, off).versionClassFlow(tos, flow);
            ip6.payloadLength(hdr - Ipv6Header.LENGTH + innerLen).hopLimit(ttl);
            writeSource(t, p, r, outDev, of, b, off + Ipv6Header.SRC);
            System.arraycopy(remote, 0, b, off + Ipv6Header.DST, 16);
            if (t.outerIpLength() > Ipv6Header.LENGTH) {
                // Destination options header with the tunnel encapsulation limit (RFC 2473 4.1.1) and PadN.
                ip6.nextHeader(IpProtocol.DSTOPTS);
                int o = off + Ipv6Header.LENGTH;
                b[o] = (byte) ipProto;
                b[o + 1] = 0;
                b[o + 2] = 4; // IPV6_TLV_TNL_ENCAP_LIMIT
                b[o + 3] = 1;
                b[o + 4] = (byte) cfg.encapLimit();
                b[o + 5] = 1; // PadN
                b[o + 6] = 1;
                b[o + 7] = 0;
            } else {
                ip6.nextHeader(ipProto);
            }
        }
        int h = l4;
        if (cfg.encapDport() >= 0) {
            int sport = cfg.encapSport() > 0 ? cfg.encapSport() : flowSourcePort(b, inner, innerLen, innerV4);
            writeUdp(b, h, sport, cfg.encapDport(), hdr - t.outerIpLength() + innerLen);
            h += UdpHeader.LENGTH;
            if (cfg.gue()) {
                // struct guehdr, version 0: hlen 0 (no options), proto_ctype = the tunnel's IP protocol, flags 0.
                b[h] = 0;
                b[h + 1] = (byte) tunnelProtocol(t, innerV4);
                b[h + 2] = 0;
                b[h + 3] = 0;
                h += TunnelDevice.GUE_HLEN;
            }
        }
        switch (cfg.kind()) {
            case GRE, IP6GRE -> {
                int flags = (cfg.ocsum() ? GreHeader.FLAG_CSUM : 0) | (cfg.okey() >= 0 ? GreHeader.FLAG_KEY : 0)
                        | (cfg.oseq() ? GreHeader.FLAG_SEQ : 0);
                gre.wrap(b, h).flags(flags).protocol(innerV4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6);
                if (cfg.ocsum()) {
                    Bytes.put32(b, h + GreHeader.BASE_LENGTH, 0);
                }
                if (cfg.okey() >= 0) {
                    gre.key(cfg.okey());
                }
                if (cfg.oseq()) {
                    gre.sequence(t.oSeqno++ & 0xffffffffL); // atomic_fetch_inc(&tunnel->o_seqno)
                }
                if (cfg.ocsum()) {
                    gre.updateChecksum(inner + innerLen - h);
                }
            }
            case VXLAN -> {
                int sport = flowSourcePort(b, inner, innerLen, innerV4);
                int udpLen = hdr - t.outerIpLength() + innerLen;
                int vx = h + UdpHeader.LENGTH;
                vxlan.wrap(b, vx).set(cfg.vni());
                int eth = vx + VxlanHeader.LENGTH;
                System.arraycopy(t.peerMac, 0, b, eth, 6);
                System.arraycopy(t.mac, 0, b, eth + 6, 6);
                Bytes.put16(b, eth + 12, innerV4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6);
                writeUdp(b, h, sport, cfg.dstPort(), udpLen);
            }
            default -> {
            }
        }
        if (ipProto == IpProtocol.UDP && of == Family.INET6) {
            // udp6zerocsumtx is off by default: IPv6 UDP tunnels always carry a checksum.
            udp.wrap(b, l4).updateChecksumV6(b, off);
        }
        skb.data = off;
        skb.len = hdr + innerLen;
        skb.innerProtocol = skb.protocol;
        skb.protocol = of == Family.INET ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6;
        skb.encapsulation = true;
        dev.txPackets++;
        dev.txBytes += innerLen;
        depth++;
        try {
            p.localOut(in, skb);
        } finally {
            depth--;
        }
    }

    private static int outerProtocol(TunnelDevice t, boolean innerV4) {
        if (t.config().encapDport() >= 0) {
            return IpProtocol.UDP;
        }
        return tunnelProtocol(t, innerV4);
    }

    /** The IP protocol of the tunnel header itself (what FOU/GUE carry): 47, or 4 / 41 by the inner family. */
    private static int tunnelProtocol(TunnelDevice t, boolean innerV4) {
        return switch (t.kind()) {
            case GRE, IP6GRE -> IpProtocol.GRE;
            case VXLAN -> IpProtocol.UDP;
            default -> innerV4 ? IpProtocol.IPIP : IpProtocol.IPV6;
        };
    }

    /** UDP header of VXLAN / FOU with checksum 0: IPv4 sends none (no udpcsum); IPv6 fills it in at the end. */
    private void writeUdp(byte[] b, int at, int sport, int dport, int length) {
        udp.wrap(b, at).srcPort(sport).dstPort(dport).length(length).checksum(0);
    }

    /**
     * tnl_update_pmtu: the inner packet must fit the path to the remote minus the tunnel overhead. Too big with
     * DF (IPv4) or at all (IPv6, when the tunnel MTU is at least 1280): ICMP back to the sender and drop.
     */
    private boolean tooBigHandled(TunnelDevice t, ForwardingPipeline p, NetDevice in, SkBuff skb, Route r,
            NetDevice outDev, boolean innerV4) {
        int mtu = ForwardingPipeline.pathMtu(r, outDev) - t.overhead();
        byte[] b = skb.head;
        int off = skb.data;
        if (innerV4) {
            mtu = Math.max(mtu, 68);
            boolean df = (Bytes.u16(b, off + Ipv4Header.FRAG_OFF) & Ipv4Header.FLAG_DF) != 0;
            if (df && skb.len > mtu) {
                p.sendGenerated(icmp.fragNeeded(b, off, skb.len, mtu, sourceTowardsV4(p, b, off)));
                txError(t, p, in, skb, DropReason.MTU);
                return false;
            }
        } else if (mtu >= 1280 && skb.len > mtu) {
            p.sendGenerated(icmp.packetTooBig(b, off, skb.len, mtu, sourceTowardsV6(p, b, off)));
            txError(t, p, in, skb, DropReason.MTU);
            return false;
        }
        return true;
    }

    /** dst_link_failure: the inner sender learns its destination is unreachable. */
    private void linkFailure(ForwardingPipeline p, SkBuff skb, boolean innerV4) {
        byte[] b = skb.head;
        int off = skb.data;
        if (innerV4) {
            p.sendGenerated(icmp.destUnreachable(b, off, skb.len, IcmpHeader.HOST_UNREACH,
                    sourceTowardsV4(p, b, off)));
        } else {
            p.sendGenerated(icmp.destUnreachableV6(b, off, skb.len, Icmpv6Header.ADDR_UNREACH,
                    sourceTowardsV6(p, b, off)));
        }
    }

    private void txError(TunnelDevice t, ForwardingPipeline p, NetDevice in, SkBuff skb, DropReason reason) {
        t.txErrors++;
        t.device().txDropped++;
        p.dropPacket(skb, reason, in);
    }

    /** Outer source: the tunnel's local address, else the route's preferred source, else the device's address. */
    private void writeSource(TunnelDevice t, ForwardingPipeline p, Route r, NetDevice outDev, Family of, byte[] b,
            int at) {
        byte[] local = t.localBytes();
        if (local != null) {
            System.arraycopy(local, 0, b, at, local.length);
            return;
        }
        IpAddress a = r.prefSrc != null && r.prefSrc.family() == of ? r.prefSrc : outDev.primaryAddress(of);
        if (a == null) {
            a = tunnels.anyAddress(of);
        }
        if (a == null) {
            java.util.Arrays.fill(b, at, at + (of == Family.INET ? 4 : 16), (byte) 0);
        } else {
            a.write(b, at);
        }
    }

    /** Source of an ICMP error about the inner packet: the address of the route back to its sender. */
    private int sourceTowardsV4(ForwardingPipeline p, byte[] b, int off) {
        IpAddress a = tunnels.sourceTowards(p.fib(), Family.INET, b, off + Ipv4Header.SRC);
        return a == null ? 0 : a.v4();
    }

    private byte[] sourceTowardsV6(ForwardingPipeline p, byte[] b, int off) {
        IpAddress a = tunnels.sourceTowards(p.fib(), Family.INET6, b, off + Ipv6Header.SRC);
        return a == null ? new byte[16] : a.toBytes();
    }

    /** INET_ECN_encapsulate: the outer TOS keeps the inner ECN bits; CE becomes ECT(0). */
    static int ecnEncapsulate(int outerTos, int innerTos) {
        int ecn = innerTos & 3;
        return (outerTos & ~3) | (ecn == 3 ? 2 : ecn);
    }

    /**
     * udp_flow_src_port: a source port from a hash of the inner flow (addresses, protocol, ports), so one flow
     * keeps its port and flows spread over the range. Deterministic, unlike the kernel's seeded hash.
     */
    static int flowSourcePort(byte[] b, int off, int len, boolean v4) {
        int hash = flowHash(b, off, len, v4);
        return (int) (((hash & 0xffffffffL) * (SRC_PORT_MAX - SRC_PORT_MIN)) >>> 32) + SRC_PORT_MIN;
    }

    /** A hash of the inner flow: addresses, protocol and (TCP/UDP) ports, like skb_get_hash. */
    static int flowHash(byte[] b, int off, int len, boolean v4) {
        int hash = 0x9e3779b9;
        int proto;
        int l4;
        if (v4) {
            for (int i = Ipv4Header.SRC; i < Ipv4Header.SRC + 8; i += 4) {
                hash = mix(hash, Bytes.i32(b, off + i));
            }
            proto = b[off + Ipv4Header.PROTOCOL] & 0xff;
            l4 = off + ((b[off] & 0x0f) << 2);
        } else {
            for (int i = Ipv6Header.SRC; i < Ipv6Header.SRC + 32; i += 4) {
                hash = mix(hash, Bytes.i32(b, off + i));
            }
            proto = b[off + Ipv6Header.NEXT_HEADER] & 0xff;
            l4 = off + Ipv6Header.LENGTH;
        }
        hash = mix(hash, proto);
        if ((proto == IpProtocol.TCP || proto == IpProtocol.UDP) && l4 + 4 <= off + len) {
            hash = mix(hash, Bytes.i32(b, l4));
        }
        return hash;
    }

    private static int mix(int h, int v) {
        h ^= v;
        h *= 0x85ebca6b;
        return h ^ (h >>> 13);
    }
}
