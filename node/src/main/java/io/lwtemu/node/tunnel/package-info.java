/**
 * Tunnel devices of a router, with the kernel's behaviour: {@code gre}, {@code ipip}, {@code sit},
 * {@code ip6tnl} (mode ip6ip6, ipip6, any), {@code ip6gre}, {@code vxlan}, and FOU ports.
 *
 * <h2>API for the topology builder</h2>
 * <pre>{@code
 * Fib fib = new Fib();
 * NetDevices devices = new NetDevices();
 * Tunnels tunnels = new Tunnels(fib, devices);
 * ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, egress, log, clock);
 * tunnels.bind(pipeline, egress);    // once: decap handlers for IP protocols 4, 41, 47 and UDP; decapsulated
 *                                    // packets come back through egress.receiveLater(tunnelDev, inner)
 *
 * tunnels.apply(tunnelAdd);          // ConfigCommand.TunnelAdd: creates NetDevice NAME (down), MTU set
 * tunnels.apply(fouAdd);             // ConfigCommand.FouAdd: UDP port P carries protocol N
 * tunnels.add(TunnelConfig.of(tunnelAdd).withFou(5555, 0));  // FOU on transmit (iproute2's "encap fou")
 * tunnels.adopt(TunnelConfig.of(tunnelAdd));  // when a config applier already created the NetDevice
 * }</pre>
 * After that the tunnel is an ordinary {@link io.lwtemu.node.forward.NetDevice}: {@code ip link set NAME up},
 * {@code ip addr add ... dev NAME}, {@code ip route add PREFIX dev NAME} are applied as for any device. Nothing
 * else needs wiring: the device carries a {@link io.lwtemu.node.forward.DeviceXmit}, so the pipeline hands routed
 * packets to the tunnel instead of the {@link io.lwtemu.node.forward.Egress}.
 *
 * <h2>Transmit (ip_tunnel_xmit, ip6_tnl_xmit, vxlan_xmit_one)</h2>
 * The inner packet must be of a family the tunnel carries, the tunnel must have a remote. The route to the remote
 * is looked up; no route: ICMP unreachable to the inner sender and a {@code no_route} drop; a route back through
 * the tunnel: {@code tunnel_loop}. With DF on the outer header (default {@code pmtudisc}; always for IPv6) an inner
 * packet larger than that path's MTU minus the overhead gets ICMP frag-needed / packet-too-big and is dropped.
 * Then the outer headers are pushed in front of the same skb and it is routed again with
 * {@link io.lwtemu.node.forward.ForwardingPipeline#localOut} (LWT programs of the outer route run).
 * Outer fields: TTL fixed or inherited (ttl 0; vxlan: 64), TOS 0 with the inner ECN bits (CE becomes ECT(0)),
 * IPv4 DF per pmtudisc, IP ID 0 on DF packets, GRE key/checksum per okey/ocsum, protocols 47 / 4 / 41 / 17,
 * the ip6 tunnels' encapsulation-limit destination option (limit 4) and per-flow outer flow label, VXLAN over
 * UDP with the per-flow source port (32768..60999), VNI and an inner Ethernet header (the device's made-up
 * locally administered MAC as source, a made-up MAC for the far end), IPv4 UDP checksum 0, IPv6 UDP checksum
 * filled in.
 * The device MTU is the underlying device's (dev, else the device of the route to the remote when the tunnel is
 * created, else 1500) minus the overhead: gre 1476 (1472 with key), ipip/sit 1480, ip6tnl 1452, ip6gre 1448,
 * vxlan 1500 without dev, 1450 with it.
 *
 * <h2>Receive (ip_tunnel_rcv, ip6_tnl_rcv, gre_rcv, vxlan_rcv, fou_udp_recv)</h2>
 * The tunnel is found as ip_tunnel_lookup does (only devices that are up; local+remote exact, then remote only,
 * local only, wildcard; GRE keys must match exactly, keyless tunnels take only keyless packets). No tunnel: ICMP
 * port unreachable and a {@code tunnel_no_match} or {@code tunnel_key_mismatch} drop. Bad GRE (version, routing,
 * checksum, checksum flag not as configured) and wrong inner types drop silently. The inner packet, in a new skb
 * with its own bytes, is queued for the tunnel device with {@link io.lwtemu.node.forward.Egress#receiveLater}
 * (gro_cells / netif_rx; {@code bind(pipeline)} without a backlog receives it at once instead): the outer packet
 * counts DELIVERED, the inner one gets its own outcome (forwarded, delivered, dropped). Outer CE
 * marks an ECN-capable inner packet CE. VXLAN: the port is open while an up vxlan device uses it; unknown VNI:
 * {@code vxlan_vni_not_found}; the inner destination MAC is not checked (lwtemu links have no L2). Not modelled:
 * GRE sequence numbers, GUE, NBMA tunnels without a remote, collect-metadata (external) devices, ICMP errors
 * about tunnelled packets (ipgre_err).
 */
package io.lwtemu.node.tunnel;
