/**
 * Packet header flyweights over {@code byte[]} + offset (IPv4, IPv6 + extension headers, ICMP, ICMPv6, UDP, TCP,
 * GRE, VXLAN, SRH), the Internet checksum, and a {@link io.lwtemu.node.packet.PacketBuilder} for tests and
 * traffic. Nothing here allocates on the read/write path.
 */
package io.lwtemu.node.packet;
