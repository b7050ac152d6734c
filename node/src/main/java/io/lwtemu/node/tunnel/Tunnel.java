package io.lwtemu.node.tunnel;

import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.NetDevice;

/**
 * One tunnel device ({@code ip link add NAME type KIND local A remote B ...}) with what encap and decap need.
 * Unset local/remote (null) are wildcards on receive; unset keys are -1; ttl 0 means "inherit" (IPv4 tunnels)
 * or the default hop limit 64 (IPv6 tunnels).
 */
public record Tunnel(TunnelKind kind, NetDevice dev, IpAddress local, IpAddress remote, long ikey, long okey,
        String mode, int ttl, int vni, int dstPort) {

    /** Family of the outer header. */
    public Family outerFamily() {
        if (kind.outerFamily != null) {
            return kind.outerFamily;
        }
        IpAddress a = remote != null ? remote : local;
        return a == null ? Family.INET : a.family();
    }

    /** Whether this tunnel carries inner packets of {@code innerIpProto} (4 = IPv4, 41 = IPv6). */
    public boolean carries(int innerIpProto) {
        String m = mode == null ? defaultMode() : mode;
        return switch (kind) {
            case GRE, IP6GRE, VXLAN -> true;
            case IPIP -> innerIpProto == 4;
            case SIT -> m.equals("any") || (innerIpProto == 41 ? m.equals("ip6ip") : m.equals("ipip"));
            case IP6TNL -> m.equals("any") || (innerIpProto == 41 ? m.equals("ip6ip6") : m.equals("ipip6"));
        };
    }

    private String defaultMode() {
        return switch (kind) {
            case SIT -> "ip6ip";
            case IP6TNL -> "ip6ip6";
            default -> "any";
        };
    }
}
