package io.lwtemu.node.packet;

/**
 * Flyweight over a UDP header (RFC 768), with the IPv4/IPv6 pseudo-header checksum.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |  0
 * +-------------------------------+-------------------------------+
 * |            Length             |           Checksum            |  4
 * +-------------------------------+-------------------------------+
 * </pre>
 * Over IPv4 a computed checksum of 0 is sent as 0xffff (0 means "none"); over IPv6 a checksum is mandatory.
 */
public final class UdpHeader {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int LENGTH_FIELD = 4;
    public static final int CHECKSUM = 6;
    public static final int LENGTH = 8;

    public static final int VXLAN_PORT = 4789;

    private byte[] buf;
    private int off;

    public UdpHeader wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int srcPort() {
        return Bytes.u16(buf, off + SRC_PORT);
    }

    public UdpHeader srcPort(int v) {
        Bytes.put16(buf, off + SRC_PORT, v);
        return this;
    }

    public int dstPort() {
        return Bytes.u16(buf, off + DST_PORT);
    }

    public UdpHeader dstPort(int v) {
        Bytes.put16(buf, off + DST_PORT, v);
        return this;
    }

    public int length() {
        return Bytes.u16(buf, off + LENGTH_FIELD);
    }

    public UdpHeader length(int v) {
        Bytes.put16(buf, off + LENGTH_FIELD, v);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    public UdpHeader checksum(int v) {
        Bytes.put16(buf, off + CHECKSUM, v);
        return this;
    }

    /** Checksum with the IPv4 pseudo header of the IPv4 header at {@code ipOff}, over {@link #length()} bytes. */
    public int computeChecksumV4(byte[] ipBuf, int ipOff) {
        int len = length();
        long sum = InternetChecksum.pseudoHeaderV4(ipBuf, ipOff + Ipv4Header.SRC, ipOff + Ipv4Header.DST,
                IpProtocol.UDP, len);
        int c = finishSum(sum, len);
        return c == 0 ? 0xffff : c;
    }

    public int computeChecksumV6(byte[] ipBuf, int ipOff) {
        int len = length();
        long sum = InternetChecksum.pseudoHeaderV6(ipBuf, ipOff + Ipv6Header.SRC, ipOff + Ipv6Header.DST,
                IpProtocol.UDP, len);
        int c = finishSum(sum, len);
        return c == 0 ? 0xffff : c;
    }

    private int finishSum(long sum, int len) {
        sum = InternetChecksum.partial(buf, off, CHECKSUM, sum);
        sum = InternetChecksum.partial(buf, off + CHECKSUM + 2, len - CHECKSUM - 2, sum);
        return InternetChecksum.finish(sum);
    }

    public UdpHeader updateChecksumV4(byte[] ipBuf, int ipOff) {
        return checksum(computeChecksumV4(ipBuf, ipOff));
    }

    public UdpHeader updateChecksumV6(byte[] ipBuf, int ipOff) {
        return checksum(computeChecksumV6(ipBuf, ipOff));
    }

    /** True when the checksum is absent (0, IPv4 only) or correct. */
    public boolean verifyChecksumV4(byte[] ipBuf, int ipOff) {
        return checksum() == 0 || checksum() == computeChecksumV4(ipBuf, ipOff);
    }

    public boolean verifyChecksumV6(byte[] ipBuf, int ipOff) {
        return checksum() != 0 && checksum() == computeChecksumV6(ipBuf, ipOff);
    }
}
