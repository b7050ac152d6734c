package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.net.Router;
import java.util.ServiceLoader;

/**
 * Where tunnel devices and non-BPF lightweight tunnels plug into topology building. The tunnels module implements
 * it and registers the implementation in
 * {@code META-INF/services/io.lwtemu.node.topology.TunnelSupport}; {@link #load()} finds it.
 *
 * <p>An implementation creates devices in {@link Router#devices()}, gives them a transmit path with
 * {@link Router#setDriver}, and registers decapsulation with
 * {@link io.lwtemu.node.forward.ForwardingPipeline#setProtocolHandler} on {@link Router#pipeline()}.
 * Throwing {@link IllegalArgumentException} reports the message at the command's line.
 */
public interface TunnelSupport {
    /** {@code ip link add NAME type gre|ipip|sit|ip6tnl|ip6gre|vxlan ...} and {@code ip fou add ...}. */
    void apply(Router router, ConfigCommand command);

    /** The {@link io.lwtemu.node.fib.Route#encap} state of an {@code encap seg6|seg6local} route. */
    Object encapState(Router router, EncapSpec spec);

    /** The registered implementation, or {@link MissingTunnelSupport} when this build has none. */
    static TunnelSupport load() {
        return ServiceLoader.load(TunnelSupport.class).findFirst().orElseGet(MissingTunnelSupport::new);
    }
}
