package io.lwtemu.node.seg6;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.EncapSpec.Seg6Local.Action;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.LwtTunnel;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.Srh;

/**
 * {@code encap seg6local action ...} on a route to a local SID (net/ipv6/seg6_local.c): the route's input is
 * redirected here, the action runs, and the packet continues with dst_input on the route the action chose
 * (seg6_lookup_nexthop), so hop-limit checks and decrements, ICMP errors and the next route's LWT hooks apply as
 * after any lookup.
 *
 * <ul>
 * <li>End: SRH with segments left &gt; 0 (routing headers with 0 left are skipped, then there is none), valid;
 *     segments left--, destination = the new active segment, lookup.</li>
 * <li>End.X: as End, then forward to the next hop {@code nh6}. End.T: as End, lookup in table N.</li>
 * <li>End.DX4 / End.DX6: segments left must be 0 (or no SRH); the inner IPv4/IPv6 packet is decapsulated and
 *     routed to {@code nh4}/{@code nh6} (unset: its own destination). End.DT4/End.DT6: decapsulate, lookup in
 *     table N.</li>
 * <li>End.BPF: as End up to the advance, then the LWT_SEG6LOCAL program runs (BPF_OK: lookup the destination,
 *     BPF_REDIRECT: the route bpf_lwt_seg6_action chose, BPF_DROP or anything else: drop), and an SRH the
 *     program broke drops the packet.</li>
 * </ul>
 * Validation failures drop with {@link DropReason#SEG6_INVALID_SRH} or {@link DropReason#SEG6_DECAP_FAILED}.
 */
public final class Seg6Local implements LwtTunnel {
    private static final int SEG6_LOCAL_ACTION_END_X = 2;
    private static final int SEG6_LOCAL_ACTION_END_T = 3;
    private static final int SEG6_LOCAL_ACTION_END_DT6 = 9;

    private final Seg6 seg6;
    private final Action action;
    private final IpAddress nh4;
    private final IpAddress nh6;
    private final int table;
    private final EndBpfProgram program;
    private final EndBpfRun run = new EndBpfRun();
    private final Srh srh = new Srh();
    private final FibResult res = new FibResult();
    private final NexthopRoute nexthop = new NexthopRoute();
    private static final Route UNREACHABLE_V4 = Route.builder(Prefix.defaultRoute(Family.INET))
            .type(RouteType.UNREACHABLE).build();
    private static final Route UNREACHABLE_V6 = Route.builder(Prefix.defaultRoute(Family.INET6))
            .type(RouteType.UNREACHABLE).build();

    Seg6Local(Seg6 seg6, EncapSpec.Seg6Local spec, EndBpfProgram program) {
        switch (spec.action()) {
            case END, END_X, END_T, END_DX4, END_DX6, END_DT4, END_DT6, END_BPF -> {
            }
            default -> throw new IllegalArgumentException("seg6local action " + spec.action().spelling
                    + " is not modelled (supported: End, End.X, End.T, End.DX4, End.DX6, End.DT4, End.DT6, End.BPF)");
        }
        if (spec.action() == Action.END_X && spec.nh6() == null) {
            throw new IllegalArgumentException("seg6local End.X needs nh6");
        }
        if ((spec.action() == Action.END_T || spec.action() == Action.END_DT4 || spec.action() == Action.END_DT6)
                && spec.table() <= 0) {
            throw new IllegalArgumentException("seg6local " + spec.action().spelling + " needs a table");
        }
        this.seg6 = seg6;
        this.action = spec.action();
        this.nh4 = spec.nh4();
        this.nh6 = spec.nh6();
        this.table = spec.table();
        this.program = program;
    }

    public Action action() {
        return action;
    }

    @Override
    public boolean redirectsInput() {
        return true;
    }

    @Override
    public boolean redirectsOutput() {
        return false;
    }

    @Override
    public int headroom() {
        return 0;
    }

    @Override
    public void output(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, Route route, NetDevice out) {
        throw new IllegalStateException("seg6local does not redirect output");
    }

    @Override
    public void input(ForwardingPipeline p, NetDevice in, SkBuff skb, Route route) {
        if (skb.protocol != SkBuff.ETH_P_IPV6) {
            p.dropPacket(skb, DropReason.SEG6_INVALID_SRH, in);
            return;
        }
        switch (action) {
            case END, END_X, END_T, END_BPF -> end(p, in, skb);
            case END_DX4, END_DT4 -> decap(p, in, skb, false);
            default -> decap(p, in, skb, true);
        }
    }

    /** End, End.X, End.T, End.BPF: advance the SRH, then route. */
    private void end(ForwardingPipeline p, NetDevice in, SkBuff skb) {
        byte[] b = skb.head;
        int off = skb.data;
        if (SrhWalk.validSrh(srh, b, off, skb.len, true) < 0) {
            p.dropPacket(skb, DropReason.SEG6_INVALID_SRH, in);
            return;
        }
        // advance_nextseg
        int sl = srh.segmentsLeft() - 1;
        srh.segmentsLeft(sl);
        System.arraycopy(b, srh.segmentOffset(sl), b, off + Ipv6Header.DST, 16);
        switch (action) {
            case END -> p.inputRoute(in, skb);
            case END_X -> p.inputVia(in, skb, routeTo(p, nh6.hi(), nh6.lo(), Family.INET6, in, 0, true));
            case END_T -> p.inputVia(in, skb, routeTo(p, Bytes.i64(b, off + Ipv6Header.DST),
                    Bytes.i64(b, off + Ipv6Header.DST + 8), Family.INET6, in, table, false));
            default -> endBpf(p, in, skb);
        }
    }

    /** input_action_end_bpf after the advance: run the program, check its SRH, route as it decided. */
    private void endBpf(ForwardingPipeline p, NetDevice in, SkBuff skb) {
        EndBpfRun r = run;
        r.reset();
        try {
            program.run(skb, r);
        } catch (RuntimeException e) {
            r.fault(String.valueOf(e.getMessage()));
            seg6.log("bpf-seg6local: program faulted: " + e);
        }
        if (r.fault) {
            p.dropPacket(skb, DropReason.BPF_FAULT, in);
            return;
        }
        int ret = r.ret;
        if (ret == LwtVerdict.BPF_DROP) {
            p.dropPacket(skb, DropReason.BPF_DROP, in);
            return;
        }
        if (ret != LwtVerdict.BPF_OK && ret != LwtVerdict.BPF_REDIRECT) {
            seg6.illegalReturn(ret);
            p.dropPacket(skb, DropReason.BPF_ILLEGAL_RETURN, in);
            return;
        }
        if (!r.srhValid) {
            p.dropPacket(skb, DropReason.SEG6_INVALID_SRH, in);
            return;
        }
        int version = skb.len < 1 ? 0 : (skb.head[skb.data] & 0xff) >>> 4;
        skb.protocol = version == 4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6;
        if (ret != LwtVerdict.BPF_REDIRECT || r.routeAction == EndBpfRun.NO_ROUTE_ACTION
                || r.routeAction == ExecutionContext.Seg6Route.LOOKUP_NEXTHOP) {
            p.inputRoute(in, skb);
            return;
        }
        byte[] b = skb.head;
        int off = skb.data;
        switch (r.routeAction) {
            case SEG6_LOCAL_ACTION_END_X -> p.inputVia(in, skb, routeTo(p, Bytes.i64(r.nexthop, 0),
                    Bytes.i64(r.nexthop, 8), Family.INET6, in, 0, true));
            case SEG6_LOCAL_ACTION_END_T, SEG6_LOCAL_ACTION_END_DT6 -> p.inputVia(in, skb, routeTo(p,
                    Bytes.i64(b, off + Ipv6Header.DST), Bytes.i64(b, off + Ipv6Header.DST + 8), Family.INET6, in,
                    r.routeTable, false));
            default -> p.inputRoute(in, skb);
        }
    }

    /** End.DX4/DX6/DT4/DT6: decap_and_validate, then route the inner packet. */
    private void decap(ForwardingPipeline p, NetDevice in, SkBuff skb, boolean innerV6) {
        byte[] b = skb.head;
        int off = skb.data;
        int at = SrhWalk.findRouting(b, off, skb.len, false);
        if (at >= 0 && (SrhWalk.validSrh(srh, b, off, skb.len, false) < 0 || srh.segmentsLeft() > 0)) {
            p.dropPacket(skb, DropReason.SEG6_DECAP_FAILED, in);
            return;
        }
        int inner = SrhWalk.findInner(b, off, skb.len, innerV6 ? IpProtocol.IPV6 : IpProtocol.IPIP);
        int end = off + skb.len;
        int minLen = innerV6 ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
        if (inner < 0 || end - inner < minLen || (b[inner] & 0xff) >>> 4 != (innerV6 ? 6 : 4)) {
            p.dropPacket(skb, DropReason.SEG6_DECAP_FAILED, in);
            return;
        }
        int len = end - inner;
        int declared = innerV6 ? Ipv6Header.LENGTH + Bytes.u16(b, inner + Ipv6Header.PAYLOAD_LENGTH)
                : Bytes.u16(b, inner + Ipv4Header.TOTAL_LENGTH);
        if (declared > len || !innerV6 && declared < ((b[inner] & 0x0f) << 2)) {
            p.dropPacket(skb, DropReason.SEG6_DECAP_FAILED, in);
            return;
        }
        skb.data = inner;
        skb.len = declared;
        skb.protocol = innerV6 ? SkBuff.ETH_P_IPV6 : SkBuff.ETH_P_IP;
        skb.encapsulation = false;
        long hi;
        long lo;
        boolean viaNexthop;
        if (innerV6) {
            viaNexthop = action == Action.END_DX6 && nh6 != null && !nh6.isZero();
            hi = viaNexthop ? nh6.hi() : Bytes.i64(b, inner + Ipv6Header.DST);
            lo = viaNexthop ? nh6.lo() : Bytes.i64(b, inner + Ipv6Header.DST + 8);
        } else {
            viaNexthop = action == Action.END_DX4 && nh4 != null && !nh4.isZero();
            hi = viaNexthop ? nh4.hi() : (Bytes.i32(b, inner + Ipv4Header.DST) & 0xffffffffL) << 32;
            lo = 0;
        }
        int t = action == Action.END_DT4 || action == Action.END_DT6 ? table : 0;
        p.inputVia(in, skb, routeTo(p, hi, lo, innerV6 ? Family.INET6 : Family.INET, in, t, viaNexthop));
    }

    /**
     * seg6_lookup_nexthop / ip_route_input for {@code addr}: the policy lookup with the ingress device, or table
     * {@code tableId}. With {@code viaNexthop} an on-link route becomes one with {@code addr} as gateway, so the
     * packet goes to that neighbour whatever its destination. No route: an unreachable route (ICMP, drop).
     */
    private Route routeTo(ForwardingPipeline p, long hi, long lo, Family family, NetDevice in, int tableId,
            boolean viaNexthop) {
        Fib fib = p.fib();
        Route r;
        if (tableId > 0) {
            FibTable t = fib.existingTable(tableId);
            r = t == null ? null : t.lookup(family, hi, lo);
        } else {
            fib.fibLookup(family, hi, lo, 0, 0, 0, in == null ? "lo" : in.name, null, res);
            r = res.route;
        }
        if (r == null) {
            return family == Family.INET ? UNREACHABLE_V4 : UNREACHABLE_V6;
        }
        if (!viaNexthop || r.type != RouteType.UNICAST || r.gateway != null) {
            return r;
        }
        return nexthop.get(r, family, hi, lo);
    }

    /** One cached "route via the next hop", rebuilt only when the route or the next hop changes. */
    private static final class NexthopRoute {
        private Route base;
        private long hi;
        private long lo;
        private Route built;

        Route get(Route r, Family family, long nhHi, long nhLo) {
            if (built == null || base != r || hi != nhHi || lo != nhLo) {
                IpAddress gw = new IpAddress(family, nhHi, nhLo);
                built = r.toBuilder().via(gw).build();
                base = r;
                hi = nhHi;
                lo = nhLo;
            }
            return built;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("seg6local action ").append(action.spelling);
        if (nh4 != null) {
            sb.append(" nh4 ").append(nh4);
        }
        if (nh6 != null) {
            sb.append(" nh6 ").append(nh6);
        }
        if (table > 0) {
            sb.append(" table ").append(table);
        }
        return sb.toString();
    }
}
