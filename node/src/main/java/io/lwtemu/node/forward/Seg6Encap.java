package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.Srh;
import java.util.Arrays;
import java.util.List;

/** The packet transformation of net/ipv6/seg6_iptunnel.c (seg6_do_srh_encap / seg6_do_srh_inline). */
final class Seg6Encap {
    private Seg6Encap() {}

    /**
     * Encap mode pushes IPv6 (hop limit and traffic class from an IPv6 inner packet, 64 / 0 for IPv4, flow label 0
     * as with seg6_flowlabel=0) + SRH with next header 4/41; inline mode (IPv6 only) inserts the SRH after the IPv6
     * header with the original destination as the last segment. The destination becomes the first segment.
     * Returns false when the packet cannot take this encap (inline on IPv4).
     */
    static boolean doSrh(SkBuff skb, Seg6Lwt s, IpAddress tunnelSrc) {
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        List<IpAddress> segs = s.segments();
        int n = segs.size();
        Ipv6Header ip6 = new Ipv6Header();
        if (s.inline()) {
            if (v4) {
                return false;
            }
            int srhLen = 8 + 16 * (n + 1);
            byte[][] travel = new byte[n + 1][];
            for (int i = 0; i < n; i++) {
                travel[i] = segs.get(i).toBytes();
            }
            travel[n] = Arrays.copyOfRange(skb.head, skb.data + Ipv6Header.DST, skb.data + Ipv6Header.DST + 16);
            skb.ensureHeadroom(srhLen);
            byte[] b = skb.head;
            System.arraycopy(b, skb.data, b, skb.data - srhLen, Ipv6Header.LENGTH);
            skb.data -= srhLen;
            skb.len += srhLen;
            int off = skb.data;
            ip6.wrap(b, off);
            Srh.write(b, off + Ipv6Header.LENGTH, ip6.nextHeader(), travel);
            ip6.nextHeader(IpProtocol.ROUTING).payloadLength(skb.len - Ipv6Header.LENGTH).dst(travel[0]);
            return true;
        }
        byte[][] travel = new byte[n][];
        for (int i = 0; i < n; i++) {
            travel[i] = segs.get(i).toBytes();
        }
        int srhLen = 8 + 16 * n;
        int tclass = 0;
        int hop = 64;
        if (!v4) {
            ip6.wrap(skb.head, skb.data);
            tclass = ip6.trafficClass();
            hop = ip6.hopLimit();
        }
        int total = Ipv6Header.LENGTH + srhLen;
        skb.ensureHeadroom(total);
        skb.data -= total;
        skb.len += total;
        byte[] b = skb.head;
        int off = skb.data;
        ip6.wrap(b, off).versionClassFlow(tclass, 0).payloadLength(skb.len - Ipv6Header.LENGTH)
                .nextHeader(IpProtocol.ROUTING).hopLimit(hop).dst(travel[0]);
        if (tunnelSrc != null) {
            tunnelSrc.write(b, off + Ipv6Header.SRC);
        } else {
            Arrays.fill(b, off + Ipv6Header.SRC, off + Ipv6Header.SRC + 16, (byte) 0);
        }
        Srh.write(b, off + Ipv6Header.LENGTH, v4 ? IpProtocol.IPIP : IpProtocol.IPV6, travel);
        skb.innerProtocol = skb.protocol;
        skb.protocol = SkBuff.ETH_P_IPV6;
        skb.encapsulation = true;
        return true;
    }
}
