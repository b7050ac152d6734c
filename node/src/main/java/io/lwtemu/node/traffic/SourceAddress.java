package io.lwtemu.node.traffic;

import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibStatus;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Router;

/** Source address selection as the kernel does for an unbound socket: the route's preferred source, else the
 * primary address of the route's device, else any address of the family. */
public final class SourceAddress {
    private SourceAddress() {
    }

    /** @throws IllegalArgumentException "Network is unreachable" when no route and no address fits */
    public static IpAddress select(Router r, IpAddress dst) {
        FibResult res = r.fib().fibLookup(dst, null, 0, "lo", null);
        Route route = res.route;
        if (res.status == FibStatus.LOCAL) {
            return dst;
        }
        if (route != null && route.prefSrc != null) {
            return route.prefSrc;
        }
        if (route != null) {
            NetDevice d = route.dev != null ? r.devices().byName(route.dev) : null;
            if (d == null && route.gateway != null) {
                FibResult via = r.fib().fibLookup(route.gateway, null, 0, "lo", null);
                if (via.route != null && via.route.dev != null) {
                    d = r.devices().byName(via.route.dev);
                }
            }
            IpAddress a = d == null ? null : d.primaryAddress(dst.family());
            if (a != null) {
                return a;
            }
        }
        for (NetDevice d : r.devices().all()) {
            IpAddress a = d.primaryAddress(dst.family());
            if (a != null) {
                return a;
            }
        }
        throw new IllegalArgumentException(r.name + ": connect: Network is unreachable (no source address for "
                + dst + ")");
    }
}
