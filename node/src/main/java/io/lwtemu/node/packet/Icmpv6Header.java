package io.lwtemu.node.packet;

/**
 * Flyweight over an ICMPv6 header (RFC 4443). Same shape as ICMP, but the checksum includes the IPv6 pseudo
 * header, and packet-too-big carries a 32-bit MTU.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |           Checksum            |  0
 * +---------------+---------------+-------------------------------+
 * |  Identifier / MTU (PTB, 32 bit) / pointer (param problem)     |  4
 * +---------------------------------------------------------------+
 * </pre>
 */
public final class Icmpv6Header {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int ID = 4;
    public static final int SEQUENCE = 6;
    public static final int MTU = 4;
    public static final int LENGTH = 8;

    public static final int DEST_UNREACH = 1;
    public static final int PKT_TOOBIG = 2;
    public static final int TIME_EXCEED = 3;
    public static final int PARAMPROB = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;

    /** Destination-unreachable codes. */
    public static final int NOROUTE = 0;
    public static final int ADM_PROHIBITED = 1;
    public static final int ADDR_UNREACH = 3;
    public static final int PORT_UNREACH = 4;
    public static final int POLICY_FAIL = 5;
    public static final int REJECT_ROUTE = 6;
    /** Time-exceeded codes. */
    public static final int EXC_HOPLIMIT = 0;
    public static final int EXC_FRAGTIME = 1;

    private byte[] buf;
    private int off;

    public Icmpv6Header wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int type() {
        return Bytes.u8(buf, off + TYPE);
    }

    public Icmpv6Header type(int v) {
        Bytes.put8(buf, off + TYPE, v);
        return this;
    }

    public int code() {
        return Bytes.u8(buf, off + CODE);
    }

    public Icmpv6Header code(int v) {
        Bytes.put8(buf, off + CODE, v);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    public Icmpv6Header checksum(int v) {
        Bytes.put16(buf, off + CHECKSUM, v);
        return this;
    }

    public int id() {
        return Bytes.u16(buf, off + ID);
    }

    public Icmpv6Header id(int v) {
        Bytes.put16(buf, off + ID, v);
        return this;
    }

    public int sequence() {
        return Bytes.u16(buf, off + SEQUENCE);
    }

    public Icmpv6Header sequence(int v) {
        Bytes.put16(buf, off + SEQUENCE, v);
        return this;
    }

    public long mtu() {
        return Bytes.u32(buf, off + MTU);
    }

    public Icmpv6Header mtu(long v) {
        Bytes.put32(buf, off + MTU, (int) v);
        return this;
    }

    /** Informational messages have the high bit set; everything below 128 is an error (RFC 4443 2.1). */
    public static boolean isError(int type) {
        return type < 128;
    }

    /** Checksum over pseudo header (from the IPv6 header at {@code ipOff}) + the {@code length}-byte message. */
    public int computeChecksum(byte[] ipBuf, int ipOff, int length) {
        long sum = InternetChecksum.pseudoHeaderV6(ipBuf, ipOff + Ipv6Header.SRC, ipOff + Ipv6Header.DST,
                IpProtocol.ICMPV6, length);
        sum = InternetChecksum.partial(buf, off, CHECKSUM, sum);
        sum = InternetChecksum.partial(buf, off + CHECKSUM + 2, length - CHECKSUM - 2, sum);
        return InternetChecksum.finish(sum);
    }

    public Icmpv6Header updateChecksum(byte[] ipBuf, int ipOff, int length) {
        return checksum(computeChecksum(ipBuf, ipOff, length));
    }

    public boolean verifyChecksum(byte[] ipBuf, int ipOff, int length) {
        long sum = InternetChecksum.pseudoHeaderV6(ipBuf, ipOff + Ipv6Header.SRC, ipOff + Ipv6Header.DST,
                IpProtocol.ICMPV6, length);
        return InternetChecksum.fold(InternetChecksum.partial(buf, off, length, sum)) == 0xffff;
    }
}
