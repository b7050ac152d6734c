package io.lwtemu.node.traffic;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;

/**
 * Reads what ping and traceroute need from a received ICMP/ICMPv6 message: type, code, echo id/seq, the
 * sender and TTL, and for errors the quoted original packet's addresses, protocol and first transport bytes.
 * Reuse one instance; {@link #parse} returns false for messages too short to read.
 */
final class IcmpView {
    boolean v6;
    int type;
    int code;
    int echoId;
    int echoSeq;
    int ttl;
    int mtu;
    IpAddress from;
    /** For errors: the quoted packet. */
    boolean quoted;
    int innerProto;
    IpAddress innerSrc;
    IpAddress innerDst;
    int innerL4;
    byte[] buf;

    boolean parse(byte[] b, int ipOff, int l4, int len) {
        int end = ipOff + len;
        if (l4 + 8 > end) {
            return false;
        }
        buf = b;
        v6 = (b[ipOff] & 0xf0) == 0x60;
        Family fam = v6 ? Family.INET6 : Family.INET;
        from = IpAddress.read(fam, b, ipOff + (v6 ? 8 : 12));
        ttl = b[ipOff + (v6 ? 7 : 8)] & 0xff;
        type = b[l4] & 0xff;
        code = b[l4 + 1] & 0xff;
        echoId = u16(b, l4 + 4);
        echoSeq = u16(b, l4 + 6);
        mtu = v6 ? (int) (((long) u16(b, l4 + 4) << 16) | u16(b, l4 + 6)) : u16(b, l4 + 6);
        quoted = false;
        boolean error = v6 ? type < 128 : type == 3 || type == 11 || type == 12;
        int inner = l4 + 8;
        if (error) {
            if (!v6 && inner + 20 <= end && (b[inner] & 0xf0) == 0x40) {
                innerProto = b[inner + 9] & 0xff;
                innerSrc = IpAddress.read(Family.INET, b, inner + 12);
                innerDst = IpAddress.read(Family.INET, b, inner + 16);
                innerL4 = inner + (b[inner] & 0x0f) * 4;
                quoted = innerL4 + 8 <= end;
            } else if (v6 && inner + 40 <= end && (b[inner] & 0xf0) == 0x60) {
                innerProto = b[inner + 6] & 0xff;
                innerSrc = IpAddress.read(Family.INET6, b, inner + 8);
                innerDst = IpAddress.read(Family.INET6, b, inner + 24);
                innerL4 = inner + 40;
                quoted = innerL4 + 8 <= end;
            }
        }
        return true;
    }

    boolean isEchoReply() {
        return v6 ? type == 129 : type == 0;
    }

    static int u16(byte[] b, int o) {
        return ((b[o] & 0xff) << 8) | (b[o + 1] & 0xff);
    }

    /** The error text iputils prints after "From ADDR icmp_seq=N". */
    String errorText() {
        if (!v6) {
            return switch (type) {
                case 3 -> switch (code) {
                    case 0 -> "Destination Net Unreachable";
                    case 1 -> "Destination Host Unreachable";
                    case 2 -> "Destination Protocol Unreachable";
                    case 3 -> "Destination Port Unreachable";
                    case 4 -> "Frag needed and DF set (mtu = " + mtu + ")";
                    case 13 -> "Packet filtered";
                    default -> "Dest Unreachable, Bad Code: " + code;
                };
                case 11 -> code == 0 ? "Time to live exceeded" : "Frag reassembly time exceeded";
                case 12 -> "Parameter problem: pointer = " + (buf == null ? 0 : code);
                default -> "Bad ICMP type: " + type;
            };
        }
        return switch (type) {
            case 1 -> switch (code) {
                case 0 -> "Destination unreachable: No route";
                case 1 -> "Destination unreachable: Administratively prohibited";
                case 3 -> "Destination unreachable: Address unreachable";
                case 4 -> "Destination unreachable: Port unreachable";
                default -> "Destination unreachable: Unknown code " + code;
            };
            case 2 -> "Packet too big: mtu=" + mtu;
            case 3 -> code == 0 ? "Time exceeded: Hop limit" : "Time exceeded: Defragmentation failure";
            case 4 -> "Parameter problem";
            default -> "Unknown ICMPv6 type " + type;
        };
    }
}
