package io.lwtemu.node.packet;

/**
 * Flyweight over an ICMP (v4) header (RFC 792). The checksum covers the whole ICMP message, no pseudo header.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * |     Type      |     Code      |           Checksum            |  0
 * +---------------+---------------+-------------------------------+
 * |  Identifier (echo) / unused   | Sequence (echo) / next-hop MTU|  4
 * +-------------------------------+-------------------------------+
 * |   data: echo payload, or the offending IP header + data ...   |  8
 * </pre>
 */
public final class IcmpHeader {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int ID = 4;
    public static final int SEQUENCE = 6;
    public static final int MTU = 6;
    public static final int REST = 4;
    public static final int LENGTH = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACH = 3;
    public static final int REDIRECT = 5;
    public static final int ECHO = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;

    /** Destination-unreachable codes (include/uapi/linux/icmp.h). */
    public static final int NET_UNREACH = 0;
    public static final int HOST_UNREACH = 1;
    public static final int PROT_UNREACH = 2;
    public static final int PORT_UNREACH = 3;
    public static final int FRAG_NEEDED = 4;
    public static final int NET_ANO = 9;
    public static final int HOST_ANO = 10;
    public static final int PKT_FILTERED = 13;
    /** Time-exceeded codes. */
    public static final int EXC_TTL = 0;
    public static final int EXC_FRAGTIME = 1;

    private byte[] buf;
    private int off;

    public IcmpHeader wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int type() {
        return Bytes.u8(buf, off + TYPE);
    }

    public IcmpHeader type(int v) {
        Bytes.put8(buf, off + TYPE, v);
        return this;
    }

    public int code() {
        return Bytes.u8(buf, off + CODE);
    }

    public IcmpHeader code(int v) {
        Bytes.put8(buf, off + CODE, v);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    public IcmpHeader checksum(int v) {
        Bytes.put16(buf, off + CHECKSUM, v);
        return this;
    }

    public int id() {
        return Bytes.u16(buf, off + ID);
    }

    public IcmpHeader id(int v) {
        Bytes.put16(buf, off + ID, v);
        return this;
    }

    public int sequence() {
        return Bytes.u16(buf, off + SEQUENCE);
    }

    public IcmpHeader sequence(int v) {
        Bytes.put16(buf, off + SEQUENCE, v);
        return this;
    }

    /** Next-hop MTU of a fragmentation-needed message (RFC 1191). */
    public int mtu() {
        return Bytes.u16(buf, off + MTU);
    }

    public IcmpHeader mtu(int v) {
        Bytes.put16(buf, off + MTU, v);
        return this;
    }

    /** The 32-bit rest-of-header word. */
    public int rest() {
        return Bytes.i32(buf, off + REST);
    }

    public IcmpHeader rest(int v) {
        Bytes.put32(buf, off + REST, v);
        return this;
    }

    /** True for the error types that must never trigger another ICMP error (icmp_pointers[].error). */
    public static boolean isError(int type) {
        return type == DEST_UNREACH || type == 4 /* source quench */ || type == REDIRECT
                || type == TIME_EXCEEDED || type == PARAMETER_PROBLEM;
    }

    /** Checksum of the {@code length}-byte message with the checksum field as zero. */
    public int computeChecksum(int length) {
        long sum = InternetChecksum.partial(buf, off, CHECKSUM, 0);
        sum = InternetChecksum.partial(buf, off + CHECKSUM + 2, length - CHECKSUM - 2, sum);
        return InternetChecksum.finish(sum);
    }

    public IcmpHeader updateChecksum(int length) {
        return checksum(computeChecksum(length));
    }

    public boolean verifyChecksum(int length) {
        return InternetChecksum.verify(buf, off, length);
    }
}
