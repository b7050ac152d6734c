package io.lwtemu.node.config;

import io.lwtemu.node.config.ConfigCommand.AddrAdd;
import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.LinkSet;
import io.lwtemu.node.config.ConfigCommand.RouteCmd;
import io.lwtemu.node.config.ConfigCommand.RuleCmd;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibException;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Seg6LocalLwt;
import io.lwtemu.node.forward.Seg6Lwt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies parsed iproute2 commands to one router's {@link Fib} and {@link NetDevices}, in order, failing like
 * {@code ip -batch} would at the first command the kernel refuses ("RTNETLINK answers: File exists",
 * "Cannot find device"), with the line it came from.
 *
 * <p>seg6 and seg6local encaps become {@link Seg6Lwt} / {@link Seg6LocalLwt} here; {@code encap bpf} and End.BPF
 * are turned into LWT state by an {@link EncapLoader} (the eBPF loader);
 * tunnel devices are created as interfaces and their parameters kept for the decapsulation layer.
 */
public final class ConfigApplier {

    /** Builds the LWT state stored in {@code Route.encap} from a parsed encap (loads and checks BPF objects). */
    @FunctionalInterface
    public interface EncapLoader {
        /** Returns the encap state; throws IllegalArgumentException with a user-facing message on failure. */
        Object load(EncapSpec spec, RouteCmd route);
    }

    /** Linux's default MTU of a new tunnel device over a 1500-byte underlay. */
    static int tunnelMtu(ConfigCommand.TunnelKind kind) {
        return switch (kind) {
            case GRE -> 1476;
            case IPIP, SIT -> 1480;
            case IP6TNL -> 1452;
            case IP6GRE -> 1448;
            case VXLAN -> 1450;
        };
    }

    private final Path file;
    private final Fib fib;
    private final NetDevices devices;
    private final EncapLoader loader;
    private final List<TunnelAdd> tunnels = new ArrayList<>();
    private final List<FouAdd> fous = new ArrayList<>();

    public ConfigApplier(Path file, Fib fib, NetDevices devices, EncapLoader loader) {
        this.file = file;
        this.fib = fib;
        this.devices = devices;
        this.loader = loader;
    }

    /** Tunnel devices created so far, for the decapsulation layer. */
    public List<TunnelAdd> tunnels() {
        return List.copyOf(tunnels);
    }

    /** FOU receive ports configured so far. */
    public List<FouAdd> fous() {
        return List.copyOf(fous);
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
                    d.setUp(l.up());
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
                if (devices.byName(t.name()) != null) {
                    throw error(c, "RTNETLINK answers: File exists (device " + t.name() + ")");
                }
                if (t.dev() != null) {
                    device(t.dev(), c);
                }
                devices.add(t.name(), tunnelMtu(t.kind()));
                tunnels.add(t);
            } else if (c instanceof FouAdd f) {
                for (FouAdd other : fous) {
                    if (other.port() == f.port() && other.family() == f.family()) {
                        throw error(c, "RTNETLINK answers: Address already in use (fou port " + f.port() + ")");
                    }
                }
                fous.add(f);
            }
        } catch (FibException e) {
            throw error(c, "RTNETLINK answers: " + e.getMessage());
        } catch (IllegalArgumentException e) {
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
        if (r.encap() instanceof EncapSpec.Seg6 || r.encap() instanceof EncapSpec.Seg6Local sl
                && sl.action() != EncapSpec.Seg6Local.Action.END_BPF) {
            state = seg6State(r);
        } else if (r.encap() != null) {
            if (loader == null) {
                throw error(r, "encap " + r.encap().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                        + " needs an encap loader");
            }
            state = loader.load(r.encap(), r);
        }
        if (r.op() == RouteCmd.Op.ADD) {
            fib.addRoute(r.toRoute(state));
        } else {
            fib.replaceRoute(r.toRoute(state));
        }
    }

    /** seg6 / seg6local (without BPF) need no loader: their state is built here. */
    private Object seg6State(RouteCmd r) {
        if (r.encap() instanceof EncapSpec.Seg6 s6) {
            if (s6.mode() == EncapSpec.Seg6.Mode.L2ENCAP) {
                throw error(r, "seg6 mode l2encap is not supported (the emulated devices are L3)");
            }
            return new Seg6Lwt(s6.mode() == EncapSpec.Seg6.Mode.INLINE, s6.segments());
        }
        EncapSpec.Seg6Local sl = (EncapSpec.Seg6Local) r.encap();
        Seg6LocalLwt.Action a = switch (sl.action()) {
            case END -> Seg6LocalLwt.Action.END;
            case END_X -> Seg6LocalLwt.Action.END_X;
            case END_T -> Seg6LocalLwt.Action.END_T;
            case END_DX4 -> Seg6LocalLwt.Action.END_DX4;
            case END_DX6 -> Seg6LocalLwt.Action.END_DX6;
            case END_DT6 -> Seg6LocalLwt.Action.END_DT6;
            default -> throw error(r, "seg6local action " + sl.action().spelling + " is not supported");
        };
        return new Seg6LocalLwt(a, sl.nh4(), sl.nh6(), sl.table(), null, null);
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
