package io.lwtemu.node.net;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;

/** One-line tcpdump-like description of an L3 packet for hop-by-hop traces (allocates; tracing only). */
public final class PacketSummary {
    private PacketSummary() {
    }

    public static String of(byte[] b, int off, int len) {
        if (len < 1) {
            return "empty";
        }
        int version = (b[off] & 0xff) >>> 4;
        if (version == 4 && len >= 20) {
            int proto = b[off + 9] & 0xff;
            int ttl = b[off + 8] & 0xff;
            int l4 = off + (b[off] & 0x0f) * 4;
            return "IP " + IpAddress.read(Family.INET, b, off + 12) + " > " + IpAddress.read(Family.INET, b, off + 16)
                    + " " + l4(proto, b, l4, off + len) + " ttl " + ttl + " len " + len;
        }
        if (version == 6 && len >= 40) {
            int proto = b[off + 6] & 0xff;
            return "IP6 " + IpAddress.read(Family.INET6, b, off + 8) + " > " + IpAddress.read(Family.INET6, b,
                    off + 24) + " " + l4(proto, b, off + 40, off + len) + " hlim " + (b[off + 7] & 0xff) + " len "
                    + len;
        }
        return "not IP (version " + version + ", " + len + " bytes)";
    }

    private static String l4(int proto, byte[] b, int l4, int end) {
        switch (proto) {
            case 1, 58 -> {
                if (l4 + 2 <= end) {
                    return (proto == 1 ? "icmp" : "icmp6") + " " + (b[l4] & 0xff) + "/" + (b[l4 + 1] & 0xff);
                }
                return proto == 1 ? "icmp" : "icmp6";
            }
            case 6, 17 -> {
                String n = proto == 6 ? "tcp" : "udp";
                if (l4 + 4 <= end) {
                    return n + " " + (((b[l4] & 0xff) << 8) | (b[l4 + 1] & 0xff)) + " > "
                            + (((b[l4 + 2] & 0xff) << 8) | (b[l4 + 3] & 0xff));
                }
                return n;
            }
            case 4 -> {
                return "ipip";
            }
            case 41 -> {
                return "ip6-in-ip";
            }
            case 47 -> {
                return "gre";
            }
            default -> {
                return "proto " + proto;
            }
        }
    }
}
