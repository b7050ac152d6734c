package io.lwtemu.node.packet;

/**
 * Flyweight over a GRE header (RFC 2784 + RFC 2890 key and sequence number).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------------------+-----+-----------------------------+
 * |C| |K|S|     Reserved0     | Ver |         Protocol Type        |  0
 * +-+-+-+-+-------------------+-----+-----------------------------+
 * |      Checksum (if C)          |       Reserved1 (if C)        |  4
 * +-------------------------------+-------------------------------+
 * |                         Key (if K)                            |
 * +---------------------------------------------------------------+
 * |                   Sequence Number (if S)                      |
 * +---------------------------------------------------------------+
 * </pre>
 * Optional fields appear in the order checksum, key, sequence; each present one adds 4 bytes.
 */
public final class GreHeader {
    public static final int FLAGS = 0;
    public static final int PROTOCOL = 2;
    public static final int BASE_LENGTH = 4;

    public static final int FLAG_CSUM = 0x8000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQ = 0x1000;
    public static final int VERSION_MASK = 0x0007;
    /** Flag bits that GRE version 0 receivers reject (routing present, strict source route, recursion). */
    public static final int FLAG_UNSUPPORTED = 0x4000 | 0x0800 | 0x0700;

    private byte[] buf;
    private int off;

    public GreHeader wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int flags() {
        return Bytes.u16(buf, off + FLAGS);
    }

    public GreHeader flags(int v) {
        Bytes.put16(buf, off + FLAGS, v);
        return this;
    }

    public boolean hasChecksum() {
        return (flags() & FLAG_CSUM) != 0;
    }

    public boolean hasKey() {
        return (flags() & FLAG_KEY) != 0;
    }

    public boolean hasSequence() {
        return (flags() & FLAG_SEQ) != 0;
    }

    public int version() {
        return flags() & VERSION_MASK;
    }

    /** EtherType of the payload (0x0800 IPv4, 0x86DD IPv6, 0x6558 transparent Ethernet). */
    public int protocol() {
        return Bytes.u16(buf, off + PROTOCOL);
    }

    public GreHeader protocol(int v) {
        Bytes.put16(buf, off + PROTOCOL, v);
        return this;
    }

    /** Header length implied by the flags. */
    public int headerLength() {
        int f = flags();
        return BASE_LENGTH + ((f & FLAG_CSUM) != 0 ? 4 : 0) + ((f & FLAG_KEY) != 0 ? 4 : 0)
                + ((f & FLAG_SEQ) != 0 ? 4 : 0);
    }

    public int checksum() {
        return Bytes.u16(buf, off + BASE_LENGTH);
    }

    private int keyOffset() {
        return off + BASE_LENGTH + (hasChecksum() ? 4 : 0);
    }

    public long key() {
        return Bytes.u32(buf, keyOffset());
    }

    public GreHeader key(long v) {
        Bytes.put32(buf, keyOffset(), (int) v);
        return this;
    }

    public long sequence() {
        return Bytes.u32(buf, keyOffset() + (hasKey() ? 4 : 0));
    }

    public GreHeader sequence(long v) {
        Bytes.put32(buf, keyOffset() + (hasKey() ? 4 : 0), (int) v);
        return this;
    }

    /** Computes and stores the optional checksum over the GRE header and payload of {@code length} bytes. */
    public GreHeader updateChecksum(int length) {
        Bytes.put32(buf, off + BASE_LENGTH, 0);
        Bytes.put16(buf, off + BASE_LENGTH, InternetChecksum.checksum(buf, off, length));
        return this;
    }

    public boolean verifyChecksum(int length) {
        return !hasChecksum() || InternetChecksum.verify(buf, off, length);
    }
}
