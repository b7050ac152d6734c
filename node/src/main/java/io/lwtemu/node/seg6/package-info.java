/**
 * SRv6 for the router: the {@code encap seg6} and {@code encap seg6local} route states, run by the forwarding
 * pipeline as {@link io.lwtemu.node.forward.LwtTunnel}s (net/ipv6/seg6_iptunnel.c and seg6_local.c).
 *
 * <h2>API for the topology builder</h2>
 * <pre>{@code
 * Seg6 seg6 = new Seg6(log);                          // one per router; log gets one-time kernel warnings
 * seg6.tunnelSource(IpAddress.parse("fc00::1"));      // optional, ip sr tunsrc set
 * // for each RouteCmd whose encap is EncapSpec.Seg6 or EncapSpec.Seg6Local:
 * Object state = seg6.stateFor(cmd.encap(), progRef -> endBpfProgramFor(progRef));
 * fib.table(cmd.table()).add(cmd.toRoute(state));
 * }</pre>
 * The End.BPF loader turns {@code endpoint obj F section S} into an {@link io.lwtemu.node.seg6.EndBpfProgram}:
 * an adapter over the eBPF runtime that runs the LWT_SEG6LOCAL program with the SRH state of
 * {@code Seg6LocalHelpers.prepare}, and reports r0, SRH validity and {@code ExecutionContext.seg6Route}
 * through {@link io.lwtemu.node.seg6.EndBpfRun}.
 *
 * <h2>Behaviour</h2>
 * seg6 encap pushes IPv6 + SRH (destination = first segment, segments left = n-1, SRH next header 41 or 4),
 * inline inserts an SRH after the IPv6 header with the old destination as the last segment; both on input (a
 * forwarded packet: then a new input lookup, the inner packet is not aged) and on output (locally sent).
 * seg6local End / End.X / End.T advance the SRH and route (to nh6, or in table N); End.DX4 / End.DX6 / End.DT4
 * / End.DT6 decapsulate (segments left must be 0) and route the inner packet (to nh4/nh6, or in table N);
 * End.BPF advances, runs the program (BPF_OK: lookup, BPF_REDIRECT: the route bpf_lwt_seg6_action chose,
 * BPF_DROP: drop, other values: "bpf-seg6local: Illegal return value N" once, drop) and drops a packet whose
 * SRH the program broke. Drops: {@code seg6_invalid_srh}, {@code seg6_decap_failed}, {@code seg6_encap_failed},
 * {@code bpf_drop}, {@code bpf_illegal_return}. Not modelled: l2encap, End.DX2, End.B6, End.B6.Encaps, HMAC,
 * flavors (PSP/USP/NEXT-C-SID), per-route counters of seg6local.
 */
package io.lwtemu.node.seg6;
