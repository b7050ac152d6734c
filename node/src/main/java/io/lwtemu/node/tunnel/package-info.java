/**
 * IP tunnels (ipip, sit, gre, ip6tnl, ip6gre, vxlan, fou): decapsulation of locally addressed packets and
 * encapsulation of packets routed out of a tunnel device, plugged into the forwarding pipeline.
 */
package io.lwtemu.node.tunnel;
