package io.lwtemu.node.packet;

/**
 * Builds complete, checksummed IPv4/IPv6 packets for tests and traffic generators: ICMP echo request/reply,
 * UDP datagrams and TCP-like segments. Not for the forwarding path (it allocates the packet it returns).
 *
 * <pre>
 * byte[] ping = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").ttl(64).dontFragment().icmpEchoRequest(1, 1, 56);
 * byte[] dgram = PacketBuilder.ipv6("2001:db8::1", "2001:db8::2").udp(5000, 53, payload);
 * </pre>
 */
public final class PacketBuilder {
    private final boolean v6;
    private final byte[] src;
    private final byte[] dst;
    private int ttl = 64;
    private int tos;
    private int id;
    private boolean df;
    private int flowLabel;

    private PacketBuilder(boolean v6, byte[] src, byte[] dst) {
        this.v6 = v6;
        this.src = src;
        this.dst = dst;
    }

    public static PacketBuilder ipv4(String src, String dst) {
        byte[] s = new byte[4];
        byte[] d = new byte[4];
        Bytes.put32(s, 0, Ipv4Header.parse(src));
        Bytes.put32(d, 0, Ipv4Header.parse(dst));
        return new PacketBuilder(false, s, d);
    }

    public static PacketBuilder ipv6(String src, String dst) {
        return new PacketBuilder(true, Ipv6Header.parse(src), Ipv6Header.parse(dst));
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    public PacketBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    public PacketBuilder id(int id) {
        this.id = id;
        return this;
    }

    public PacketBuilder dontFragment() {
        this.df = true;
        return this;
    }

    public PacketBuilder flowLabel(int flowLabel) {
        this.flowLabel = flowLabel;
        return this;
    }

    /** Echo request whose payload is {@code payloadLength} bytes counting up from 0 (like ping's pattern). */
    public byte[] icmpEchoRequest(int ident, int seq, int payloadLength) {
        return echo(true, ident, seq, pattern(payloadLength));
    }

    public byte[] icmpEchoReply(int ident, int seq, int payloadLength) {
        return echo(false, ident, seq, pattern(payloadLength));
    }

    public byte[] echo(boolean request, int ident, int seq, byte[] payload) {
        int l4 = IcmpHeader.LENGTH + payload.length;
        byte[] p = new byte[ipHeaderLength() + l4];
        int o = writeIp(p, v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP, l4);
        System.arraycopy(payload, 0, p, o + IcmpHeader.LENGTH, payload.length);
        if (v6) {
            new Icmpv6Header().wrap(p, o).type(request ? Icmpv6Header.ECHO_REQUEST : Icmpv6Header.ECHO_REPLY)
                    .code(0).id(ident).sequence(seq).updateChecksum(p, 0, l4);
        } else {
            new IcmpHeader().wrap(p, o).type(request ? IcmpHeader.ECHO : IcmpHeader.ECHO_REPLY)
                    .code(0).id(ident).sequence(seq).updateChecksum(l4);
        }
        return p;
    }

    public byte[] udp(int srcPort, int dstPort, byte[] payload) {
        int l4 = UdpHeader.LENGTH + payload.length;
        byte[] p = new byte[ipHeaderLength() + l4];
        int o = writeIp(p, IpProtocol.UDP, l4);
        System.arraycopy(payload, 0, p, o + UdpHeader.LENGTH, payload.length);
        UdpHeader udp = new UdpHeader().wrap(p, o).srcPort(srcPort).dstPort(dstPort).length(l4);
        if (v6) {
            udp.updateChecksumV6(p, 0);
        } else {
            udp.updateChecksumV4(p, 0);
        }
        return p;
    }

    public byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, byte[] payload) {
        int l4 = TcpHeader.MIN_LENGTH + payload.length;
        byte[] p = new byte[ipHeaderLength() + l4];
        int o = writeIp(p, IpProtocol.TCP, l4);
        System.arraycopy(payload, 0, p, o + TcpHeader.MIN_LENGTH, payload.length);
        TcpHeader tcp = new TcpHeader().wrap(p, o).srcPort(srcPort).dstPort(dstPort).seq(seq).ack(ack)
                .headerLength(TcpHeader.MIN_LENGTH).flags(flags).window(65535);
        tcp.checksum(v6 ? tcp.computeChecksumV6(p, 0, l4) : tcp.computeChecksumV4(p, 0, l4));
        return p;
    }

    /** An IP packet carrying {@code payload} as protocol {@code protocol} (e.g. a tunnelled inner packet). */
    public byte[] raw(int protocol, byte[] payload) {
        byte[] p = new byte[ipHeaderLength() + payload.length];
        int o = writeIp(p, protocol, payload.length);
        System.arraycopy(payload, 0, p, o, payload.length);
        return p;
    }

    private int ipHeaderLength() {
        return v6 ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
    }

    private int writeIp(byte[] p, int protocol, int l4Length) {
        if (v6) {
            new Ipv6Header().wrap(p, 0).versionClassFlow(tos, flowLabel).payloadLength(l4Length)
                    .nextHeader(protocol).hopLimit(ttl).src(src).dst(dst);
            return Ipv6Header.LENGTH;
        }
        new Ipv4Header().wrap(p, 0).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(tos)
                .totalLength(Ipv4Header.MIN_LENGTH + l4Length).id(id).fragOff(df ? Ipv4Header.FLAG_DF : 0)
                .ttl(ttl).protocol(protocol).src(Bytes.i32(src, 0)).dst(Bytes.i32(dst, 0)).updateChecksum();
        return Ipv4Header.MIN_LENGTH;
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
