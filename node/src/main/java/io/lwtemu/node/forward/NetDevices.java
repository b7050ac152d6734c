package io.lwtemu.node.forward;

import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The interfaces of one router by name and ifindex. ifindex 1 is "lo" as on Linux; others count up from 2.
 * {@link #addAddress} does what the kernel does on {@code ip addr add}: a local route in table local and the
 * connected subnet in table main.
 */
public final class NetDevices {
    public static final int LOOPBACK_IFINDEX = 1;

    private final Map<String, NetDevice> byName = new HashMap<>();
    private NetDevice[] byIndex = new NetDevice[16];
    private int nextIndex = 2;

    public NetDevices() {
        NetDevice lo = new NetDevice("lo", LOOPBACK_IFINDEX, 65536);
        lo.setUp(true);
        register(lo);
    }

    /** Creates an interface (down, like a new Linux link) with the next free ifindex. */
    public NetDevice add(String name, int mtu) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("device " + name + " already exists");
        }
        NetDevice d = new NetDevice(name, nextIndex++, mtu);
        register(d);
        return d;
    }

    private void register(NetDevice d) {
        byName.put(d.name, d);
        if (d.ifindex >= byIndex.length) {
            byIndex = java.util.Arrays.copyOf(byIndex, Math.max(byIndex.length * 2, d.ifindex + 1));
        }
        byIndex[d.ifindex] = d;
    }

    public NetDevice byName(String name) {
        return name == null ? null : byName.get(name);
    }

    /** Device by ifindex or null; does not allocate. */
    public NetDevice byIndex(int ifindex) {
        return ifindex > 0 && ifindex < byIndex.length ? byIndex[ifindex] : null;
    }

    public NetDevice loopback() {
        return byIndex[LOOPBACK_IFINDEX];
    }

    public List<NetDevice> all() {
        List<NetDevice> out = new ArrayList<>();
        for (NetDevice d : byIndex) {
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * {@code ip addr add ADDR/LEN dev DEV}: records the address and installs {@code local ADDR} in table local and
     * the connected prefix {@code PREFIX dev DEV src ADDR} in table main (unless /32 or /128).
     */
    public void addAddress(Fib fib, String dev, IpAddress addr, int prefixLength) {
        NetDevice d = byName(dev);
        if (d == null) {
            throw new IllegalArgumentException("Cannot find device \"" + dev + "\"");
        }
        d.addAddress(addr, prefixLength);
        Prefix host = Prefix.of(addr, addr.family().bits);
        fib.local().replace(Route.builder(host).type(RouteType.LOCAL).dev(dev).src(addr)
                .table(Route.TABLE_LOCAL).build());
        if (prefixLength < addr.family().bits) {
            Prefix net = new Prefix(addr.family(), addr.hi() & Prefix.maskHi(prefixLength),
                    addr.lo() & Prefix.maskLo(prefixLength), prefixLength);
            int metric = addr.family() == io.lwtemu.node.fib.Family.INET6 ? 256 : 0;
            fib.main().replace(Route.builder(net).dev(dev).src(addr).metric(metric).build());
        }
    }
}
