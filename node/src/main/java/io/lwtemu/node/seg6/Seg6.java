package io.lwtemu.node.seg6;

import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.LwtTunnel;
import io.lwtemu.node.forward.NetDevice;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * SRv6 of one router: turns the {@code encap seg6 ...} / {@code encap seg6local ...} part of a route into the
 * route's LWT state ({@link Route#encap}), which the forwarding pipeline then runs:
 *
 * <pre>{@code
 * Seg6 seg6 = new Seg6(log);                           // one per router
 * seg6.tunnelSource(addr);                             // optional: ip sr tunsrc set ADDR
 * Object state = seg6.stateFor(routeCmd.encap(), loader);  // loader: ProgRef -> EndBpfProgram (End.BPF only)
 * fib.table(n).add(routeCmd.toRoute(state));
 * }</pre>
 */
public final class Seg6 {
    private final Consumer<String> log;
    private IpAddress tunsrc;
    private boolean warnedIllegalReturn;

    /** @param log receives the kernel's one-time warnings ("bpf-seg6local: Illegal return value 3") */
    public Seg6(Consumer<String> log) {
        this.log = log;
    }

    /** {@code ip sr tunsrc set ADDR}: source of outer IPv6 headers pushed by seg6 encap (null: the device's). */
    public Seg6 tunnelSource(IpAddress addr) {
        if (addr != null && addr.family() != Family.INET6) {
            throw new IllegalArgumentException("tunsrc must be an IPv6 address, got " + addr);
        }
        this.tunsrc = addr;
        return this;
    }

    /** The state for {@code encap seg6 ...}. */
    public Seg6Encap encapFor(EncapSpec.Seg6 spec) {
        return new Seg6Encap(this, spec);
    }

    /**
     * The state for {@code encap seg6local action ...}; {@code loader} opens End.BPF's {@code endpoint obj F section
     * S} as an LWT_SEG6LOCAL program (may be null when no End.BPF route is configured).
     */
    public Seg6Local localFor(EncapSpec.Seg6Local spec, Function<ProgRef, EndBpfProgram> loader) {
        EndBpfProgram prog = null;
        if (spec.action() == EncapSpec.Seg6Local.Action.END_BPF) {
            if (spec.program() == null || loader == null) {
                throw new IllegalArgumentException("seg6local End.BPF needs 'endpoint obj FILE section NAME'");
            }
            prog = loader.apply(spec.program());
        }
        return new Seg6Local(this, spec, prog);
    }

    /** Dispatches on the spec: seg6 or seg6local; other encap types are not SRv6 (IllegalArgumentException). */
    public LwtTunnel stateFor(EncapSpec spec, Function<ProgRef, EndBpfProgram> loader) {
        if (spec instanceof EncapSpec.Seg6 s) {
            return encapFor(s);
        }
        if (spec instanceof EncapSpec.Seg6Local s) {
            return localFor(s, loader);
        }
        throw new IllegalArgumentException("not an SRv6 encap: " + spec);
    }

    /**
     * set_tun_src: the configured tunsrc, else the address of the route's device (ipv6_dev_get_saddr), else any
     * IPv6 address of the router, else ::.
     */
    IpAddress tunnelSource(ForwardingPipeline p, Route route) {
        if (tunsrc != null) {
            return tunsrc;
        }
        NetDevice d = route == null || route.dev == null ? null : p.devices().byName(route.dev);
        IpAddress a = d == null ? null : d.primaryAddress(Family.INET6);
        if (a != null) {
            return a;
        }
        for (NetDevice any : p.devices().all()) {
            a = any.primaryAddress(Family.INET6);
            if (a != null && !(a.hi() == 0 && a.lo() == 1)) {
                return a;
            }
        }
        return IpAddress.v6(new byte[16], 0);
    }

    void illegalReturn(int ret) {
        if (!warnedIllegalReturn) {
            warnedIllegalReturn = true;
            log.accept("bpf-seg6local: Illegal return value " + Integer.toUnsignedString(ret));
        }
    }

    void log(String line) {
        log.accept(line);
    }
}
