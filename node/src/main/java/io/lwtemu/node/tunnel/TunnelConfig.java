package io.lwtemu.node.tunnel;

import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import java.util.Objects;

/**
 * The parameters of one tunnel device, as {@code ip link add NAME type KIND ...} gives them (the kernel's
 * {@code struct ip_tunnel_parm} / {@code ip6_tnl_parm} / {@code vxlan_config}), with the kernel's defaults filled
 * in. Unset numbers are -1 in {@link TunnelAdd}; here every field has its effective value.
 *
 * @param ikey        GRE key expected on receive, or -1 for "no key" (packets must then carry none)
 * @param okey        GRE key sent, or -1 for none
 * @param icsum       GRE: received packets must carry a checksum ({@code icsum}); without it they must not
 * @param ocsum       GRE: send a checksum ({@code ocsum})
 * @param ttl         outer TTL / hop limit; 0 = inherit from the inner packet (gre/ipip/sit default)
 * @param tos         outer TOS / traffic class before ECN encapsulation (default 0)
 * @param pmtudisc    set DF on the outer IPv4 header (iproute2's default {@code pmtudisc}; vxlan: off)
 * @param encapLimit  ip6tnl/ip6gre tunnel encapsulation limit option (RFC 2473), -1 = none; default 4
 * @param vni         VXLAN network identifier, -1 for other kinds
 * @param dstPort     VXLAN destination UDP port
 * @param link        {@code dev IF}: the underlying device whose MTU sizes the tunnel, or null
 * @param encapDport  FOU: UDP destination port put in front of the tunnel header ({@code encap fou encap-dport}),
 *                    -1 for none
 * @param encapSport  FOU source port, 0 = chosen per flow ({@code encap-sport auto})
 * @param iseq        GRE: received packets must carry a sequence number, in order ({@code iseq})
 * @param oseq        GRE: send sequence numbers 0, 1, 2, ... ({@code oseq})
 * @param gue         the UDP encapsulation is GUE (a 4-byte GUE header naming the protocol follows the UDP
 *                    header, {@code encap gue}) rather than bare FOU
 */
public record TunnelConfig(String name, TunnelKind kind, IpAddress local, IpAddress remote, long ikey, long okey,
        boolean icsum, boolean ocsum, String mode, int ttl, int tos, boolean pmtudisc, int encapLimit, int vni,
        int dstPort, String link, int encapDport, int encapSport, boolean iseq, boolean oseq, boolean gue) {

    /** Without sequence numbers and GUE. */
    public TunnelConfig(String name, TunnelKind kind, IpAddress local, IpAddress remote, long ikey, long okey,
            boolean icsum, boolean ocsum, String mode, int ttl, int tos, boolean pmtudisc, int encapLimit, int vni,
            int dstPort, String link, int encapDport, int encapSport) {
        this(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc, encapLimit, vni, dstPort,
                link, encapDport, encapSport, false, false, false);
    }

    /** IPV6_DEFAULT_TNL_ENCAP_LIMIT. */
    public static final int DEFAULT_ENCAP_LIMIT = 4;
    /** Hop limit of ip6tnl / ip6gre when none is given (iproute2 shows {@code hoplimit 64}). */
    public static final int DEFAULT_HOP_LIMIT = 64;

    public TunnelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (kind.outerFamily != null) {
            checkFamily(local, kind.outerFamily, kind);
            checkFamily(remote, kind.outerFamily, kind);
        } else if (local != null && remote != null && local.family() != remote.family()) {
            throw new IllegalArgumentException(name + ": remote and local must be of the same address family");
        }
        if (kind == TunnelKind.VXLAN && (vni < 0 || vni >= 1 << 24)) {
            throw new IllegalArgumentException(name + ": vxlan needs an id 0..16777215");
        }
        if (mode == null) {
            mode = switch (kind) {
                case SIT -> "ip6ip";
                case IP6TNL -> "ip6ip6";
                case IPIP -> "ipip";
                default -> "any";
            };
        }
    }

    private static void checkFamily(IpAddress a, Family f, TunnelKind kind) {
        if (a != null && a.family() != f) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + " tunnel needs an "
                    + (f == Family.INET ? "IPv4" : "IPv6") + " address, got " + a);
        }
    }

    /** The configuration a parsed {@code ip link add} line describes, with kernel defaults for what it leaves out. */
    public static TunnelConfig of(TunnelAdd cmd) {
        TunnelKind k = cmd.kind();
        boolean ip6 = k == TunnelKind.IP6TNL || k == TunnelKind.IP6GRE;
        int ttl = cmd.ttl() >= 0 ? cmd.ttl() : ip6 ? DEFAULT_HOP_LIMIT : 0;
        TunnelConfig c = new TunnelConfig(cmd.name(), k, cmd.local(), cmd.remote(), cmd.ikey(), cmd.okey(),
                cmd.icsum(), cmd.ocsum(), cmd.mode(), ttl, 0, k != TunnelKind.VXLAN, ip6 ? DEFAULT_ENCAP_LIMIT : -1,
                cmd.vni(), cmd.dstPort(), cmd.dev(), -1, 0, cmd.iseq(), cmd.oseq(), false);
        return switch (cmd.encap()) {
            case NONE -> c;
            case FOU -> c.withFou(cmd.encapDport(), cmd.encapSport());
            case GUE -> c.withGue(cmd.encapDport(), cmd.encapSport());
        };
    }

    /** Family of the outer header: the kind's, or for vxlan the one of its addresses (IPv4 when none). */
    public Family outerFamily() {
        if (kind.outerFamily != null) {
            return kind.outerFamily;
        }
        IpAddress a = remote != null ? remote : local;
        return a == null ? Family.INET : a.family();
    }

    /** Whether IPv4 packets may enter this tunnel (ipip, sit/ip6tnl in mode ipip/ipip6/any, gre, vxlan). */
    public boolean carriesIpv4() {
        return switch (kind) {
            case GRE, IP6GRE, VXLAN, IPIP -> true;
            case SIT -> mode.equals("any") || mode.equals("ipip");
            case IP6TNL -> mode.equals("any") || mode.equals("ipip6") || mode.equals("ip6ip");
        };
    }

    /** Whether IPv6 packets may enter this tunnel (sit, ip6tnl in mode ip6ip6/any, gre, vxlan). */
    public boolean carriesIpv6() {
        return switch (kind) {
            case GRE, IP6GRE, VXLAN -> true;
            case IPIP -> false;
            case SIT -> !mode.equals("ipip");
            case IP6TNL -> mode.equals("any") || mode.equals("ip6ip6");
        };
    }

    public TunnelConfig withKeys(long ikey, long okey) {
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, encapDport, encapSport, iseq, oseq, gue);
    }

    public TunnelConfig withChecksums(boolean icsum, boolean ocsum) {
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, encapDport, encapSport, iseq, oseq, gue);
    }

    /** {@code encap fou encap-sport SPORT|auto encap-dport DPORT}: UDP in front of the tunnel header. */
    public TunnelConfig withFou(int dport, int sport) {
        if (kind == TunnelKind.VXLAN || kind == TunnelKind.IP6TNL || kind == TunnelKind.IP6GRE) {
            throw new IllegalArgumentException(name + ": fou encapsulation needs an ipip, sit or gre tunnel");
        }
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, dport, sport, iseq, oseq, false);
    }

    /** {@code encap gue encap-sport SPORT|auto encap-dport DPORT}: UDP and a GUE header naming the protocol. */
    public TunnelConfig withGue(int dport, int sport) {
        TunnelConfig f = withFou(dport, sport);
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, f.encapDport, f.encapSport, iseq, oseq, true);
    }

    /** {@code seq}, {@code iseq}, {@code oseq}: GRE sequence numbers required on receive / sent. */
    public TunnelConfig withSequence(boolean iseq, boolean oseq) {
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, encapDport, encapSport, iseq, oseq, gue);
    }

    public TunnelConfig withTtl(int ttl) {
        return new TunnelConfig(name, kind, local, remote, ikey, okey, icsum, ocsum, mode, ttl, tos, pmtudisc,
                encapLimit, vni, dstPort, link, encapDport, encapSport, iseq, oseq, gue);
    }
}
