package io.lwtemu.node.packet;

/**
 * Flyweight over an IPv4 header (RFC 791) at an offset in a byte array. Wrap, read, write; nothing allocates.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |Version|  IHL  |   DSCP/ECN    |          Total Length         |  0
 * +-------+-------+---------------+-----+-------------------------+
 * |         Identification        |Flags|     Fragment Offset     |  4
 * +---------------+---------------+-----+-------------------------+
 * |  Time to Live |    Protocol   |        Header Checksum        |  8
 * +---------------+---------------+-------------------------------+
 * |                        Source Address                         | 12
 * +---------------------------------------------------------------+
 * |                     Destination Address                       | 16
 * +---------------------------------------------------------------+
 * |                 Options (IHL*4 - 20 bytes)                    | 20
 * +---------------------------------------------------------------+
 * </pre>
 * Flags: bit 0 reserved, DF = 0x4000, MF = 0x2000 in the 16-bit flags/offset word; the offset counts 8-byte units.
 */
public final class Ipv4Header {
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int ID = 4;
    public static final int FRAG_OFF = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC = 12;
    public static final int DST = 16;
    public static final int OPTIONS = 20;
    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;

    public static final int FLAG_RESERVED = 0x8000;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int OFFSET_MASK = 0x1fff;

    private byte[] buf;
    private int off;

    public Ipv4Header wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int version() {
        return (buf[off] & 0xff) >>> 4;
    }

    public int ihl() {
        return buf[off] & 0x0f;
    }

    public int headerLength() {
        return ihl() * 4;
    }

    public int optionsLength() {
        return headerLength() - MIN_LENGTH;
    }

    /** Writes version 4 and the IHL for a header of {@code headerLength} bytes. */
    public Ipv4Header versionAndHeaderLength(int headerLength) {
        buf[off] = (byte) (0x40 | (headerLength / 4));
        return this;
    }

    public int tos() {
        return Bytes.u8(buf, off + TOS);
    }

    public Ipv4Header tos(int v) {
        Bytes.put8(buf, off + TOS, v);
        return this;
    }

    public int dscp() {
        return tos() >>> 2;
    }

    public int totalLength() {
        return Bytes.u16(buf, off + TOTAL_LENGTH);
    }

    public Ipv4Header totalLength(int v) {
        Bytes.put16(buf, off + TOTAL_LENGTH, v);
        return this;
    }

    public int id() {
        return Bytes.u16(buf, off + ID);
    }

    public Ipv4Header id(int v) {
        Bytes.put16(buf, off + ID, v);
        return this;
    }

    /** The raw flags + fragment offset word. */
    public int fragOff() {
        return Bytes.u16(buf, off + FRAG_OFF);
    }

    public Ipv4Header fragOff(int v) {
        Bytes.put16(buf, off + FRAG_OFF, v);
        return this;
    }

    public boolean dontFragment() {
        return (fragOff() & FLAG_DF) != 0;
    }

    public boolean moreFragments() {
        return (fragOff() & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset() {
        return fragOff() & OFFSET_MASK;
    }

    public int fragmentOffsetBytes() {
        return fragmentOffset() * 8;
    }

    /** True for any fragment (MF set or non-zero offset), as the kernel's ip_is_fragment(). */
    public boolean isFragment() {
        return (fragOff() & (FLAG_MF | OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return Bytes.u8(buf, off + TTL);
    }

    public Ipv4Header ttl(int v) {
        Bytes.put8(buf, off + TTL, v);
        return this;
    }

    public int protocol() {
        return Bytes.u8(buf, off + PROTOCOL);
    }

    public Ipv4Header protocol(int v) {
        Bytes.put8(buf, off + PROTOCOL, v);
        return this;
    }

    public int checksum() {
        return Bytes.u16(buf, off + CHECKSUM);
    }

    public Ipv4Header checksum(int v) {
        Bytes.put16(buf, off + CHECKSUM, v);
        return this;
    }

    public int src() {
        return Bytes.i32(buf, off + SRC);
    }

    public Ipv4Header src(int v) {
        Bytes.put32(buf, off + SRC, v);
        return this;
    }

    public int dst() {
        return Bytes.i32(buf, off + DST);
    }

    public Ipv4Header dst(int v) {
        Bytes.put32(buf, off + DST, v);
        return this;
    }

    /** The header checksum over IHL*4 bytes computed with the checksum field taken as zero. */
    public int computeChecksum() {
        long sum = InternetChecksum.partial(buf, off, CHECKSUM, 0);
        sum = InternetChecksum.partial(buf, off + CHECKSUM + 2, headerLength() - CHECKSUM - 2, sum);
        return InternetChecksum.finish(sum);
    }

    /** Recomputes and stores the header checksum. */
    public Ipv4Header updateChecksum() {
        return checksum(computeChecksum());
    }

    /** True when the stored checksum is correct (ip_fast_csum() == 0 in ip_rcv_core). */
    public boolean verifyChecksum() {
        int hlen = headerLength();
        return hlen == MIN_LENGTH ? InternetChecksum.verify20(buf, off) : InternetChecksum.verify(buf, off, hlen);
    }

    /** ip_decrease_ttl(): TTL - 1 with an incremental checksum update of the TTL/protocol word. */
    public int decrementTtl() {
        int oldWord = Bytes.u16(buf, off + TTL);
        int ttl = ttl() - 1;
        ttl(ttl);
        checksum(InternetChecksum.update16(checksum(), oldWord, Bytes.u16(buf, off + TTL)));
        return ttl;
    }

    /** Writes a new destination and fixes the header checksum incrementally (RFC 1624). */
    public Ipv4Header rewriteDst(int newDst) {
        int old = dst();
        dst(newDst);
        return checksum(InternetChecksum.update32(checksum(), old, newDst));
    }

    /** Formats an address held in an int as dotted quad. */
    public static String format(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xff) + "." + ((addr >>> 8) & 0xff) + "." + (addr & 0xff);
    }

    /** Parses a strict dotted-quad address ("10.0.0.1"). */
    public static int parse(String s) {
        int value = 0;
        int parts = 0;
        int cur = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (cur < 0 || parts == 4) {
                    throw new IllegalArgumentException("invalid IPv4 address '" + s + "'");
                }
                value = (value << 8) | cur;
                parts++;
                cur = -1;
            } else if (c >= '0' && c <= '9') {
                cur = (cur < 0 ? 0 : cur * 10) + (c - '0');
                if (cur > 255) {
                    throw new IllegalArgumentException("invalid IPv4 address '" + s + "'");
                }
            } else {
                throw new IllegalArgumentException("invalid IPv4 address '" + s + "'");
            }
        }
        if (parts != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + s + "'");
        }
        return value;
    }

    /** Multicast (224/4), limited broadcast or 0/8 sources the kernel never answers with an ICMP error. */
    public static boolean isMulticast(int addr) {
        return (addr & 0xf0000000) == 0xe0000000;
    }

    public static boolean isLimitedBroadcast(int addr) {
        return addr == 0xffffffff;
    }
}
