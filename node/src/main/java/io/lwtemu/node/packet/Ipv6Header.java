package io.lwtemu.node.packet;

/**
 * Flyweight over an IPv6 header (RFC 8200) and the extension-header chain behind it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+---------------+---------------------------------------+
 * |Version| Traffic Class |              Flow Label               |  0
 * +-------+---------------+-------+---------------+---------------+
 * |         Payload Length        |  Next Header  |   Hop Limit   |  4
 * +-------------------------------+---------------+---------------+
 * |                     Source Address (16)                       |  8
 * +---------------------------------------------------------------+
 * |                  Destination Address (16)                     | 24
 * +---------------------------------------------------------------+
 * </pre>
 * Extension headers (hop-by-hop 0, routing 43, destination options 60) are {@code next header, hdr ext len}
 * with length {@code (len+1)*8}; fragment (44) is fixed 8 bytes; AH (51) is {@code (len+2)*4}.
 */
public final class Ipv6Header {
    public static final int VERSION_TC_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC = 8;
    public static final int DST = 24;
    public static final int LENGTH = 40;

    /** Fragment extension header: next header, reserved, offset(13)|res(2)|M(1), identification(32). */
    public static final int FRAG_HEADER_LENGTH = 8;

    private byte[] buf;
    private int off;

    public Ipv6Header wrap(byte[] buf, int off) {
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

    public int trafficClass() {
        return (Bytes.u16(buf, off) >>> 4) & 0xff;
    }

    public int flowLabel() {
        return Bytes.i32(buf, off) & 0xfffff;
    }

    /** Writes version 6, traffic class and flow label. */
    public Ipv6Header versionClassFlow(int trafficClass, int flowLabel) {
        Bytes.put32(buf, off, (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff));
        return this;
    }

    public int payloadLength() {
        return Bytes.u16(buf, off + PAYLOAD_LENGTH);
    }

    public Ipv6Header payloadLength(int v) {
        Bytes.put16(buf, off + PAYLOAD_LENGTH, v);
        return this;
    }

    public int nextHeader() {
        return Bytes.u8(buf, off + NEXT_HEADER);
    }

    public Ipv6Header nextHeader(int v) {
        Bytes.put8(buf, off + NEXT_HEADER, v);
        return this;
    }

    public int hopLimit() {
        return Bytes.u8(buf, off + HOP_LIMIT);
    }

    public Ipv6Header hopLimit(int v) {
        Bytes.put8(buf, off + HOP_LIMIT, v);
        return this;
    }

    public int srcOffset() {
        return off + SRC;
    }

    public int dstOffset() {
        return off + DST;
    }

    public long srcHigh() {
        return Bytes.i64(buf, off + SRC);
    }

    public long srcLow() {
        return Bytes.i64(buf, off + SRC + 8);
    }

    public long dstHigh() {
        return Bytes.i64(buf, off + DST);
    }

    public long dstLow() {
        return Bytes.i64(buf, off + DST + 8);
    }

    public Ipv6Header src(byte[] addr) {
        System.arraycopy(addr, 0, buf, off + SRC, 16);
        return this;
    }

    public Ipv6Header dst(byte[] addr) {
        System.arraycopy(addr, 0, buf, off + DST, 16);
        return this;
    }

    /** True for extension headers this walker knows how to skip. */
    public static boolean isExtensionHeader(int nexthdr) {
        return nexthdr == IpProtocol.HOPOPTS || nexthdr == IpProtocol.ROUTING || nexthdr == IpProtocol.FRAGMENT
                || nexthdr == IpProtocol.DSTOPTS || nexthdr == IpProtocol.AH || nexthdr == IpProtocol.MH;
    }

    /**
     * Walks the extension-header chain (ipv6_skip_exthdr) and returns {@code (protocol << 32) | offset} of the
     * first non-extension header, the offset absolute in the buffer; -1 when a header runs past {@code limit}
     * (the end of the packet). A non-first fragment stops the walk at the fragment header's next header.
     */
    public long upperLayer(int limit) {
        int nexthdr = nextHeader();
        int pos = off + LENGTH;
        while (isExtensionHeader(nexthdr)) {
            if (pos + 8 > limit) {
                return -1;
            }
            int next = Bytes.u8(buf, pos);
            int len;
            if (nexthdr == IpProtocol.FRAGMENT) {
                len = FRAG_HEADER_LENGTH;
                if ((Bytes.u16(buf, pos + 2) & 0xfff8) != 0) {
                    return ((long) next << 32) | (pos + len);
                }
            } else if (nexthdr == IpProtocol.AH) {
                len = (Bytes.u8(buf, pos + 1) + 2) * 4;
            } else {
                len = (Bytes.u8(buf, pos + 1) + 1) * 8;
            }
            if (pos + len > limit) {
                return -1;
            }
            nexthdr = next;
            pos += len;
        }
        return ((long) nexthdr << 32) | pos;
    }

    /** Absolute offset of the first extension header of type {@code type}, or -1 (ipv6_find_hdr). */
    public int findExtension(int type, int limit) {
        int nexthdr = nextHeader();
        int pos = off + LENGTH;
        while (isExtensionHeader(nexthdr)) {
            if (pos + 8 > limit) {
                return -1;
            }
            if (nexthdr == type) {
                return pos;
            }
            int len = nexthdr == IpProtocol.FRAGMENT ? FRAG_HEADER_LENGTH
                    : nexthdr == IpProtocol.AH ? (Bytes.u8(buf, pos + 1) + 2) * 4
                    : (Bytes.u8(buf, pos + 1) + 1) * 8;
            nexthdr = Bytes.u8(buf, pos);
            pos += len;
        }
        return -1;
    }

    /** Parses an IPv6 address literal (RFC 4291 text forms, including "::" and an embedded dotted quad). */
    public static byte[] parse(String s) {
        byte[] out = new byte[16];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("invalid IPv6 address '" + s + "'");
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] words = new int[8];
        int nHead = parseGroups(s, head, words, 0, dbl < 0);
        int[] tailWords = new int[8];
        int nTail = dbl >= 0 ? parseGroups(s, tail, tailWords, 0, true) : 0;
        if (dbl < 0 && nHead != 8 || dbl >= 0 && nHead + nTail > 7) {
            throw new IllegalArgumentException("invalid IPv6 address '" + s + "'");
        }
        System.arraycopy(tailWords, 0, words, 8 - nTail, nTail);
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >>> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }

    private static int parseGroups(String whole, String part, int[] words, int start, boolean allowV4Tail) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] groups = part.split(":", -1);
        int n = start;
        for (int g = 0; g < groups.length; g++) {
            String grp = groups[g];
            if (allowV4Tail && g == groups.length - 1 && grp.indexOf('.') >= 0) {
                int v4 = Ipv4Header.parse(grp);
                if (n + 2 > 8) {
                    throw new IllegalArgumentException("invalid IPv6 address '" + whole + "'");
                }
                words[n++] = v4 >>> 16;
                words[n++] = v4 & 0xffff;
                continue;
            }
            if (grp.isEmpty() || grp.length() > 4 || n >= 8) {
                throw new IllegalArgumentException("invalid IPv6 address '" + whole + "'");
            }
            int w = 0;
            for (int i = 0; i < grp.length(); i++) {
                int d = Character.digit(grp.charAt(i), 16);
                if (d < 0) {
                    throw new IllegalArgumentException("invalid IPv6 address '" + whole + "'");
                }
                w = (w << 4) | d;
            }
            words[n++] = w;
        }
        return n - start;
    }

    /** Formats 16 bytes at {@code off} in RFC 5952 canonical form (longest zero run of 2+ words as "::"). */
    public static String format(byte[] b, int off) {
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (Bytes.u16(b, off + 2 * i) == 0) {
                int j = i;
                while (j < 8 && Bytes.u16(b, off + 2 * j) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(Bytes.u16(b, off + 2 * i)));
        }
        return sb.toString();
    }

    /** ff00::/8. */
    public static boolean isMulticast(byte[] b, int off) {
        return (b[off] & 0xff) == 0xff;
    }

    /** The unspecified address ::. */
    public static boolean isUnspecified(byte[] b, int off) {
        for (int i = 0; i < 16; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
