package io.lwtemu.node.tunnel;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
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
 * The receive side: local delivery handlers for IPIP (4), IPv6-in-IP (41), GRE (47) and UDP (17: VXLAN and FOU
 * ports). Each finds the tunnel the way the kernel does (ip_tunnel_lookup / ip6_tnl_lookup: exact local+remote
 * first, then remote only, local only, wildcard; only devices that are up; GRE keys must match), strips the outer
 * headers and receives the inner packet on the tunnel device, so it is forwarded or delivered like any other:
 * queued with {@link Egress#receiveLater} when bound with a backlog (gro_cells_receive / netif_rx: the kernel
 * processes it later, outside the outer packet's receive), else at once with {@link ForwardingPipeline#receive}.
 * The inner packet is a new skb with its own copy of the bytes, so traces show each packet as it was: the outer
 * one ends DELIVERED, the inner one gets its own outcome.
 *
 * <p>No matching tunnel: ICMP port unreachable and a drop, as gre_rcv, tunnel4_rcv, tunnel6_rcv and ip6gre's
 * gre_rcv answer ({@link DropReason#TUNNEL_NO_MATCH}, or {@link DropReason#TUNNEL_KEY_MISMATCH} when a tunnel
 * with those addresses exists but expects another key). Malformed GRE (version, routing flag, bad checksum)
 * drops silently.
 */
final class TunnelRecv {
    private final Tunnels tunnels;
    private final IcmpSender icmp = new IcmpSender();
    private final GreHeader gre = new GreHeader();
    private final UdpHeader udp = new UdpHeader();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final Ipv4Header ip4 = new Ipv4Header();

    private ForwardingPipeline pipeline;
    private Egress backlog;

    TunnelRecv(Tunnels tunnels) {
        this.tunnels = tunnels;
    }

    void bind(ForwardingPipeline p, Egress backlog) {
        this.pipeline = p;
        this.backlog = backlog;
    }

    /** Protocol 47. */
    boolean gre(SkBuff skb, NetDevice in, int l4) {
        int end = skb.data + skb.len;
        byte[] b = skb.head;
        if (l4 + GreHeader.BASE_LENGTH > end) {
            return reject(DropReason.TUNNEL_BAD_HEADER);
        }
        gre.wrap(b, l4);
        int flags = gre.flags();
        // gre_parse_header: version must be 0 here (1 is PPTP), no routing flag, the header must fit.
        if (gre.version() != 0 || (flags & 0x4000) != 0 || l4 + gre.headerLength() > end) {
            return reject(DropReason.TUNNEL_BAD_HEADER);
        }
        if (gre.hasChecksum() && !gre.verifyChecksum(end - l4)) {
            return reject(DropReason.TUNNEL_BAD_HEADER);
        }
        boolean keyed = gre.hasKey();
        long key = keyed ? gre.key() : 0;
        int proto = gre.protocol();
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        TunnelDevice t = tunnels.lookup(IpProtocol.GRE, v4, b, skb.data, keyed, key);
        if (t == null) {
            return noTunnel(skb);
        }
        // ip_tunnel_rcv: the checksum flag must be as configured (rx_crc_errors).
        if (gre.hasChecksum() != t.config().icsum()) {
            t.rxErrors++;
            return reject(DropReason.TUNNEL_BAD_HEADER);
        }
        // ip_tunnel_rcv with iseq: a sequence number is required and must not go backwards (rx_fifo_errors).
        if (t.config().iseq()) {
            if (!gre.hasSequence() || t.iSeqno != 0 && (int) (gre.sequence() - t.iSeqno) < 0) {
                t.rxErrors++;
                return reject(DropReason.TUNNEL_BAD_HEADER);
            }
            t.iSeqno = (gre.sequence() + 1) & 0xffffffffL;
        }
        int innerOff = l4 + gre.headerLength();
        if (proto == SkBuff.ETH_P_IP || proto == SkBuff.ETH_P_IPV6) {
            return decap(t, skb, innerOff, proto);
        }
        t.rxErrors++;
        return reject(DropReason.TUNNEL_BAD_INNER);
    }

    /** Protocol 4: IPv4 inside IPv4 (ipip, sit mode any/ipip) or inside IPv6 (ip6tnl mode ipip6/any). */
    boolean ipip(SkBuff skb, NetDevice in, int l4) {
        return plain(skb, l4, IpProtocol.IPIP, SkBuff.ETH_P_IP);
    }

    /** Protocol 41: IPv6 inside IPv4 (sit) or inside IPv6 (ip6tnl mode ip6ip6/any). */
    boolean ipv6(SkBuff skb, NetDevice in, int l4) {
        return plain(skb, l4, IpProtocol.IPV6, SkBuff.ETH_P_IPV6);
    }

    private boolean plain(SkBuff skb, int l4, int ipProto, int innerProtocol) {
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        TunnelDevice t = tunnels.lookup(ipProto, v4, skb.head, skb.data, false, 0);
        if (t == null) {
            return noTunnel(skb);
        }
        return decap(t, skb, l4, innerProtocol);
    }

    /**
     * Protocol 17: a VXLAN device's port (socket open while the device is up) or an {@code ip fou} port. Other
     * ports return false so the host stack (or ICMP port unreachable) gets them.
     */
    boolean udp(SkBuff skb, NetDevice in, int l4) {
        int end = skb.data + skb.len;
        byte[] b = skb.head;
        if (l4 + UdpHeader.LENGTH > end) {
            return false;
        }
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        Family family = v4 ? Family.INET : Family.INET6;
        udp.wrap(b, l4);
        int port = udp.dstPort();
        int fouProto = tunnels.fouProtocol(family, port);
        boolean vxlanPort = tunnels.hasVxlanPort(family, port);
        if (fouProto < 0 && !vxlanPort) {
            return false;
        }
        boolean csumOk = v4 ? udp.verifyChecksumV4(b, skb.data)
                : udp.checksum() == 0 || udp.verifyChecksumV6(b, skb.data);
        if (!csumOk) {
            // UDP_CSUM: the socket never sees it.
            return reject(DropReason.CHECKSUM);
        }
        int payload = l4 + UdpHeader.LENGTH;
        if (fouProto == Tunnels.FOU_GUE) {
            // gue_udp_recv: version 0 names the protocol and carries hlen*4 option bytes; version 1 is direct IP.
            if (payload + TunnelDevice.GUE_HLEN > end) {
                return reject(DropReason.TUNNEL_BAD_HEADER);
            }
            int v = (b[payload] & 0xff) >>> 6;
            if (v == 1) {
                fouProto = (b[payload] & 0xf0) == 0x40 ? IpProtocol.IPIP : IpProtocol.IPV6;
            } else if (v != 0 || (b[payload] & 0x20) != 0) {
                return reject(DropReason.TUNNEL_BAD_HEADER); // unknown version, or a control message
            } else {
                fouProto = b[payload + 1] & 0xff;
                payload += TunnelDevice.GUE_HLEN + 4 * (b[payload] & 0x1f);
                if (payload > end) {
                    return reject(DropReason.TUNNEL_BAD_HEADER);
                }
            }
            if (fouProto != IpProtocol.GRE && fouProto != IpProtocol.IPIP && fouProto != IpProtocol.IPV6) {
                return reject(DropReason.TUNNEL_BAD_INNER);
            }
        }
        if (fouProto >= 0) {
            // fou_udp_recv: the outer IP header stays, the UDP header goes, the payload is protocol fouProto.
            return switch (fouProto) {
                case IpProtocol.GRE -> gre(skb, in, payload);
                case IpProtocol.IPIP -> ipip(skb, in, payload);
                default -> ipv6(skb, in, payload);
            };
        }
        if (payload + VxlanHeader.LENGTH + TunnelDevice.ETH_HLEN > end) {
            return reject(DropReason.MALFORMED);
        }
        vxlan.wrap(b, payload);
        TunnelDevice t = vxlan.vniValid() ? tunnels.vxlanByVni(family, port, vxlan.vni()) : null;
        if (t == null) {
            return reject(DropReason.VXLAN_VNI_NOT_FOUND);
        }
        int eth = payload + VxlanHeader.LENGTH;
        int type = Bytes.u16(b, eth + 12);
        if (type != SkBuff.ETH_P_IP && type != SkBuff.ETH_P_IPV6) {
            t.rxErrors++;
            return reject(DropReason.TUNNEL_BAD_INNER);
        }
        return decap(t, skb, eth + TunnelDevice.ETH_HLEN, type);
    }

    /** Strips everything before {@code innerOff} and receives the inner packet on the tunnel device. */
    private boolean decap(TunnelDevice t, SkBuff outer, int innerOff, int innerProtocol) {
        TunnelConfig cfg = t.config();
        boolean innerV4 = innerProtocol == SkBuff.ETH_P_IP;
        if (innerV4 ? !cfg.carriesIpv4() : !cfg.carriesIpv6()) {
            t.rxErrors++;
            return reject(DropReason.TUNNEL_BAD_INNER);
        }
        int end = outer.data + outer.len;
        byte[] b = outer.head;
        int innerLen = end - innerOff;
        int minLen = innerV4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
        if (innerLen < minLen || (b[innerOff] & 0xff) >>> 4 != (innerV4 ? 4 : 6)) {
            t.rxErrors++;
            return reject(DropReason.TUNNEL_BAD_INNER);
        }
        // The inner packet stays where it is, as the kernel pulls the outer headers off the same skb: the outer
        // skb ends here (its outcome reads only the outer header), so the inner one can own the buffer.
        if (!ecnDecapsulate(outer, b, innerOff, innerV4)) {
            t.rxErrors++;
            return reject(DropReason.TUNNEL_BAD_INNER);
        }
        SkBuff inner = backlog != null ? backlog.buildSkb(b, innerOff, innerLen) : new SkBuff(b, innerOff, innerLen);
        inner.protocol = innerProtocol;
        inner.mark = outer.mark;
        inner.priority = outer.priority;
        if (backlog != null) {
            backlog.receiveLater(t.device(), inner); // gro_cells_receive / netif_rx: the backlog runs it later
        } else {
            pipeline.receive(t.device(), inner);
        }
        return true;
    }

    /**
     * INET_ECN_decapsulate / IP_ECN_decapsulate: outer CE marks an ECN-capable inner packet CE (in {@code b}, the
     * inner packet's own bytes); a not-ECT inner packet with CE outside is dropped (rx_frame_errors).
     */
    private boolean ecnDecapsulate(SkBuff outer, byte[] b, int innerOff, boolean innerV4) {
        byte[] o = outer.head;
        int outerTos = outer.protocol == SkBuff.ETH_P_IP ? o[outer.data + Ipv4Header.TOS] & 0xff
                : (Bytes.u16(o, outer.data) >>> 4) & 0xff;
        if ((outerTos & 3) != 3) {
            return true;
        }
        int innerTos = innerV4 ? b[innerOff + Ipv4Header.TOS] & 0xff : (Bytes.u16(b, innerOff) >>> 4) & 0xff;
        if ((innerTos & 3) == 0) {
            return false;
        }
        if (innerV4) {
            ip4.wrap(b, innerOff).tos(innerTos | 3).updateChecksum();
        } else {
            int w = Bytes.u16(b, innerOff) | (3 << 4);
            Bytes.put16(b, innerOff, w);
        }
        return true;
    }

    /** No tunnel takes the packet: ICMP port unreachable to the sender, then a drop with the reason. */
    private boolean noTunnel(SkBuff skb) {
        DropReason reason = tunnels.lastLookupKeyMismatch() ? DropReason.TUNNEL_KEY_MISMATCH
                : DropReason.TUNNEL_NO_MATCH;
        byte[] b = skb.head;
        int off = skb.data;
        if (skb.protocol == SkBuff.ETH_P_IP) {
            pipeline.sendGenerated(icmp.destUnreachable(b, off, skb.len, IcmpHeader.PORT_UNREACH,
                    Bytes.i32(b, off + Ipv4Header.DST)));
        } else {
            byte[] src = new byte[16];
            System.arraycopy(b, off + Ipv6Header.DST, src, 0, 16);
            pipeline.sendGenerated(icmp.destUnreachableV6(b, off, skb.len, Icmpv6Header.PORT_UNREACH, src));
        }
        return reject(reason);
    }

    private boolean reject(DropReason reason) {
        pipeline.rejectLocal(reason);
        return true;
    }
}
