package io.lwtemu.node.config;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.fib.RoutingRule;

/** One parsed iproute2 command line. {@code line} is the 1-based line it came from, for later error messages. */
public sealed interface ConfigCommand {
    int line();

    /** {@code ip [-6] addr add ADDR/LEN dev IF}: an address with its on-link prefix length (host bits allowed). */
    record AddrAdd(int line, IpAddress address, int prefixLength, String dev) implements ConfigCommand {}

    /** {@code ip link set [dev] IF [up|down] [mtu N]}; null fields are unchanged. */
    record LinkSet(int line, String dev, Boolean up, Integer mtu) implements ConfigCommand {}

    /** {@code ip route add|del|replace ...}. {@code metric} is -1 when not given (del: any; add: 0 / 1024 for v6). */
    record RouteCmd(int line, Op op, RouteType type, Prefix prefix, IpAddress via, String dev, IpAddress src,
            int metric, int table, int mtu, int realm, EncapSpec encap) implements ConfigCommand {

        public enum Op { ADD, DEL, REPLACE }

        /** The route this command describes; {@code encapState} is the loaded LWT state (or null). */
        public Route toRoute(Object encapState) {
            int m = metric >= 0 ? metric : prefix.family() == Family.INET6 ? 1024 : 0;
            return Route.builder(prefix).type(type).via(via).dev(dev).src(src).metric(m).table(table).mtu(mtu)
                    .realm(realm).encap(encapState).build();
        }
    }

    /** {@code ip rule add|del ...}. */
    record RuleCmd(int line, boolean add, RoutingRule rule) implements ConfigCommand {}

    /**
     * {@code ip link add NAME type KIND ...} or {@code ip [-6] tunnel add NAME mode MODE ...}: a tunnel device.
     * Unset numbers are -1, unset addresses null. {@code icsum/ocsum} and {@code iseq/oseq} are GRE's checksum
     * and sequence-number flags; {@code encap} is the UDP encapsulation in front of the tunnel header
     * ({@code encap fou|gue encap-sport auto|P encap-dport P}; sport 0 = auto).
     */
    record TunnelAdd(int line, String name, TunnelKind kind, IpAddress local, IpAddress remote, long ikey,
            long okey, String mode, int ttl, int vni, int dstPort, String dev, boolean icsum, boolean ocsum,
            boolean iseq, boolean oseq, UdpEncap encap, int encapSport, int encapDport) implements ConfigCommand {

        /** Without checksums, sequence numbers or UDP encapsulation. */
        public TunnelAdd(int line, String name, TunnelKind kind, IpAddress local, IpAddress remote, long ikey,
                long okey, String mode, int ttl, int vni, int dstPort, String dev) {
            this(line, name, kind, local, remote, ikey, okey, mode, ttl, vni, dstPort, dev, false, false, false,
                    false, UdpEncap.NONE, 0, -1);
        }
    }

    /** The {@code encap} of {@code ip link add ... type gre|ipip|sit}: none, FOU (RFC-less, bare UDP) or GUE. */
    enum UdpEncap { NONE, FOU, GUE }

    /**
     * {@code ip [-6] fou add port P ipproto N} (a UDP port whose payload is protocol N) or {@code ... port P gue}
     * (the protocol comes from each packet's GUE header; {@code ipproto} is then -1).
     */
    record FouAdd(int line, Family family, int port, int ipproto, boolean gue) implements ConfigCommand {
        public FouAdd(int line, Family family, int port, int ipproto) {
            this(line, family, port, ipproto, false);
        }
    }

    /** {@code ip sr tunsrc set ADDR}: the source address of outer IPv6 headers pushed by seg6 encap. */
    record SrTunsrc(int line, IpAddress address) implements ConfigCommand {}

    /** Tunnel device kinds of {@code ip link add ... type KIND}. */
    enum TunnelKind {
        GRE(Family.INET), IPIP(Family.INET), SIT(Family.INET), IP6TNL(Family.INET6), IP6GRE(Family.INET6),
        VXLAN(null);

        /** Family of local/remote, or null when either works. */
        public final Family outerFamily;

        TunnelKind(Family outerFamily) {
            this.outerFamily = outerFamily;
        }
    }
}
