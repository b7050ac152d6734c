package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.net.Router;

/**
 * Where tunnel devices and non-BPF lightweight tunnels (seg6, seg6local) plug into topology building.
 * {@link RouterTunnels} is the implementation; tests may pass their own to {@link TopologyBuilder#build}.
 * Throwing {@link IllegalArgumentException} reports the message at the command's line.
 */
public interface TunnelSupport {
    /** {@code ip link add NAME type gre|ipip|sit|ip6tnl|ip6gre|vxlan ...} and {@code ip fou add ...}. */
    void apply(Router router, ConfigCommand command);

    /** The {@link io.lwtemu.node.fib.Route#encap} state of an {@code encap seg6|seg6local} route. */
    Object encapState(Router router, EncapSpec spec);
}
