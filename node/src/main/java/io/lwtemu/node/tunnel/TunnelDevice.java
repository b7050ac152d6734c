package io.lwtemu.node.tunnel;

import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.packet.GreHeader;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.UdpHeader;
import io.lwtemu.node.packet.VxlanHeader;

/**
 * One tunnel device: its {@link TunnelConfig}, the {@link NetDevice} routes point at, and what encapsulation
 * costs. Header sizes are fixed per device, so the transmit path only copies addresses and writes fields.
 *
 * <pre>
 * gre      | IPv4 20 | [UDP 8 if fou] | GRE 4 [+4 csum] [+4 key] | inner IP
 * ipip/sit | IPv4 20 | [UDP 8 if fou] | inner IP                         (protocol 4 / 41)
 * ip6tnl   | IPv6 40 | DSTOPT 8 (encap limit) | inner IP                  (protocol 4 / 41)
 * ip6gre   | IPv6 40 | DSTOPT 8 (encap limit) | GRE 4 [+4] [+4] | inner IP
 * vxlan    | IPv4 20 / IPv6 40 | UDP 8 | VXLAN 8 | Ethernet 14 | inner IP
 * </pre>
 */
public final class TunnelDevice {
    /** The GUE base header (version 0, no control, no options): 4 bytes. */
    static final int GUE_HLEN = 4;
    /** Ethernet header inside VXLAN. */
    public static final int ETH_HLEN = 14;
    /** Destination options header carrying only the tunnel encapsulation limit option plus PadN. */
    public static final int ENCAP_LIMIT_OPT_LEN = 8;

    private final TunnelConfig config;
    private final NetDevice dev;
    private final Family outerFamily;
    private final int outerIpLength;
    private final int tunnelHeaderLength;
    private final byte[] localBytes;
    private final byte[] remoteBytes;
    /** VXLAN: the device's own MAC (source) and the made-up MAC of the far end (destination). */
    final byte[] mac = new byte[6];
    final byte[] peerMac = new byte[6];
    /** IP ID of outer IPv4 headers without DF (the kernel hashes; a counter keeps runs reproducible). */
    int nextIpId;
    /** GRE o_seqno: the sequence number of the next sent packet (oseq). */
    long oSeqno;
    /** GRE i_seqno: the lowest acceptable next received sequence number (iseq), 0 before the first. */
    long iSeqno;

    /** Receive errors the kernel keeps on the tunnel device (rx_crc_errors, rx_frame_errors...). */
    public long rxErrors;
    /** Transmit errors (tx_carrier_errors, collisions = loops, tx_errors). */
    public long txErrors;

    TunnelDevice(TunnelConfig config, NetDevice dev) {
        this.config = config;
        this.dev = dev;
        this.outerFamily = config.outerFamily();
        int ipLen = outerFamily == Family.INET ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
        boolean ip6kind = config.kind() == TunnelKind.IP6TNL || config.kind() == TunnelKind.IP6GRE;
        if (ip6kind && config.encapLimit() >= 0) {
            ipLen += ENCAP_LIMIT_OPT_LEN;
        }
        this.outerIpLength = ipLen;
        int t = switch (config.kind()) {
            case GRE, IP6GRE -> GreHeader.BASE_LENGTH + (config.ocsum() ? 4 : 0) + (config.okey() >= 0 ? 4 : 0)
                    + (config.oseq() ? 4 : 0);
            case VXLAN -> UdpHeader.LENGTH + VxlanHeader.LENGTH + ETH_HLEN;
            default -> 0;
        };
        if (config.encapDport() >= 0) {
            t += UdpHeader.LENGTH + (config.gue() ? GUE_HLEN : 0);
        }
        this.tunnelHeaderLength = t;
        this.localBytes = config.local() == null ? null : config.local().toBytes();
        this.remoteBytes = config.remote() == null ? null : config.remote().toBytes();
        int h = (config.name().hashCode() * 31 + dev.ifindex) ^ (config.local() == null ? 0
                : config.local().hashCode());
        mac[0] = 0x02; // locally administered, unicast: what a Linux device gets from eth_random_addr
        mac[1] = (byte) 0x4c;
        mac[2] = (byte) (h >>> 24);
        mac[3] = (byte) (h >>> 16);
        mac[4] = (byte) (h >>> 8);
        mac[5] = (byte) h;
        int p = config.remote() == null ? 0 : config.remote().hashCode();
        peerMac[0] = 0x02;
        peerMac[1] = (byte) 0x4c;
        peerMac[2] = (byte) (p >>> 24);
        peerMac[3] = (byte) (p >>> 16);
        peerMac[4] = (byte) (p >>> 8);
        peerMac[5] = (byte) p;
    }

    public TunnelConfig config() {
        return config;
    }

    public NetDevice device() {
        return dev;
    }

    public String name() {
        return config.name();
    }

    public TunnelKind kind() {
        return config.kind();
    }

    public Family outerFamily() {
        return outerFamily;
    }

    /** Bytes of outer IP header (with the encap-limit option of ip6 tunnels). */
    public int outerIpLength() {
        return outerIpLength;
    }

    /** Bytes between the outer IP header and the inner packet (GRE, UDP+VXLAN+Ethernet, FOU UDP). */
    public int tunnelHeaderLength() {
        return tunnelHeaderLength;
    }

    /** Everything the tunnel puts in front of an inner packet: the MTU reduction. */
    public int overhead() {
        return outerIpLength + tunnelHeaderLength;
    }

    /** The device's own MAC (VXLAN inner Ethernet source). */
    public byte[] mac() {
        return mac.clone();
    }

    byte[] localBytes() {
        return localBytes;
    }

    byte[] remoteBytes() {
        return remoteBytes;
    }

    IpAddress local() {
        return config.local();
    }

    IpAddress remote() {
        return config.remote();
    }

    boolean hasInputKey() {
        return config.ikey() >= 0;
    }

    /**
     * ip_tunnel_key_match: a keyed tunnel takes only packets with its key, a keyless one only packets without.
     */
    boolean keyMatches(boolean present, long key) {
        return hasInputKey() ? present && key == config.ikey() : !present;
    }

    @Override
    public String toString() {
        return config.name() + ": " + config.kind().name().toLowerCase(java.util.Locale.ROOT) + " remote "
                + (config.remote() == null ? "any" : config.remote()) + " local "
                + (config.local() == null ? "any" : config.local()) + " mtu " + dev.mtu();
    }
}
