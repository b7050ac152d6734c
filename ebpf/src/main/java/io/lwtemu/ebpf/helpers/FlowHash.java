package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * The flow hash bpf_get_hash_recalc computes when the skb has none: a deterministic mix of the IP
 * addresses, the L4 protocol and (for unfragmented TCP/UDP/SCTP/UDP-Lite) the ports, with the ports and
 * addresses ordered so both directions of a flow hash alike, as the kernel's flow dissector does.
 *
 * <p>The value differs from Linux: the kernel hashes with jhash and a seed chosen randomly at boot
 * ({@code hashrnd}), so its values are not reproducible even across reboots of the same machine. Like the
 * kernel, the result is never 0.
 */
public final class FlowHash {
    private FlowHash() {}

    private static final int SEED = 0x6c77_7465; // "lwte"

    public static int of(SkBuff skb) {
        byte[] b = skb.head;
        int p = skb.data;
        int len = skb.len;
        int h = SEED;
        if (len >= 20 && (b[p] & 0xf0) == 0x40) {
            int ihl = (b[p] & 0x0f) * 4;
            int proto = b[p + 9] & 0xff;
            int a = be32(b, p + 12);
            int d = be32(b, p + 16);
            boolean fragment = (be16(b, p + 6) & 0x3fff) != 0;
            int ports = fragment ? 0 : ports(b, p + ihl, len - ihl, proto);
            h = mix(h, Math.min(a, d), Math.max(a, d), proto, ports);
        } else if (len >= 40 && (b[p] & 0xf0) == 0x60) {
            int proto = b[p + 6] & 0xff;
            int sa = 0;
            int da = 0;
            for (int i = 0; i < 16; i += 4) {
                sa = sa * 31 + be32(b, p + 8 + i);
                da = da * 31 + be32(b, p + 24 + i);
            }
            int flowLabel = be32(b, p) & 0xfffff;
            int ports = ports(b, p + 40, len - 40, proto);
            h = mix(h, Math.min(sa, da), Math.max(sa, da), proto, ports ^ flowLabel);
        } else {
            h = mix(h, skb.protocol, 0, 0, 0);
        }
        return h == 0 ? 1 : h;
    }

    private static int ports(byte[] b, int at, int avail, int proto) {
        if ((proto == 6 || proto == 17 || proto == 132 || proto == 136) && avail >= 4) {
            int s = be16(b, at);
            int d = be16(b, at + 2);
            return Math.min(s, d) << 16 | Math.max(s, d);
        }
        return 0;
    }

    private static int mix(int h, int a, int b, int c, int d) {
        h = fmix(h ^ a);
        h = fmix(h ^ b);
        h = fmix(h ^ c);
        return fmix(h ^ d);
    }

    /** MurmurHash3's 32-bit finalizer. */
    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }
}
