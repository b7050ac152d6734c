package io.lwtemu.node.serialization;

/**
 * Marker of control-plane messages and state snapshots that may cross cluster members: bound to
 * {@link ControlSerializer} (Kryo) in {@code lwtemu-node.conf}. A class that implements it must also be listed
 * with a fixed id in {@link ControlRegistry} (or in {@code lwtemu.serialization.control.registrations}), or
 * serializing it fails; Java serialization is never the fallback.
 */
public interface ControlMessage {}
