package io.lwtemu.node.net;

/**
 * An application on a node that waits for ICMP messages (ping for echo replies, traceroute for time exceeded
 * and port unreachable). Sees every ICMP/ICMPv6 message for the node that is not an echo request.
 */
@FunctionalInterface
public interface IcmpListener {
    /**
     * @param buf packet bytes; the IP header starts at {@code ipOff}, the ICMP header at {@code l4Off}
     * @param len IP packet length
     * @return true when the message was this application's (it is then consumed)
     */
    boolean onIcmp(Router router, byte[] buf, int ipOff, int l4Off, int len, long now);
}
