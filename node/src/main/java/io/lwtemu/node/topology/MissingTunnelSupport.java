package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Used when no tunnels module is on the class path: tunnel devices are created (so addresses and routes that
 * name them still apply) but have no carrier, so packets routed into them are dropped as {@code link_down}, and
 * one warning per device says why. seg6 routes are refused.
 */
public final class MissingTunnelSupport implements TunnelSupport {
    private final List<NetDevice> created = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @Override
    public void apply(Router router, ConfigCommand command) {
        if (command instanceof ConfigCommand.TunnelAdd t) {
            NetDevice d = router.devices().add(t.name(), 1480);
            created.add(d);
            warnings.add(router.name + ": tunnel device " + t.name() + " (" + t.kind().name().toLowerCase(
                    java.util.Locale.ROOT) + ") has no encap/decap in this build: packets into it are dropped"
                    + " (link_down) and tunnel packets to this node are not decapsulated");
        } else if (command instanceof ConfigCommand.FouAdd) {
            warnings.add(router.name + ": 'ip fou add' ignored: no FOU decap in this build");
        }
    }

    @Override
    public Object encapState(Router router, EncapSpec spec) {
        throw new IllegalArgumentException("encap " + (spec instanceof EncapSpec.Seg6 ? "seg6" : "seg6local")
                + " needs the tunnels module, which this build does not include");
    }

    /** Keeps the devices it created without carrier; call after the configuration is applied. */
    public void finish() {
        for (NetDevice d : created) {
            d.setUp(false);
        }
    }

    public List<String> warnings() {
        return warnings;
    }
}
