package io.lwtemu.ebpf.e2e;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Hand-built L3 test packets (what an LWT program sees: no Ethernet header) with correct checksums, and
 * the checksum arithmetic tests need to state expected outputs.
 */
public final class Packets {
    public static final byte[] SRC4 = {10, 0, 0, 1};
    public static final byte[] DST4 = {10, 0, 0, 2};
    public static final byte[] SRC6 = addr6(0xfc, 1);
    public static final byte[] DST6 = addr6(0xfc, 2);

    private Packets() {}

    /** An 84-byte ping (IPv4 + ICMP echo request with 56 data bytes), as {@code ping} sends. */
    public static byte[] ping4() {
        return icmp4(56);
    }

    /** IPv4 ICMP echo request from 10.0.0.1 to 10.0.0.2 with {@code dataLen} bytes of data. */
    public static byte[] icmp4(int dataLen) {
        byte[] icmp = new byte[8 + dataLen];
        icmp[0] = 8; // echo request
        icmp[4] = 0x12;
        icmp[5] = 0x34; // id
        icmp[7] = 1; // sequence
        for (int i = 0; i < dataLen; i++) {
            icmp[8 + i] = (byte) (0x10 + i);
        }
        put16(icmp, 2, checksum(icmp, 0, icmp.length, 0));
        return ipv4(1, SRC4, DST4, icmp);
    }

    /** IPv4 UDP 10.0.0.1:5000 -> 10.0.0.2:6000 with {@code dataLen} payload bytes and a UDP checksum. */
    public static byte[] udp4(int dataLen) {
        byte[] udp = udp(dataLen);
        long pseudo = sum(SRC4) + sum(DST4) + 17 + udp.length;
        put16(udp, 6, nonZero(checksum(udp, 0, udp.length, pseudo)));
        return ipv4(17, SRC4, DST4, udp);
    }

    /** IPv6 ICMPv6 echo request fc00::1 -> fc00::2 with {@code dataLen} data bytes. */
    public static byte[] icmp6(int dataLen) {
        byte[] icmp = new byte[8 + dataLen];
        icmp[0] = (byte) 128;
        icmp[4] = 0x12;
        icmp[5] = 0x34;
        icmp[7] = 1;
        for (int i = 0; i < dataLen; i++) {
            icmp[8 + i] = (byte) (0x20 + i);
        }
        put16(icmp, 2, checksum(icmp, 0, icmp.length, sum(SRC6) + sum(DST6) + icmp.length + 58));
        return ipv6(58, SRC6, DST6, icmp);
    }

    /** IPv6 UDP [fc00::1]:5000 -> [fc00::2]:6000 with {@code dataLen} payload bytes. */
    public static byte[] udp6(int dataLen) {
        byte[] udp = udp(dataLen);
        put16(udp, 6, nonZero(checksum(udp, 0, udp.length, sum(SRC6) + sum(DST6) + udp.length + 17)));
        return ipv6(17, SRC6, DST6, udp);
    }

    /**
     * IPv6 fc00::1 -> fc00::2 with a 2-segment SRH (segments fc00::2, fc00::e1; segments_left 0, as after
     * End processing) in front of a UDP datagram with {@code dataLen} payload bytes.
     */
    public static byte[] srh6(int dataLen) {
        byte[] udp = slice(udp6(dataLen), 40, 40 + 8 + dataLen);
        byte[] srh = concat(new byte[] {17, 4, 4, 0, 1, 0, 0, 0}, DST6, addr6(0xfc, 0xe1));
        return ipv6(43, SRC6, DST6, concat(srh, udp));
    }

    public static byte[] ipv4(int proto, byte[] src, byte[] dst, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        put16(p, 2, p.length);
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        put16(p, 10, checksum(p, 0, 20, 0));
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    public static byte[] ipv6(int nextHeader, byte[] src, byte[] dst, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        put16(p, 4, payload.length);
        p[6] = (byte) nextHeader;
        p[7] = 64;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    private static byte[] udp(int dataLen) {
        byte[] udp = new byte[8 + dataLen];
        put16(udp, 0, 5000);
        put16(udp, 2, 6000);
        put16(udp, 4, udp.length);
        for (int i = 0; i < dataLen; i++) {
            udp[8 + i] = (byte) (0x30 + i);
        }
        return udp;
    }

    public static byte[] addr6(int first, int last) {
        byte[] a = new byte[16];
        a[0] = (byte) first;
        a[15] = (byte) last;
        return a;
    }

    /** The Internet checksum of {@code len} bytes at {@code off}, with {@code initial} added (a pseudo header). */
    public static int checksum(byte[] b, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) (~s & 0xffff);
    }

    /** Recomputes the IPv4 header checksum at {@code off} in place. */
    public static void fixIpv4Checksum(byte[] p, int off) {
        put16(p, off + 10, 0);
        put16(p, off + 10, checksum(p, off, (p[off] & 0xf) * 4, 0));
    }

    private static long sum(byte[] b) {
        long s = 0;
        for (int i = 0; i < b.length; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        return s;
    }

    private static int nonZero(int csum) {
        return csum == 0 ? 0xffff : csum;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }

    public static int get16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    public static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    public static byte[] le64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >> (8 * i));
        }
        return b;
    }

    public static long readLe64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    public static int readLe32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    public static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }
}
