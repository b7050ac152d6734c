package io.lwtemu.node.net;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.NetDevice;

/**
 * Transmit side of a device that is not attached to a link: tunnel devices (they encapsulate and send the outer
 * packet through {@link Router#pipeline()}), TUN devices. Registered with {@link Router#setDriver}.
 */
@FunctionalInterface
public interface DeviceDriver {
    /** Takes ownership of {@code skb}; false = refused (the pipeline counts a queue_full drop). */
    boolean transmit(Router router, NetDevice dev, SkBuff skb, Route route);
}
