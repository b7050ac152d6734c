package io.lwtemu.node.packet;

/** IP protocol / IPv6 next-header numbers (include/uapi/linux/in.h, in6.h). */
public final class IpProtocol {
    private IpProtocol() {}

    public static final int HOPOPTS = 0;
    public static final int ICMP = 1;
    public static final int IPIP = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int IPV6 = 41;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int NONE = 59;
    public static final int DSTOPTS = 60;
    public static final int MH = 135;
}
