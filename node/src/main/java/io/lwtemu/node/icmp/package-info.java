/**
 * ICMP/ICMPv6 errors and echo replies as Linux sends them (and when it stays silent), the per-peer ICMP rate
 * limit, IPv4 fragmentation and IPv4/IPv6 reassembly.
 */
package io.lwtemu.node.icmp;
