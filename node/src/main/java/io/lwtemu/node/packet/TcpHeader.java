package io.lwtemu.node.packet;

/**
 * Flyweight over a TCP header (RFC 9293), enough for traffic generation and checksum fixes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          Source Port          |       Destination Port        |  0
 * +-------------------------------+-------------------------------+
 * |                        Sequence Number                        |  4
 * +---------------------------------------------------------------+
 * |                     Acknowledgment Number                     |  8
 * +-------+-------+---------------+-------------------------------+
 * | DOff  | Rsrvd |     Flags     |            Window             | 12
 * +-------+-------+---------------+-------------------------------+
 * |           Checksum            |        Urgent Pointer         | 16
 * +-------------------------------+-------------------------------+
 * </pre>
 */
public final class TcpHeader {
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int SEQ = 4;
    public static final int ACK = 8;
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT = 18;
    public static final int MIN_LENGTH = 20;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK_FLAG = 0x10;

    private byte[] buf;
    private int off;

    public TcpHeader wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int srcPort() {
        return Bytes.u16(buf, off + SRC_PORT);
    }

    public TcpHeader srcPort(int v) {
        Bytes.put16(buf, off + SRC_PORT, v);
        return this;
    }

    public int dstPort() {
        return Bytes.u16(buf, off + DST_PORT);
    }

    public TcpHeader dstPort(int v) {
        Bytes.put16(buf, off + DST_PORT, v);
        return this;
    }

    public long seq() {
        return Bytes.u32(buf, off + SEQ);
    }

    public TcpHeader seq(long v) {
        Bytes.put32(buf, off + SEQ, (int) v);
        return this;
    }

    public long ack() {
        return Bytes.u32(buf, off + ACK);
    }

    public TcpHeader ack(long v) {
        Bytes.put32(buf, off + ACK, (int) v);
        return this;
    }

    public int headerLength() {
        return ((buf[off + DATA_OFFSET] & 0xff) >>> 4) * 4;
    }

    public TcpHeader headerLength(int bytes) {
        buf[off + DATA_OFFSET] = (byte) ((bytes / 4) << 4);
        return this;
    }

    public int flags() {
        return Bytes.u8(buf, off + FLAGS);
    }

    public TcpHeader flags(int v) {
        Bytes.put8(buf, off + FLAGS, v);
        return this;
    }

    public int window() {
        return Bytes.u16(buf, off + WINDOW);
    }

    public TcpHeader window(int v) {
        Bytes.put16(buf, off + WINDOW, v);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    public TcpHeader checksum(int v) {
        Bytes.put16(buf, off + CHECKSUM, v);
        return this;
    }

    /** Checksum over the {@code segmentLength}-byte segment with the IPv4 pseudo header. */
    public int computeChecksumV4(byte[] ipBuf, int ipOff, int segmentLength) {
        long sum = InternetChecksum.pseudoHeaderV4(ipBuf, ipOff + Ipv4Header.SRC, ipOff + Ipv4Header.DST,
                IpProtocol.TCP, segmentLength);
        return finishSum(sum, segmentLength);
    }

    public int computeChecksumV6(byte[] ipBuf, int ipOff, int segmentLength) {
        long sum = InternetChecksum.pseudoHeaderV6(ipBuf, ipOff + Ipv6Header.SRC, ipOff + Ipv6Header.DST,
                IpProtocol.TCP, segmentLength);
        return finishSum(sum, segmentLength);
    }

    private int finishSum(long sum, int len) {
        sum = InternetChecksum.partial(buf, off, CHECKSUM, sum);
        sum = InternetChecksum.partial(buf, off + CHECKSUM + 2, len - CHECKSUM - 2, sum);
        return InternetChecksum.finish(sum);
    }
}
