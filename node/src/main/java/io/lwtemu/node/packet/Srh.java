package io.lwtemu.node.packet;

/**
 * Flyweight over an IPv6 Segment Routing Header (RFC 8754: routing header type 4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+---------------+---------------+
 * |  Next Header  |  Hdr Ext Len  | Routing Type=4| Segments Left |  0
 * +---------------+---------------+---------------+---------------+
 * |  Last Entry   |     Flags     |              Tag              |  4
 * +---------------+---------------+-------------------------------+
 * |            Segment List[0] (16 bytes, the LAST segment)       |  8
 * |            ...                                                |
 * |            Segment List[n] (the first segment)                |
 * +---------------------------------------------------------------+
 * |            Optional TLVs: type(1) length(1) value ...         |
 * +---------------------------------------------------------------+
 * </pre>
 * Total length is {@code (hdrExtLen + 1) * 8}. The active segment is {@code segments[segmentsLeft]}.
 */
public final class Srh {
    public static final int NEXT_HEADER = 0;
    public static final int HDR_EXT_LEN = 1;
    public static final int ROUTING_TYPE = 2;
    public static final int SEGMENTS_LEFT = 3;
    public static final int LAST_ENTRY = 4;
    public static final int FLAGS = 5;
    public static final int TAG = 6;
    public static final int SEGMENTS = 8;
    public static final int SEGMENT_LENGTH = 16;
    public static final int TYPE_SRH = 4;

    public static final int TLV_PAD1 = 0;
    public static final int TLV_PADN = 4;
    public static final int TLV_HMAC = 5;

    private byte[] buf;
    private int off;

    public Srh wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int nextHeader() {
        return Bytes.u8(buf, off + NEXT_HEADER);
    }

    public Srh nextHeader(int v) {
        Bytes.put8(buf, off + NEXT_HEADER, v);
        return this;
    }

    public int hdrExtLen() {
        return Bytes.u8(buf, off + HDR_EXT_LEN);
    }

    public int length() {
        return (hdrExtLen() + 1) * 8;
    }

    public int routingType() {
        return Bytes.u8(buf, off + ROUTING_TYPE);
    }

    public int segmentsLeft() {
        return Bytes.u8(buf, off + SEGMENTS_LEFT);
    }

    public Srh segmentsLeft(int v) {
        Bytes.put8(buf, off + SEGMENTS_LEFT, v);
        return this;
    }

    /** Index of the last element of the segment list (the kernel's first_segment). */
    public int lastEntry() {
        return Bytes.u8(buf, off + LAST_ENTRY);
    }

    public int flags() {
        return Bytes.u8(buf, off + FLAGS);
    }

    public int tag() {
        return Bytes.u16(buf, off + TAG);
    }

    /** Absolute offset of segment {@code i} in the buffer. */
    public int segmentOffset(int i) {
        return off + SEGMENTS + i * SEGMENT_LENGTH;
    }

    /** Copies segment {@code i} into {@code dst[dstOff..+16)}. */
    public void segment(int i, byte[] dst, int dstOff) {
        System.arraycopy(buf, segmentOffset(i), dst, dstOff, SEGMENT_LENGTH);
    }

    /** Absolute offset of the first TLV (just past the segment list). */
    public int tlvOffset() {
        return segmentOffset(lastEntry() + 1);
    }

    /**
     * seg6_validate_srh(): routing type 4, the stated length equals {@code len}, segments left and last entry
     * fit the list, and TLVs (2-byte type/length, Pad1 included) tile the remaining bytes exactly.
     */
    public boolean isValid(int len) {
        if (routingType() != TYPE_SRH || length() != len) {
            return false;
        }
        int maxLastEntry = hdrExtLen() / 2 - 1;
        if (segmentsLeft() > lastEntry() || lastEntry() > maxLastEntry) {
            return false;
        }
        int tlv = SEGMENTS + (lastEntry() + 1) * SEGMENT_LENGTH;
        int trailing = len - tlv;
        if (trailing < 0) {
            return false;
        }
        while (trailing > 0) {
            if (trailing < 2) {
                return false;
            }
            int tlvLen = 2 + Bytes.u8(buf, off + tlv + 1);
            trailing -= tlvLen;
            if (trailing < 0) {
                return false;
            }
            tlv += tlvLen;
        }
        return true;
    }

    /**
     * Writes an SRH with {@code segments} given in travel order (first hop first); they are stored reversed as
     * RFC 8754 requires, segments left = n-1, no TLVs. Returns the header length.
     */
    public static int write(byte[] buf, int off, int nextHeader, byte[][] segments) {
        int n = segments.length;
        int len = SEGMENTS + n * SEGMENT_LENGTH;
        Bytes.put8(buf, off + NEXT_HEADER, nextHeader);
        Bytes.put8(buf, off + HDR_EXT_LEN, len / 8 - 1);
        Bytes.put8(buf, off + ROUTING_TYPE, TYPE_SRH);
        Bytes.put8(buf, off + SEGMENTS_LEFT, n - 1);
        Bytes.put8(buf, off + LAST_ENTRY, n - 1);
        Bytes.put8(buf, off + FLAGS, 0);
        Bytes.put16(buf, off + TAG, 0);
        for (int i = 0; i < n; i++) {
            System.arraycopy(segments[n - 1 - i], 0, buf, off + SEGMENTS + i * SEGMENT_LENGTH, SEGMENT_LENGTH);
        }
        return len;
    }
}
