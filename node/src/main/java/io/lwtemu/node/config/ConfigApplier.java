package io.lwtemu.node.config;

import io.lwtemu.node.config.ConfigCommand.AddrAdd;
import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.LinkSet;
import io.lwtemu.node.config.ConfigCommand.RouteCmd;
import io.lwtemu.node.config.ConfigCommand.RuleCmd;
import io.lwtemu.node.config.ConfigCommand.SrTunsrc;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibException;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.seg6.EndBpfProgram;
import io.lwtemu.node.seg6.Seg6;
import io.lwtemu.node.tunnel.Tunnels;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Applies parsed iproute2 commands to one router's {@link Fib} and {@link NetDevices}, in order, failing like
 * {@code ip -batch} would at the first command the kernel refuses ("RTNETLINK answers: File exists",
 * "Cannot find device"), with the line it came from.
 *
 * <p>{@code ip link add NAME type gre|ipip|sit|ip6tnl|ip6gre|vxlan ...} and {@code ip fou add} go to the router's
 * {@link Tunnels} (the device is created as a tunnel, with the kernel's MTU); {@code encap seg6} and
 * {@code encap seg6local} become route state through the router's {@link Seg6} ({@code ip sr tunsrc set} too).
 * {@code encap bpf} is turned into LWT state by the {@link EncapLoader} (the eBPF loader), which also opens End.BPF
 * programs. Tunnels and Seg6 are per router: give the same instances to every applier of that router, and bind the
 * Tunnels to the router's pipeline ({@link Tunnels#bind(io.lwtemu.node.forward.ForwardingPipeline,
 * io.lwtemu.node.forward.Egress)}) so tunnels also decapsulate. This is the one place where commands meet router
 * state: the topology builder configures every router through it.
 */
public final class ConfigApplier {

    /** Builds the LWT state stored in {@code Route.encap} from a parsed encap (loads and checks BPF objects). */
    @FunctionalInterface
    public interface EncapLoader {
        /**
         * Returns the encap state; throws IllegalArgumentException with a user-facing message on failure. Called
         * for {@code encap bpf} and for seg6local End.BPF, where it returns the {@link EndBpfProgram} of the
         * spec's {@code endpoint obj F section S} (e.g. {@code io.lwtemu.node.seg6.BpfEndProgram.load}); the
         * applier wraps it into the seg6local state.
         */
        Object load(EncapSpec spec, RouteCmd route);
    }

    private final Path file;
    private final Fib fib;
    private final NetDevices devices;
    private final EncapLoader loader;
    private final Supplier<Tunnels> tunnels;
    private final Seg6 seg6;
    private Predicate<NetDevice> carrier = d -> true;

    /**
     * An applier with its own {@link Tunnels} (bind {@link #tunnels()} to the pipeline for decapsulation) and a
     * {@link Seg6} that drops its one-time warnings: for a router configured by this applier alone.
     */
    public ConfigApplier(Path file, Fib fib, NetDevices devices, EncapLoader loader) {
        this(file, fib, devices, loader, new Tunnels(fib, devices), new Seg6(line -> { }));
    }

    /** @param tunnels the router's tunnels; @param seg6 the router's SRv6 state factory */
    public ConfigApplier(Path file, Fib fib, NetDevices devices, EncapLoader loader, Tunnels tunnels, Seg6 seg6) {
        this(file, fib, devices, loader, () -> tunnels, seg6);
    }

    /**
     * As above, with the router's Tunnels created on first use (the first {@code ip link add ... type gre}, ...), so a
     * router without tunnels keeps no decapsulation handlers; the supplier must return the same instance each time.
     */
    public ConfigApplier(Path file, Fib fib, NetDevices devices, EncapLoader loader, Supplier<Tunnels> tunnels,
            Seg6 seg6) {
        this.file = file;
        this.fib = fib;
        this.devices = devices;
        this.loader = loader;
        this.tunnels = tunnels;
        this.seg6 = seg6;
    }

    /** The tunnel devices and FOU ports this applier configures. */
    public Tunnels tunnels() {
        return tunnels.get();
    }

    /**
     * Whether a device has carrier (its link is up): {@code ip link set DEV up} on a device without carrier leaves
     * it down (NO-CARRIER) as on Linux. Default: every device has carrier.
     */
    public ConfigApplier carrier(Predicate<NetDevice> hasCarrier) {
        this.carrier = hasCarrier;
        return this;
    }

    public void apply(List<ConfigCommand> commands) {
        for (ConfigCommand c : commands) {
            apply(c);
        }
    }

    public void apply(ConfigCommand c) {
        try {
            if (c instanceof AddrAdd a) {
                devices.addAddress(fib, device(a.dev(), c).name, a.address(), a.prefixLength());
            } else if (c instanceof LinkSet l) {
                NetDevice d = device(l.dev(), c);
                if (l.mtu() != null) {
                    d.mtu(l.mtu());
                }
                if (l.up() != null) {
                    d.setUp(l.up() && carrier.test(d));
                }
            } else if (c instanceof RouteCmd r) {
                applyRoute(r);
            } else if (c instanceof RuleCmd r) {
                if (r.add()) {
                    fib.addRule(r.rule());
                } else {
                    fib.deleteRule(r.rule());
                }
            } else if (c instanceof TunnelAdd t) {
                tunnels.get().apply(t);
            } else if (c instanceof FouAdd f) {
                tunnels.get().apply(f);
            } else if (c instanceof SrTunsrc s) {
                seg6.tunnelSource(s.address());
            }
        } catch (FibException e) {
            throw error(c, "RTNETLINK answers: " + e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw error(c, e.getMessage());
        }
    }

    private void applyRoute(RouteCmd r) {
        if (r.dev() != null) {
            device(r.dev(), r);
        }
        if (r.op() == RouteCmd.Op.DEL) {
            FibTable t = fib.existingTable(r.table());
            if (t == null) {
                throw new FibException(FibException.ESRCH, "No such process");
            }
            t.delete(r.prefix(), r.metric(), r.dev(), r.via(), r.type());
            return;
        }
        Object state = null;
        if (r.encap() instanceof EncapSpec.Seg6 s6) {
            state = seg6.encapFor(s6);
        } else if (r.encap() instanceof EncapSpec.Seg6Local sl) {
            state = seg6.localFor(sl, ref -> endBpfProgram(sl, r));
        } else if (r.encap() != null) {
            state = requireLoader(r).load(r.encap(), r);
        }
        if (r.op() == RouteCmd.Op.ADD) {
            fib.addRoute(r.toRoute(state));
        } else {
            fib.replaceRoute(r.toRoute(state));
        }
    }

    /** End.BPF's program, opened by the loader. */
    private EndBpfProgram endBpfProgram(EncapSpec.Seg6Local spec, RouteCmd r) {
        Object p = requireLoader(r).load(spec, r);
        if (p instanceof EndBpfProgram prog) {
            return prog;
        }
        throw new IllegalArgumentException("the encap loader returned " + (p == null ? "null" : p.getClass()
                .getSimpleName()) + " for End.BPF, expected an EndBpfProgram");
    }

    private EncapLoader requireLoader(RouteCmd r) {
        if (loader == null) {
            String kind = r.encap() instanceof EncapSpec.Seg6Local ? "seg6local End.BPF"
                    : "encap " + r.encap().getClass().getSimpleName().toLowerCase(Locale.ROOT);
            throw error(r, kind + " needs an encap loader");
        }
        return loader;
    }

    private NetDevice device(String name, ConfigCommand c) {
        NetDevice d = devices.byName(name);
        if (d == null) {
            throw error(c, "Cannot find device \"" + name + "\"");
        }
        return d;
    }

    private ConfigException error(ConfigCommand c, String message) {
        return new ConfigException(file, c.line(), 1, message);
    }
}
