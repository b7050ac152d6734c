package io.lwtemu.node.tunnel;

import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import java.util.ArrayList;
import java.util.List;

/**
 * The tunnel devices and FOU ports of one router, and the entry point the topology builder uses:
 *
 * <pre>{@code
 * Tunnels tunnels = new Tunnels(fib, devices);
 * ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, egress, log, clock);
 * tunnels.bind(pipeline, egress);         // decap handlers for protocols 4, 41, 47 and 17; inner packets
 *                                         // are queued with egress.receiveLater(tunnelDev, inner)
 * tunnels.apply(tunnelAddCommand);        // ip link add gre1 type gre ...  -> a NetDevice "gre1" (down)
 * tunnels.apply(fouAddCommand);           // ip fou add port 5555 ipproto 4
 * }</pre>
 *
 * A tunnel is a {@link NetDevice} with a {@link io.lwtemu.node.forward.DeviceXmit}: routes point at it by name,
 * {@code ip link set gre1 up}, {@code ip addr add ... dev gre1} and MTU changes work as for any device. Single
 * threaded, like the pipeline it is bound to.
 */
public final class Tunnels {
    private final Fib fib;
    private final NetDevices devices;
    private final List<TunnelDevice> tunnels = new ArrayList<>();
    private final List<int[]> fouPorts = new ArrayList<>(); // {family ordinal, port, ipproto}
    private final TunnelXmit xmit = new TunnelXmit(this);
    private final TunnelRecv recv = new TunnelRecv(this);
    private final FibResult res = new FibResult();
    private boolean lastKeyMismatch;

    public Tunnels(Fib fib, NetDevices devices) {
        this.fib = fib;
        this.devices = devices;
    }

    /**
     * Registers the decapsulation handlers with the router's pipeline (local delivery of IP protocols 4, 41, 47,
     * and UDP for VXLAN/FOU ports; other UDP ports still reach the host stack). Call once, before traffic.
     * Decapsulated packets are received on the tunnel device at once, nested in the outer packet's receive
     * (deterministic, for tests and tools); see {@link #bind(ForwardingPipeline, Egress)} for the kernel's queue.
     */
    public void bind(ForwardingPipeline pipeline) {
        bind(pipeline, null);
    }

    /**
     * As {@link #bind(ForwardingPipeline)}, but decapsulated packets go to {@code backlog.receiveLater(tunnelDev,
     * inner)} as the kernel queues them (gro_cells / netif_rx); the router then feeds them to
     * {@link ForwardingPipeline#receive} like any received packet. This is the binding a router should use.
     */
    public void bind(ForwardingPipeline pipeline, Egress backlog) {
        recv.bind(pipeline, backlog);
        pipeline.setProtocolHandler(IpProtocol.IPIP, recv::ipip);
        pipeline.setProtocolHandler(IpProtocol.IPV6, recv::ipv6);
        pipeline.setProtocolHandler(IpProtocol.GRE, recv::gre);
        pipeline.setProtocolHandler(IpProtocol.UDP, recv::udp);
    }

    /** {@code ip link add NAME type gre|ipip|sit|ip6tnl|ip6gre|vxlan ...}. */
    public TunnelDevice apply(TunnelAdd cmd) {
        return add(TunnelConfig.of(cmd));
    }

    /** {@code ip [-6] fou add port P ipproto N}: UDP port P carries protocol N (fou_udp_recv). */
    public void apply(FouAdd cmd) {
        addFou(cmd.family(), cmd.port(), cmd.gue() ? FOU_GUE : cmd.ipproto());
    }

    /** The ipproto of a GUE port ({@code ip fou add port P gue}): each packet's GUE header names its protocol. */
    public static final int FOU_GUE = 256;

    /** {@code ipproto} 4, 41, 47, or {@link #FOU_GUE}. */
    public void addFou(Family family, int port, int ipproto) {
        if (ipproto != IpProtocol.IPIP && ipproto != IpProtocol.IPV6 && ipproto != IpProtocol.GRE
                && ipproto != FOU_GUE) {
            throw new IllegalArgumentException("fou: unsupported ipproto " + ipproto + ", expected 4, 41 or 47");
        }
        if (fouProtocol(family, port) >= 0) {
            throw new IllegalArgumentException("fou: port " + port + " already in use (-EEXIST)");
        }
        fouPorts.add(new int[] {family.ordinal(), port, ipproto});
    }

    /**
     * Creates the tunnel device (down, like a new Linux link) with the MTU ip_tunnel_bind_dev gives it: the
     * underlying device's (the {@code dev} parameter, else the device of the route to the remote, else 1500)
     * minus the encapsulation overhead; vxlan only shrinks below 1500 when it has a {@code dev}.
     */
    public TunnelDevice add(TunnelConfig cfg) {
        if (devices.byName(cfg.name()) != null) {
            throw new IllegalArgumentException("RTNETLINK answers: File exists (device " + cfg.name() + ")");
        }
        if (cfg.kind() == TunnelKind.VXLAN) {
            for (TunnelDevice t : tunnels) {
                TunnelConfig o = t.config();
                if (o.kind() == TunnelKind.VXLAN && o.vni() == cfg.vni() && o.dstPort() == cfg.dstPort()
                        && o.outerFamily() == cfg.outerFamily()) {
                    throw new IllegalArgumentException("vxlan: VNI " + cfg.vni() + " already used on port "
                            + cfg.dstPort() + " by " + o.name() + " (-EEXIST)");
                }
            }
        }
        if (cfg.link() != null && devices.byName(cfg.link()) == null) {
            throw new IllegalArgumentException("Cannot find device \"" + cfg.link() + "\"");
        }
        NetDevice dev = devices.add(cfg.name(), 1500);
        TunnelDevice t = new TunnelDevice(cfg, dev);
        dev.mtu(initialMtu(t));
        dev.xmit((p, in, skb, d) -> xmit.xmit(t, p, in, skb));
        tunnels.add(t);
        return t;
    }

    /**
     * Like {@link #add} for a configuration applier that already created the {@link NetDevice} named
     * {@code cfg.name()}: the device becomes the tunnel (its transmit function and kernel MTU are set, its admin
     * state and addresses stay).
     */
    public TunnelDevice adopt(TunnelConfig cfg) {
        NetDevice dev = devices.byName(cfg.name());
        if (dev == null) {
            throw new IllegalArgumentException("Cannot find device \"" + cfg.name() + "\"");
        }
        if (byName(cfg.name()) != null || dev.xmit() != null) {
            throw new IllegalArgumentException("device " + cfg.name() + " is already a tunnel");
        }
        TunnelDevice t = new TunnelDevice(cfg, dev);
        dev.mtu(initialMtu(t));
        dev.xmit((p, in, skb, d) -> xmit.xmit(t, p, in, skb));
        tunnels.add(t);
        return t;
    }

    private int initialMtu(TunnelDevice t) {
        TunnelConfig cfg = t.config();
        NetDevice lower = devices.byName(cfg.link());
        if (lower == null && cfg.kind() == TunnelKind.VXLAN) {
            return 1500;
        }
        if (lower == null && cfg.remote() != null) {
            IpAddress r = cfg.remote();
            fib.fibLookup(r.family(), r.hi(), r.lo(), 0, 0, 0, "lo", null, res);
            if (!res.status.isError() && res.route != null) {
                lower = deviceOf(res.route);
            }
        }
        int base = lower == null || lower == t.device() ? 1500 : lower.mtu();
        return Math.max(68, base - t.overhead());
    }

    public TunnelDevice byName(String name) {
        for (TunnelDevice t : tunnels) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public List<TunnelDevice> all() {
        return List.copyOf(tunnels);
    }

    // ------------------------------------------------------------------ lookups used by TunnelRecv / TunnelXmit

    /**
     * ip_tunnel_lookup / ip6_tnl_lookup over the up devices that take {@code ipProto} with this outer family:
     * remote = packet source and local = packet destination first, then remote only (local any), local only
     * (remote any), then both any. Keys must match ({@link TunnelDevice#keyMatches}). Does not allocate.
     */
    TunnelDevice lookup(int ipProto, boolean v4outer, byte[] b, int ipOff, boolean keyed, long key) {
        int srcOff = ipOff + (v4outer ? Ipv4Header.SRC : Ipv6Header.SRC);
        int dstOff = ipOff + (v4outer ? Ipv4Header.DST : Ipv6Header.DST);
        TunnelDevice best = null;
        int bestTier = 4;
        boolean mismatch = false;
        for (int i = 0, n = tunnels.size(); i < n; i++) {
            TunnelDevice t = tunnels.get(i);
            if (!t.device().isUp() || !accepts(t, ipProto, v4outer)) {
                continue;
            }
            byte[] remote = t.remoteBytes();
            byte[] local = t.localBytes();
            boolean remoteAny = remote == null;
            boolean localAny = local == null;
            boolean remoteEq = !remoteAny && equal(remote, b, srcOff);
            boolean localEq = !localAny && equal(local, b, dstOff);
            int tier;
            if (remoteEq && localEq) {
                tier = 0;
            } else if (remoteEq && localAny) {
                tier = 1;
            } else if (remoteAny && localEq) {
                tier = 2;
            } else if (remoteAny && localAny) {
                tier = 3;
            } else {
                continue;
            }
            if (!t.keyMatches(keyed, key)) {
                mismatch = true;
                continue;
            }
            if (tier < bestTier) {
                best = t;
                bestTier = tier;
            }
        }
        lastKeyMismatch = best == null && mismatch;
        return best;
    }

    /** True when the last failed {@link #lookup} had tunnels matching the addresses but not the key. */
    boolean lastLookupKeyMismatch() {
        return lastKeyMismatch;
    }

    private static boolean accepts(TunnelDevice t, int ipProto, boolean v4outer) {
        TunnelConfig c = t.config();
        return switch (ipProto) {
            case IpProtocol.GRE -> v4outer ? c.kind() == TunnelKind.GRE : c.kind() == TunnelKind.IP6GRE;
            case IpProtocol.IPIP -> v4outer
                    ? c.kind() == TunnelKind.IPIP || c.kind() == TunnelKind.SIT && c.carriesIpv4()
                    : c.kind() == TunnelKind.IP6TNL && c.carriesIpv4();
            case IpProtocol.IPV6 -> v4outer
                    ? c.kind() == TunnelKind.SIT && c.carriesIpv6()
                    : c.kind() == TunnelKind.IP6TNL && c.carriesIpv6();
            default -> false;
        };
    }

    private static boolean equal(byte[] addr, byte[] b, int off) {
        for (int i = 0; i < addr.length; i++) {
            if (addr[i] != b[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** The ipproto of an {@code ip fou} port of this family, or -1. */
    int fouProtocol(Family family, int port) {
        for (int i = 0, n = fouPorts.size(); i < n; i++) {
            int[] f = fouPorts.get(i);
            if (f[0] == family.ordinal() && f[1] == port) {
                return f[2];
            }
        }
        return -1;
    }

    /** True when an up vxlan device of this outer family listens on {@code port} (its socket is open). */
    boolean hasVxlanPort(Family family, int port) {
        for (int i = 0, n = tunnels.size(); i < n; i++) {
            TunnelDevice t = tunnels.get(i);
            TunnelConfig c = t.config();
            if (c.kind() == TunnelKind.VXLAN && c.dstPort() == port && t.outerFamily() == family
                    && t.device().isUp()) {
                return true;
            }
        }
        return false;
    }

    /** vxlan_vs_find_vni: the up vxlan device with this VNI on this port, or null. */
    TunnelDevice vxlanByVni(Family family, int port, int vni) {
        for (int i = 0, n = tunnels.size(); i < n; i++) {
            TunnelDevice t = tunnels.get(i);
            TunnelConfig c = t.config();
            if (c.kind() == TunnelKind.VXLAN && c.dstPort() == port && c.vni() == vni && t.outerFamily() == family
                    && t.device().isUp()) {
                return t;
            }
        }
        return null;
    }

    /** The device a route sends to: its own, or for a gateway-only route the device of the route to the gateway. */
    NetDevice deviceOf(Route r) {
        if (r.dev != null) {
            return devices.byName(r.dev);
        }
        if (r.gateway != null) {
            FibTable table = fib.existingTable(r.table);
            Route via = table == null ? null : table.lookup(r.gateway);
            if (via != null && via != r && via.dev != null) {
                return devices.byName(via.dev);
            }
        }
        return null;
    }

    /** Any address of the family on any device (last resort for a source address). */
    IpAddress anyAddress(Family family) {
        for (NetDevice d : devices.all()) {
            IpAddress a = d.primaryAddress(family);
            if (a != null && !(family == Family.INET && (a.v4() >>> 24) == 127)) {
                return a;
            }
        }
        return null;
    }

    /** Source address for an ICMP error to the address at {@code addrOff}: the route back's preferred source. */
    IpAddress sourceTowards(Fib f, Family family, byte[] b, int addrOff) {
        f.fibLookup(family, b, addrOff, -1, 0, "lo", null, res);
        if (!res.status.isError() && res.route != null) {
            Route back = res.route;
            if (back.prefSrc != null) {
                return back.prefSrc;
            }
            NetDevice d = deviceOf(back);
            IpAddress a = d == null ? null : d.primaryAddress(family);
            if (a != null) {
                return a;
            }
        }
        return anyAddress(family);
    }
}
