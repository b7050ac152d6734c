package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.seg6.BpfEndProgram;
import io.lwtemu.node.seg6.Seg6;
import io.lwtemu.node.tunnel.Tunnels;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tunnel devices, FOU ports and SRv6 route states of every router of a topology, over {@code node.tunnel}
 * and {@code node.seg6}. Each router gets its own {@link Tunnels}, bound to its pipeline with the router as
 * backlog, so decapsulated packets are re-received on the tunnel device in the next step (like netif_rx).
 */
public final class RouterTunnels implements TunnelSupport {
    private final Consumer<String> log;
    private final Map<Router, Tunnels> tunnels = new IdentityHashMap<>();
    private final Map<Router, Seg6> seg6 = new IdentityHashMap<>();

    public RouterTunnels(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public void apply(Router router, ConfigCommand command) {
        if (command instanceof ConfigCommand.TunnelAdd t) {
            tunnelsOf(router).apply(t);
        } else if (command instanceof ConfigCommand.FouAdd f) {
            tunnelsOf(router).apply(f);
        } else {
            throw new IllegalArgumentException("not a tunnel command: " + command);
        }
    }

    @Override
    public Object encapState(Router router, EncapSpec spec) {
        Seg6 s = seg6.computeIfAbsent(router, r -> new Seg6(line -> log.accept(r.name + ": " + line)));
        return s.stateFor(spec, ref -> BpfEndProgram.load(router.bpf(), ref, router.runner().context()));
    }

    private Tunnels tunnelsOf(Router router) {
        return tunnels.computeIfAbsent(router, r -> {
            Tunnels t = new Tunnels(r.fib(), r.devices());
            t.bind(r.pipeline(), r);
            return t;
        });
    }
}
