/**
 * Router configuration in iproute2 syntax: {@link io.lwtemu.node.config.IpCommandParser} turns script lines into
 * typed {@link io.lwtemu.node.config.ConfigCommand}s with file:line:column errors, and
 * {@link io.lwtemu.node.config.ConfigApplier} applies them to a FIB and its devices, creating tunnel devices
 * through {@link io.lwtemu.node.tunnel.Tunnels} and SRv6 route state through {@link io.lwtemu.node.seg6.Seg6}.
 */
package io.lwtemu.node.config;
