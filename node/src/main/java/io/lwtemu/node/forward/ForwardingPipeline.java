package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibStatus;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.icmp.IcmpRateLimiter;
import io.lwtemu.node.icmp.IcmpRouteBack;
import io.lwtemu.node.icmp.IcmpSender;
import io.lwtemu.node.icmp.Ipv4Fragmenter;
import io.lwtemu.node.icmp.Reassembler;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The packet path of one router (DESIGN.md "The packet's path"), in plain Java over {@link SkBuff}:
 *
 * <pre>
 * receive: validate (ip_rcv_core / ipv6_rcv) -> input route lookup (policy rules, iif)
 *   -> local?  echo reply, protocol handlers (tunnel decap), host hand-off, reassembly
 *   -> error route: ICMP unreachable (ip_error / ip6_pkt_discard), blackhole silent
 *   -> LWT in  (lwtunnel_input: OK, DROP, REROUTE = input lookup again, REDIRECT = OK + warning)
 *   -> forward: TTL/hop limit, path MTU (minus LWT headroom), decrement (ip_forward / ip6_forward)
 *   -> LWT out (lwtunnel_output: OK, DROP; REROUTE and REDIRECT behave as OK)
 *   -> fragment (IPv4 without DF)
 *   -> LWT xmit per packet/fragment (lwtunnel_xmit: OK unless protocol changed, DROP, REDIRECT, REROUTE =
 *      output lookup with the packet's mark and addresses, then dst_output again)
 *   -> egress device, or the device's {@link DeviceXmit} (a tunnel: encapsulate, then {@link #localOut})
 * </pre>
 *
 * Routes may also carry a non-BPF {@link LwtTunnel} state (seg6, seg6local from {@code io.lwtemu.node.seg6}): it
 * takes the packet over at LWT in / LWT out and continues it through {@link #inputRoute}, {@link #inputVia} or
 * {@link #localOut}.
 *
 * Every packet ends in exactly one {@link Outcome}, counted in {@link ForwardingCounters}, on the devices and
 * reported to the {@link OutcomeListener}. Return codes follow net/core/lwt_bpf.c; "log once" warnings go to
 * the log consumer once per pipeline. Nested LWT hooks (reroute loops) stop at the kernel's recursion limit.
 *
 * <p>Single-threaded (the router's actor calls it); the fast path reuses its lookup result, hook context,
 * verdict and header flyweights and allocates only for generated packets (ICMP) and fragments.
 */
public final class ForwardingPipeline {
    /** XMIT_RECURSION_LIMIT: hooks nest at most this deep; the next one is refused (program ran 9 times). */
    public static final int RECURSION_LIMIT = 8;
    /** Headroom given to packets this router generates. */
    private static final int GENERATED_HEADROOM = 64;
    private static final int IPV6_MIN_MTU = 1280;

    private final Fib fib;
    private final NetDevices devices;
    private final Egress egress;
    private final Consumer<String> log;
    private final LongSupplier clock;
    private final ForwardingCounters counters = new ForwardingCounters();
    private final IcmpSender icmp = new IcmpSender();
    private final IcmpRateLimiter icmpLimiter = IcmpRateLimiter.linuxDefaults();
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();
    private final Reassembler reassembler;
    private final LocalProtocolHandler[] handlers = new LocalProtocolHandler[256];
    private final FibResult res = new FibResult();
    private final FibResult icmpRes = new FibResult();
    private final HookContext ctx = new HookContext();
    private final int[] savedCb = new int[5];
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    /** The route {@link #deviceOf} answered last and its device (instead of a name lookup per packet). */
    private Route devRoute;
    private NetDevice devOfRoute;
    private OutcomeListener listener = (skb, outcome, reason, dev, generated) -> { };

    private int recursion;
    private boolean generating;
    private Outcome primaryOutcome;
    private DropReason primaryReason;
    private boolean warnedIllegalReturn;
    private boolean warnedIllegalRedirect;
    private boolean warnedRecursion;
    private boolean warnedEncap;
    /** Set by {@link #rejectLocal} while a {@link LocalProtocolHandler} runs. */
    private DropReason handlerReject;
    /** Packet capture, or null (no cost beyond the check). */
    private PacketTap tap;

    /**
     * @param log receives the kernel's one-time warnings ("bpf-lwt: Illegal return value 3, expect packet loss")
     * @param clock nanoseconds for the reassembly timeout (virtual time in simulations)
     */
    public ForwardingPipeline(Fib fib, NetDevices devices, Egress egress, Consumer<String> log, LongSupplier clock) {
        this.fib = fib;
        this.devices = devices;
        this.egress = egress;
        this.log = log;
        this.clock = clock;
        this.reassembler = Reassembler.linuxDefaults();
    }

    public ForwardingCounters counters() {
        return counters;
    }

    public Reassembler reassembler() {
        return reassembler;
    }

    /** The per-peer ICMP error limiter (on by default like Linux; disable for "every error" experiments). */
    public IcmpRateLimiter icmpRateLimiter() {
        return icmpLimiter;
    }

    public void setListener(OutcomeListener listener) {
        this.listener = listener;
    }

    public Fib fib() {
        return fib;
    }

    public NetDevices devices() {
        return devices;
    }

    /** Installs a packet capture tap (null removes it). */
    public void setTap(PacketTap tap) {
        this.tap = tap;
    }

    /** Registers the local handler of an IP protocol (tunnel decapsulation). */
    public void setProtocolHandler(int protocol, LocalProtocolHandler handler) {
        handlers[protocol] = handler;
    }

    // ================================================================= ingress

    /**
     * A packet arrives on {@code in}. Returns the outcome of that packet (for a fragmented packet: of its first
     * fragment); generated packets (ICMP, clones) have their own outcomes, seen by the listener.
     */
    public Outcome receive(NetDevice in, SkBuff skb) {
        primaryOutcome = null;
        primaryReason = null;
        in.rxPackets++;
        in.rxBytes += skb.len;
        if (tap != null) {
            tap.tap(PacketTap.Point.INGRESS, in, skb);
        }
        if (!in.isUp()) {
            return dropAndReturn(skb, DropReason.LINK_DOWN, in);
        }
        DropReason bad = validate(skb);
        if (bad != null) {
            return dropAndReturn(skb, bad, in);
        }
        skb.ingressIfindex = in.ifindex;
        skb.ifindex = in.ifindex;
        routeInput(in, skb);
        return primaryOutcome;
    }

    /** Drop reason of the last {@link #receive}d packet, or null when it was not dropped. */
    public DropReason lastDropReason() {
        return primaryReason;
    }

    private Outcome dropAndReturn(SkBuff skb, DropReason reason, NetDevice dev) {
        drop(skb, reason, dev);
        return primaryOutcome;
    }

    /** ip_rcv_core / ipv6_rcv checks; trims the skb to the IP length. */
    private DropReason validate(SkBuff skb) {
        byte[] b = skb.head;
        int off = skb.data;
        if (skb.len < 1) {
            return DropReason.MALFORMED;
        }
        int version = (b[off] & 0xff) >>> 4;
        if (version == 4) {
            if (skb.len < Ipv4Header.MIN_LENGTH) {
                return DropReason.MALFORMED;
            }
            ip4.wrap(b, off);
            int hlen = ip4.headerLength();
            if (hlen < Ipv4Header.MIN_LENGTH || skb.len < hlen) {
                return DropReason.MALFORMED;
            }
            if (!ip4.verifyChecksum()) {
                return DropReason.CHECKSUM;
            }
            int total = ip4.totalLength();
            if (total > skb.len || total < hlen) {
                return DropReason.MALFORMED;
            }
            int src = ip4.src();
            if (Ipv4Header.isMulticast(src) || Ipv4Header.isLimitedBroadcast(src)) {
                return DropReason.MARTIAN_SOURCE;
            }
            skb.len = total;
            skb.protocol = SkBuff.ETH_P_IP;
            return null;
        }
        if (version == 6) {
            if (skb.len < Ipv6Header.LENGTH) {
                return DropReason.MALFORMED;
            }
            ip6.wrap(b, off);
            int total = Ipv6Header.LENGTH + ip6.payloadLength();
            if (total > skb.len) {
                return DropReason.MALFORMED;
            }
            if (Ipv6Header.isMulticast(b, ip6.srcOffset())) {
                return DropReason.MARTIAN_SOURCE;
            }
            skb.len = total;
            skb.protocol = SkBuff.ETH_P_IPV6;
            return null;
        }
        return DropReason.MALFORMED;
    }

    private static boolean isV4(SkBuff skb) {
        return skb.protocol == SkBuff.ETH_P_IP;
    }

    /** ip_route_input: policy lookup with the ingress device, then dst_input. */
    private void routeInput(NetDevice in, SkBuff skb) {
        boolean v4 = isV4(skb);
        if (!v4 && skb.protocol != SkBuff.ETH_P_IPV6) {
            drop(skb, DropReason.MALFORMED, in);
            return;
        }
        lookup(skb, in.name, res);
        FibStatus status = res.status;
        Route r = res.route;
        if (status.isError()) {
            if (r != null) {
                counters.routeHit(r);
            }
            inputError(in, skb, status, r);
            return;
        }
        routeFound(in, skb, r);
    }

    /** After a successful input lookup: count the route, then its LWT in state or dst_input. */
    private void routeFound(NetDevice in, SkBuff skb, Route r) {
        counters.routeHit(r);
        skb.routeRealm = r.realm;
        if (r.encap instanceof BpfLwt bpf && bpf.in() != null) {
            lwtInput(in, skb, r, bpf);
            return;
        }
        if (r.encap instanceof LwtTunnel t && t.redirectsInput()) {
            lwtTunnelInput(in, skb, r, t);
            return;
        }
        dstInput(in, skb, r);
    }

    /** lwtunnel_input for a non-BPF state (seg6, seg6local): the state owns the packet from here. */
    private void lwtTunnelInput(NetDevice in, SkBuff skb, Route r, LwtTunnel t) {
        if (recursion > RECURSION_LIMIT) {
            recursionLimit(skb, in, "lwtunnel_input");
            return;
        }
        recursion++;
        try {
            t.input(this, in, skb, r);
        } finally {
            recursion--;
        }
    }

    // ================================================================= services for tunnels and LWT states

    /**
     * ip_route_input / ip6_route_input + dst_input again for a packet whose headers a tunnel or an SRv6 action
     * rewrote (new destination, pushed or removed headers): {@code skb.protocol} must say the current family.
     */
    public void inputRoute(NetDevice in, SkBuff skb) {
        routeInput(in, skb);
    }

    /**
     * dst_input with a route the caller chose (seg6_lookup_nexthop with a next hop or a table): an error route
     * answers like an input lookup that found it; LWT states of the route run as after a lookup.
     */
    public void inputVia(NetDevice in, SkBuff skb, Route r) {
        if (r.type != RouteType.UNICAST && r.type != RouteType.LOCAL) {
            counters.routeHit(r);
            inputError(in, skb, switch (r.type) {
                case UNREACHABLE -> FibStatus.UNREACHABLE;
                case PROHIBIT -> FibStatus.PROHIBIT;
                default -> FibStatus.BLACKHOLE;
            }, r);
            return;
        }
        routeFound(in, skb, r);
    }

    /**
     * ip_local_out for a packet this router (re)built around an existing skb: a tunnel's outer packet
     * (ip_tunnel_xmit routes it again) or an SRv6 push on output. Output lookup on the packet's destination from
     * "lo", then LWT out/xmit of that route and its device; no TTL decrement. The packet keeps its identity:
     * its outcome is the one of the packet the caller received ({@code in}, null when generated here).
     */
    public void localOut(NetDevice in, SkBuff skb) {
        int version = skb.len < 1 ? 0 : (skb.head[skb.data] & 0xff) >>> 4;
        if (version != 4 && version != 6 || skb.len < (version == 4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH)) {
            drop(skb, DropReason.MALFORMED, in);
            return;
        }
        skb.protocol = version == 4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6;
        outputRoute(in, skb);
    }

    /** kfree_skb_reason for a packet a tunnel or LWT state owns: counted like the pipeline's own drops. */
    public void dropPacket(SkBuff skb, DropReason reason, NetDevice dev) {
        drop(skb, reason, dev);
    }

    /**
     * Called by a {@link LocalProtocolHandler} that consumes its packet as a drop (no tunnel matches, bad key):
     * the handler then returns true and the pipeline counts the drop with {@code reason} instead of a delivery.
     */
    public void rejectLocal(DropReason reason) {
        handlerReject = reason;
    }

    private void dstInput(NetDevice in, SkBuff skb, Route r) {
        if (r.type == RouteType.LOCAL) {
            localDeliver(in, skb);
        } else {
            forward(in, skb, r);
        }
    }

    private void lookup(SkBuff skb, String iif, FibResult out) {
        int off = skb.data;
        if (isV4(skb)) {
            fib.fibLookup(Family.INET, skb.head, off + Ipv4Header.DST, off + Ipv4Header.SRC, skb.mark, iif, null, out);
        } else {
            fib.fibLookup(Family.INET6, skb.head, off + Ipv6Header.DST, off + Ipv6Header.SRC, skb.mark, iif, null,
                    out);
        }
    }

    /**
     * ip_error / ip6_pkt_discard / ip6_pkt_prohibit: ICMP unreachable for error routes; blackhole is silent.
     * {@code r} is null when a rule action (not a route) produced the error.
     */
    private void inputError(NetDevice in, SkBuff skb, FibStatus status, Route r) {
        DropReason reason = reasonFor(status);
        if (status != FibStatus.BLACKHOLE) {
            if (isV4(skb)) {
                // An unreachable route is -EHOSTUNREACH; an unreachable rule action is -ENETUNREACH.
                int code = switch (status) {
                    case UNREACHABLE -> r != null ? IcmpHeader.HOST_UNREACH : IcmpHeader.NET_UNREACH;
                    case PROHIBIT -> IcmpHeader.PKT_FILTERED;
                    default -> IcmpHeader.NET_UNREACH;
                };
                sendGenerated(icmp.destUnreachable(skb.head, skb.data, skb.len, code, icmpSourceV4(skb, in)));
            } else {
                int code = status == FibStatus.PROHIBIT ? Icmpv6Header.ADM_PROHIBITED : Icmpv6Header.NOROUTE;
                sendGenerated(icmp.destUnreachableV6(skb.head, skb.data, skb.len, code, icmpSourceV6(skb, in)));
            }
        }
        drop(skb, reason, in);
    }

    private static DropReason reasonFor(FibStatus status) {
        return switch (status) {
            case UNREACHABLE -> DropReason.UNREACHABLE;
            case PROHIBIT -> DropReason.PROHIBITED;
            case BLACKHOLE -> DropReason.BLACKHOLE;
            default -> DropReason.NO_ROUTE;
        };
    }

    // ================================================================= LWT in

    /** lwtunnel_input + bpf_input. Everything after the program runs nested inside the hook, as in the kernel. */
    private void lwtInput(NetDevice in, SkBuff skb, Route r, BpfLwt bpf) {
        if (recursion > RECURSION_LIMIT) {
            recursionLimit(skb, in, "lwtunnel_input");
            return;
        }
        recursion++;
        try {
            LwtVerdict v = runProgram(LwtHook.IN, bpf.in(), bpf.inName(), skb, r, in, deviceOf(r));
            if (v.fault) {
                drop(skb, DropReason.BPF_FAULT, in);
                return;
            }
            int ret = v.ret;
            switch (ret) {
                case LwtVerdict.BPF_OK -> dstInput(in, skb, r);
                case LwtVerdict.BPF_DROP -> drop(skb, DropReason.BPF_DROP, in);
                case LwtVerdict.BPF_REDIRECT -> {
                    illegalRedirect(bpf.inName());
                    dstInput(in, skb, r);
                }
                case LwtVerdict.BPF_LWT_REROUTE -> routeInput(in, skb);
                default -> illegalReturn(skb, ret, in);
            }
        } finally {
            recursion--;
        }
    }

    // ================================================================= forward

    /** ip_forward / ip6_forward: hop limit, MTU, decrement, then dst_output. */
    private void forward(NetDevice in, SkBuff skb, Route r) {
        NetDevice out = deviceOf(r);
        if (out == null) {
            drop(skb, DropReason.NO_DEVICE, in);
            return;
        }
        byte[] b = skb.head;
        int off = skb.data;
        if (isV4(skb)) {
            ip4.wrap(b, off);
            if (ip4.ttl() <= 1) {
                sendGenerated(icmp.timeExceeded(b, off, skb.len, icmpSourceV4(skb, in)));
                drop(skb, DropReason.TTL_EXPIRED, in);
                return;
            }
            int mtu = pathMtu(r, out);
            ip4.wrap(b, off);
            if (skb.len > mtu && ip4.dontFragment()) {
                sendGenerated(icmp.fragNeeded(b, off, skb.len, mtu, icmpSourceV4(skb, in)));
                drop(skb, DropReason.MTU, in);
                return;
            }
            ip4.wrap(b, off).decrementTtl();
        } else {
            ip6.wrap(b, off);
            if (ip6.hopLimit() <= 1) {
                sendGenerated(icmp.timeExceededV6(b, off, skb.len, icmpSourceV6(skb, in)));
                drop(skb, DropReason.TTL_EXPIRED, in);
                return;
            }
            int mtu = Math.max(IPV6_MIN_MTU, pathMtu(r, out));
            if (skb.len > mtu) {
                sendGenerated(icmp.packetTooBig(b, off, skb.len, mtu, icmpSourceV6(skb, in)));
                drop(skb, DropReason.MTU, in);
                return;
            }
            ip6.wrap(b, off);
            ip6.hopLimit(ip6.hopLimit() - 1);
        }
        dstOutput(in, skb, r, out);
    }

    /** Path MTU of a route: its locked MTU or the device's, minus the LWT headroom (ip_dst_mtu_maybe_forward). */
    public static int pathMtu(Route r, NetDevice out) {
        int mtu = r.mtu > 0 ? r.mtu : out.mtu();
        if (r.encap instanceof BpfLwt bpf) {
            mtu -= bpf.mtuReduction(mtu);
        } else if (r.encap instanceof LwtTunnel t && t.redirectsOutput() && t.headroom() < mtu) {
            mtu -= t.headroom();
        }
        return mtu;
    }

    /** The route's device, or for a gateway-only route the device of the route to the gateway. */
    private NetDevice deviceOf(Route r) {
        if (r.dev != null) {
            if (r == devRoute) {
                return devOfRoute;
            }
            // Devices are never removed or renamed: a device found for a route stays its device.
            NetDevice d = devices.byName(r.dev);
            if (d != null) {
                devRoute = r;
                devOfRoute = d;
            }
            return d;
        }
        if (r.gateway != null) {
            FibTable main = fib.existingTable(r.table);
            Route via = main == null ? null : main.lookup(r.gateway);
            if (via != null && via != r && via.dev != null) {
                return devices.byName(via.dev);
            }
        }
        return null;
    }

    // ================================================================= output

    /** dst_output: LWT out when the route has one, then ip_finish_output. */
    private void dstOutput(NetDevice in, SkBuff skb, Route r, NetDevice out) {
        if (tap != null) {
            tap.tap(PacketTap.Point.EGRESS, out, skb);
        }
        if (r.encap instanceof LwtTunnel t) {
            if (!t.redirectsOutput()) {
                finishOutput(in, skb, r, out, null);
                return;
            }
            if (recursion > RECURSION_LIMIT) {
                recursionLimit(skb, in, "lwtunnel_output");
                return;
            }
            recursion++;
            try {
                t.output(this, in, skb, r, out);
            } finally {
                recursion--;
            }
            return;
        }
        if (r.encap != null && !(r.encap instanceof BpfLwt)) {
            if (!warnedEncap) {
                warnedEncap = true;
                log.accept("lwtemu: encap '" + r.encap + "' is not modelled by the forwarding pipeline, dropping");
            }
            drop(skb, DropReason.UNSUPPORTED_ENCAP, in);
            return;
        }
        BpfLwt bpf = (BpfLwt) r.encap;
        if (bpf == null || bpf.out() == null) {
            finishOutput(in, skb, r, out, bpf);
            return;
        }
        if (recursion > RECURSION_LIMIT) {
            recursionLimit(skb, in, "lwtunnel_output");
            return;
        }
        recursion++;
        try {
            LwtVerdict v = runProgram(LwtHook.OUT, bpf.out(), bpf.outName(), skb, r, in, out);
            if (v.fault) {
                drop(skb, DropReason.BPF_FAULT, in);
                return;
            }
            int ret = v.ret;
            switch (ret) {
                case LwtVerdict.BPF_OK, LwtVerdict.BPF_LWT_REROUTE -> finishOutput(in, skb, r, out, bpf);
                case LwtVerdict.BPF_DROP -> drop(skb, DropReason.BPF_DROP, in);
                case LwtVerdict.BPF_REDIRECT -> {
                    illegalRedirect(bpf.outName());
                    finishOutput(in, skb, r, out, bpf);
                }
                default -> illegalReturn(skb, ret, in);
            }
        } finally {
            recursion--;
        }
    }

    /** ip_finish_output / ip6_finish_output: fragment IPv4 when allowed, refuse oversize otherwise. */
    private void finishOutput(NetDevice in, SkBuff skb, Route r, NetDevice out, BpfLwt bpf) {
        if (out == null) {
            drop(skb, DropReason.NO_DEVICE, in);
            return;
        }
        int mtu = pathMtu(r, out);
        if (skb.len <= mtu || !isV4(skb) && skb.len <= Math.max(mtu, IPV6_MIN_MTU)) {
            finishOutput2(in, skb, r, out, bpf);
            return;
        }
        byte[] b = skb.head;
        int off = skb.data;
        if (!isV4(skb)) {
            sendGenerated(icmp.packetTooBig(b, off, skb.len, Math.max(mtu, IPV6_MIN_MTU), icmpSourceV6(skb, in)));
            drop(skb, DropReason.MTU, in);
            return;
        }
        List<byte[]> frags = fragmenter.fragment(b, off, skb.len, mtu);
        if (fragmenter.status() != Ipv4Fragmenter.Status.FRAGMENTED) {
            if (fragmenter.status() == Ipv4Fragmenter.Status.DF_SET) {
                sendGenerated(icmp.fragNeeded(b, off, skb.len, mtu, icmpSourceV4(skb, in)));
            }
            drop(skb, DropReason.MTU, in);
            return;
        }
        for (byte[] f : frags) {
            SkBuff fs = SkBuff.of(f, Math.max(skb.headroom(), bpf == null ? 0 : bpf.headroom()));
            copyMeta(skb, fs);
            finishOutput2(in, fs, r, out, bpf);
        }
    }

    private static void copyMeta(SkBuff from, SkBuff to) {
        to.mark = from.mark;
        to.priority = from.priority;
        to.protocol = from.protocol;
        to.ifindex = from.ifindex;
        to.ingressIfindex = from.ingressIfindex;
        to.routeRealm = from.routeRealm;
        to.hash = from.hash;
        to.hashValid = from.hashValid;
    }

    /** ip_finish_output2: lwtunnel_xmit when the route has an xmit program, then the device. */
    private void finishOutput2(NetDevice in, SkBuff skb, Route r, NetDevice out, BpfLwt bpf) {
        if (bpf == null || bpf.xmit() == null) {
            transmit(in, skb, r, out);
            return;
        }
        if (recursion > RECURSION_LIMIT) {
            recursionLimit(skb, in, "lwtunnel_xmit");
            return;
        }
        skb.ensureHeadroom(bpf.headroom());
        int protocolBefore = skb.protocol;
        recursion++;
        try {
            LwtVerdict v = runProgram(LwtHook.XMIT, bpf.xmit(), bpf.xmitName(), skb, r, in, out);
            if (v.fault) {
                drop(skb, DropReason.BPF_FAULT, in);
                return;
            }
            int ret = v.ret;
            switch (ret) {
                case LwtVerdict.BPF_OK -> {
                    if (skb.protocol != protocolBefore) {
                        drop(skb, DropReason.LWT_PROTOCOL_CHANGED, in);
                        return;
                    }
                }
                case LwtVerdict.BPF_DROP -> {
                    drop(skb, DropReason.BPF_DROP, in);
                    return;
                }
                case LwtVerdict.BPF_REDIRECT -> {
                    doRedirect(in, skb, v.redirectSet, v.redirectIfindex, v.redirectFlags);
                    return;
                }
                case LwtVerdict.BPF_LWT_REROUTE -> {
                    xmitReroute(in, skb);
                    return;
                }
                default -> {
                    illegalReturn(skb, ret, in);
                    return;
                }
            }
        } finally {
            recursion--;
        }
        transmit(in, skb, r, out);
    }

    /** skb_do_redirect: to the device bpf_redirect() named; without a call, or to a missing device, a drop. */
    private void doRedirect(NetDevice in, SkBuff skb, boolean set, int ifindex, long flags) {
        NetDevice target = set ? devices.byIndex(ifindex) : null;
        if (target == null) {
            drop(skb, DropReason.BPF_REDIRECT_FAILED, in);
            return;
        }
        if (!target.isUp()) {
            target.txDropped++;
            finish(skb, Outcome.DROPPED, DropReason.LINK_DOWN, target);
            return;
        }
        if (skb.macLen > 0) {
            // __bpf_redirect_no_mac: our devices carry L3 packets, so a link-layer header the program pushed
            // (bpf_skb_change_head) is pulled off up to the network header.
            skb.data += skb.macLen;
            skb.len -= skb.macLen;
            skb.macLen = 0;
        }
        if ((flags & LwtVerdict.BPF_F_INGRESS) != 0) {
            egress.receiveLater(target, skb);
            finish(skb, Outcome.FORWARDED, null, target);
            return;
        }
        transmit(in, skb, null, target);
    }

    /** bpf_lwt_xmit_reroute: output lookup with the packet's mark and addresses, then dst_output on the new route. */
    private void xmitReroute(NetDevice in, SkBuff skb) {
        if (skb.protocol != SkBuff.ETH_P_IP && skb.protocol != SkBuff.ETH_P_IPV6) {
            drop(skb, DropReason.MALFORMED, in);
            return;
        }
        outputRoute(in, skb);
    }

    /** Output lookup on the packet's mark and addresses from "lo", then dst_output on the route found. */
    private void outputRoute(NetDevice in, SkBuff skb) {
        lookup(skb, "lo", res);
        FibStatus status = res.status;
        Route r = res.route;
        if (status.isError()) {
            drop(skb, reasonFor(status), in);
            return;
        }
        counters.routeHit(r);
        if (r.type == RouteType.LOCAL) {
            localDeliver(devices.loopback(), skb);
            return;
        }
        NetDevice out = deviceOf(r);
        if (out == null) {
            drop(skb, DropReason.NO_DEVICE, in);
            return;
        }
        dstOutput(in, skb, r, out);
    }

    private void transmit(NetDevice in, SkBuff skb, Route r, NetDevice out) {
        if (!out.isUp()) {
            out.txDropped++;
            finish(skb, Outcome.DROPPED, DropReason.LINK_DOWN, out);
            return;
        }
        skb.ifindex = out.ifindex;
        if (tap != null) {
            tap.tap(PacketTap.Point.AFTER_XMIT, out, skb);
        }
        DeviceXmit xmit = out.xmit();
        if (xmit != null) {
            xmit.xmit(this, in, skb, out);
            return;
        }
        int len = skb.len;
        if (!egress.transmit(out, skb, r)) {
            out.txDropped++;
            finish(skb, Outcome.DROPPED, DropReason.QUEUE_FULL, out);
            return;
        }
        out.txPackets++;
        out.txBytes += len;
        finish(skb, Outcome.FORWARDED, null, out);
    }

    // ================================================================= programs

    /** bpf_prog_run_save_cb with the per-hook ifindex view; a throwing program becomes a fault, never a crash. */
    private LwtVerdict runProgram(LwtHook hook, LwtProgram prog, String name, SkBuff skb, Route r, NetDevice in,
            NetDevice out) {
        // written only when changed: a reference store into this long-lived object costs a G1 barrier with a fence
        if (ctx.hook != hook || ctx.route != r || ctx.programName != name || ctx.ingress != in || ctx.egress != out) {
            ctx.hook = hook;
            ctx.route = r;
            ctx.programName = name;
            ctx.ingress = in;
            ctx.egress = out;
        }
        LwtVerdict verdict = ctx.verdict;
        verdict.reset();
        int[] cb = skb.cb;
        boolean saveCb = !prog.hidesCb();
        if (saveCb) {
            System.arraycopy(cb, 0, savedCb, 0, cb.length);
            java.util.Arrays.fill(cb, 0);
        }
        int inIndex = in == null ? 0 : in.ifindex;
        skb.ingressIfindex = inIndex;
        switch (hook) {
            case IN -> skb.ifindex = in == null ? NetDevices.LOOPBACK_IFINDEX : in.ifindex;
            case OUT -> skb.ifindex = inIndex;
            case XMIT -> skb.ifindex = out == null ? 0 : out.ifindex;
        }
        skb.routeRealm = r.realm;
        LwtVerdict v;
        try {
            v = prog.run(skb, ctx);
            if (v == null) {
                v = verdict.fault("program returned no verdict");
            }
        } catch (RuntimeException e) {
            v = verdict.fault(String.valueOf(e.getMessage()));
            log.accept("bpf-lwt: program " + name + " faulted: " + e);
        }
        if (saveCb) {
            System.arraycopy(savedCb, 0, skb.cb, 0, cb.length);
        }
        if (!v.clones().isEmpty()) {
            applyClones(v.clones());
            v.clones().clear();
        }
        return v;
    }

    private void applyClones(List<LwtVerdict.Clone> clones) {
        // Copy first: sending may run other programs that reuse the verdict.
        LwtVerdict.Clone[] copy = clones.toArray(new LwtVerdict.Clone[0]);
        boolean prev = generating;
        generating = true;
        try {
            for (LwtVerdict.Clone c : copy) {
                doRedirect(null, c.skb(), true, c.ifindex(), c.flags());
            }
        } finally {
            generating = prev;
        }
    }

    private void illegalReturn(SkBuff skb, int ret, NetDevice in) {
        if (!warnedIllegalReturn) {
            warnedIllegalReturn = true;
            log.accept("bpf-lwt: Illegal return value " + Integer.toUnsignedString(ret) + ", expect packet loss");
        }
        drop(skb, DropReason.BPF_ILLEGAL_RETURN, in);
    }

    private void illegalRedirect(String name) {
        if (!warnedIllegalRedirect) {
            warnedIllegalRedirect = true;
            log.accept("Illegal redirect return code in prog " + (name == null ? "<unknown>" : name));
        }
    }

    private void recursionLimit(SkBuff skb, NetDevice in, String where) {
        if (!warnedRecursion) {
            warnedRecursion = true;
            log.accept(where + "(): recursion limit reached on datapath");
        }
        drop(skb, DropReason.LWT_RECURSION_LIMIT, in);
    }

    // ================================================================= local delivery

    /** ip_local_deliver / ip6_input: reassembly, ICMP echo, protocol handlers, host hand-off, unreachable. */
    private void localDeliver(NetDevice in, SkBuff skb) {
        byte[] b = skb.head;
        int off = skb.data;
        int protocol;
        int l4;
        if (isV4(skb)) {
            ip4.wrap(b, off);
            if (ip4.isFragment()) {
                byte[] whole = reassembler.add(b, off, skb.len, clock.getAsLong());
                if (whole == null) {
                    Reassembler.Status st = reassembler.status();
                    if (st == Reassembler.Status.QUEUED) {
                        finish(skb, Outcome.DELIVERED, null, in);
                    } else {
                        drop(skb, DropReason.FRAG_REASM, in);
                    }
                    return;
                }
                SkBuff ws = SkBuff.of(whole, skb.headroom());
                copyMeta(skb, ws);
                skb = ws;
                b = skb.head;
                off = skb.data;
                ip4.wrap(b, off);
            }
            protocol = ip4.protocol();
            l4 = off + ip4.headerLength();
            if (protocol == IpProtocol.ICMP && l4 < off + skb.len && (b[l4] & 0xff) == IcmpHeader.ECHO) {
                sendGenerated(icmp.echoReply(b, off, skb.len));
                finish(skb, Outcome.DELIVERED, null, in);
                return;
            }
        } else {
            ip6.wrap(b, off);
            if (ip6.findExtension(IpProtocol.FRAGMENT, off + skb.len) >= 0) {
                byte[] whole = reassembler.add(b, off, skb.len, clock.getAsLong());
                Reassembler.Status st = reassembler.status();
                if (whole == null) {
                    if (st == Reassembler.Status.QUEUED) {
                        finish(skb, Outcome.DELIVERED, null, in);
                    } else {
                        drop(skb, st == Reassembler.Status.DUPLICATE || st == Reassembler.Status.OVERLAP
                                || st == Reassembler.Status.OVER_MEMORY || st == Reassembler.Status.OVERSIZED
                                ? DropReason.FRAG_REASM : DropReason.MALFORMED, in);
                    }
                    return;
                }
                if (st == Reassembler.Status.COMPLETE) {
                    SkBuff ws = SkBuff.of(whole, skb.headroom());
                    copyMeta(skb, ws);
                    skb = ws;
                    b = skb.head;
                    off = skb.data;
                    ip6.wrap(b, off);
                }
            }
            long ul = ip6.upperLayer(off + skb.len);
            if (ul < 0) {
                drop(skb, DropReason.MALFORMED, in);
                return;
            }
            protocol = (int) (ul >>> 32);
            l4 = (int) ul;
            if (protocol == IpProtocol.ICMPV6 && l4 < off + skb.len
                    && (b[l4] & 0xff) == Icmpv6Header.ECHO_REQUEST) {
                IpAddress src = in == null ? null : in.primaryAddress(Family.INET6);
                sendGenerated(icmp.echoReplyV6(b, off, skb.len, src == null ? null : src.toBytes()));
                finish(skb, Outcome.DELIVERED, null, in);
                return;
            }
        }
        LocalProtocolHandler h = handlers[protocol];
        if (h != null) {
            DropReason outerReject = handlerReject;
            handlerReject = null;
            boolean consumed = h.handle(skb, in, l4);
            DropReason reject = handlerReject;
            handlerReject = outerReject;
            if (consumed) {
                if (reject != null) {
                    drop(skb, reject, in);
                } else {
                    finish(skb, Outcome.DELIVERED, null, in);
                }
                return;
            }
        }
        if (egress.deliverLocal(in, skb, protocol)) {
            finish(skb, Outcome.DELIVERED, null, in);
            return;
        }
        if (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) {
            // icmp_rcv consumes replies and errors nobody waits for.
            finish(skb, Outcome.DELIVERED, null, in);
            return;
        }
        boolean transport = protocol == IpProtocol.UDP || protocol == IpProtocol.TCP;
        if (protocol != IpProtocol.TCP) { // TCP answers with a RST, not modelled
            if (isV4(skb)) {
                int code = transport ? IcmpHeader.PORT_UNREACH : IcmpHeader.PROT_UNREACH;
                sendGenerated(icmp.destUnreachable(b, off, skb.len, code, Bytes.i32(b, off + Ipv4Header.DST)));
            } else {
                byte[] src = new byte[16];
                System.arraycopy(b, off + Ipv6Header.DST, src, 0, 16);
                if (transport) {
                    sendGenerated(icmp.destUnreachableV6(b, off, skb.len, Icmpv6Header.PORT_UNREACH, src));
                } else {
                    // Parameter problem, unrecognized next header, pointing at the next-header field.
                    sendGenerated(icmp.icmpv6Send(b, off, skb.len, Icmpv6Header.PARAMPROB, 1, Ipv6Header.NEXT_HEADER,
                            src));
                }
            }
        }
        drop(skb, transport ? DropReason.NO_SOCKET : DropReason.UNHANDLED_PROTO, in);
    }

    /**
     * Timer work: drops reassembly queues past ipfrag_time and answers those that had their first fragment with
     * ICMP "fragment reassembly time exceeded" (ip_expire / ip6_frag_expire). Returns how many expired.
     */
    public int expireFragments() {
        List<Reassembler.Expired> expired = reassembler.expire(clock.getAsLong());
        for (Reassembler.Expired e : expired) {
            byte[] first = e.firstFragment();
            if (first == null) {
                continue;
            }
            if (e.v6()) {
                byte[] src = new byte[16];
                System.arraycopy(first, Ipv6Header.DST, src, 0, 16);
                sendGenerated(icmp.icmpv6Send(first, 0, first.length, Icmpv6Header.TIME_EXCEED,
                        Icmpv6Header.EXC_FRAGTIME, 0, src));
            } else {
                sendGenerated(icmp.icmpSend(first, 0, first.length, IcmpHeader.TIME_EXCEEDED,
                        IcmpHeader.EXC_FRAGTIME, 0, Bytes.i32(first, Ipv4Header.DST)));
            }
        }
        return expired.size();
    }

    // ================================================================= generated packets

    /**
     * Sends a message the kernel builds (ICMP errors and echo replies, whoever built them: the pipeline, a tunnel,
     * an SRv6 action) through ip_local_out: output route lookup from "lo", LWT out/xmit of that route, no TTL
     * decrement. Null is ignored (an ICMP error Linux would not send). Like icmp_send / icmp_reply / icmp6_send,
     * the route back comes first: with none, no message exists and nothing is counted (the offending packet has
     * its own outcome); then ICMP messages pass the per-peer rate limit.
     */
    public void sendGenerated(byte[] packet) {
        if (packet == null || !IcmpRouteBack.routable(fib, packet, icmpRes) || !icmpAllowed(packet)) {
            return;
        }
        send(packet);
    }

    /**
     * Sends a packet an application on this host originates (ip_local_out, as {@link #sendGenerated} but neither
     * rate-limited nor dropped silently: without a route it is counted as a no_route drop, where sendto fails).
     */
    public void sendOriginated(byte[] packet) {
        send(packet);
    }

    /** {@link #sendOriginated(byte[])} for a packet already in an skb with headroom (no copy). */
    public void sendOriginated(SkBuff skb) {
        boolean prev = generating;
        generating = true;
        try {
            localOut(null, skb);
        } finally {
            generating = prev;
        }
    }

    private void send(byte[] packet) {
        sendOriginated(SkBuff.of(packet, GENERATED_HEADROOM));
    }

    /**
     * icmpv4_xrlim_allow / icmpv6_xrlim_allow: false when {@code p} is an ICMP message of a rate-limited type
     * (the ratemasks: errors, not echo replies; never frag-needed / packet-too-big) and its destination's bucket
     * is empty. Other packets always pass.
     */
    private boolean icmpAllowed(byte[] p) {
        int version = p.length < 1 ? 0 : (p[0] & 0xff) >>> 4;
        if (version == 4) {
            int hlen = (p[0] & 0xf) * 4;
            if (p.length < Math.max(hlen, Ipv4Header.MIN_LENGTH) + 2
                    || (p[Ipv4Header.PROTOCOL] & 0xff) != IpProtocol.ICMP) {
                return true;
            }
            return icmpLimiter.allowV4(p[hlen] & 0xff, p[hlen + 1] & 0xff, Bytes.i32(p, Ipv4Header.DST),
                    clock.getAsLong());
        }
        if (version != 6 || p.length < Ipv6Header.LENGTH + 1
                || (p[Ipv6Header.NEXT_HEADER] & 0xff) != IpProtocol.ICMPV6) {
            return true;
        }
        int type = p[Ipv6Header.LENGTH] & 0xff;
        if (!Icmpv6Header.isError(type)) {
            return true;
        }
        fib.fibLookup(Family.INET6, p, Ipv6Header.DST, -1, 0, "lo", null, icmpRes);
        int plen = icmpRes.route == null ? 128 : icmpRes.route.prefix.length();
        return icmpLimiter.allowV6(type, Bytes.i64(p, Ipv6Header.DST), Bytes.i64(p, Ipv6Header.DST + 8), plen,
                clock.getAsLong());
    }

    /**
     * Source for an ICMPv4 error: the packet's destination when it is ours, else the preferred source of the route
     * back to the sender, else the primary address of that route's device, else of the ingress device.
     */
    private int icmpSourceV4(SkBuff skb, NetDevice in) {
        byte[] b = skb.head;
        int off = skb.data;
        fib.fibLookup(Family.INET, b, off + Ipv4Header.DST, -1, 0, "lo", null, icmpRes);
        if (icmpRes.status == FibStatus.LOCAL) {
            return Bytes.i32(b, off + Ipv4Header.DST);
        }
        IpAddress a = sourceTowards(Family.INET, b, off + Ipv4Header.SRC, in);
        return a == null ? 0 : a.v4();
    }

    private byte[] icmpSourceV6(SkBuff skb, NetDevice in) {
        byte[] b = skb.head;
        int off = skb.data;
        fib.fibLookup(Family.INET6, b, off + Ipv6Header.DST, -1, 0, "lo", null, icmpRes);
        byte[] out = new byte[16];
        if (icmpRes.status == FibStatus.LOCAL) {
            System.arraycopy(b, off + Ipv6Header.DST, out, 0, 16);
            return out;
        }
        IpAddress a = sourceTowards(Family.INET6, b, off + Ipv6Header.SRC, in);
        if (a != null) {
            a.write(out, 0);
        }
        return out;
    }

    private IpAddress sourceTowards(Family family, byte[] b, int addrOff, NetDevice in) {
        fib.fibLookup(family, b, addrOff, -1, 0, "lo", null, icmpRes);
        if (!icmpRes.status.isError() && icmpRes.route != null) {
            Route back = icmpRes.route;
            if (back.prefSrc != null) {
                return back.prefSrc;
            }
            NetDevice d = deviceOf(back);
            IpAddress a = d == null ? null : d.primaryAddress(family);
            if (a != null) {
                return a;
            }
        }
        IpAddress a = in == null ? null : in.primaryAddress(family);
        if (a != null) {
            return a;
        }
        for (NetDevice d : devices.all()) {
            a = d.primaryAddress(family);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    // ================================================================= outcomes

    private void drop(SkBuff skb, DropReason reason, NetDevice dev) {
        if (dev != null && !generating) {
            dev.rxDropped++;
        }
        finish(skb, Outcome.DROPPED, reason, dev);
    }

    private void finish(SkBuff skb, Outcome outcome, DropReason reason, NetDevice dev) {
        counters.count(outcome, reason);
        if (!generating && primaryOutcome == null) {
            primaryOutcome = outcome;
            primaryReason = reason;
        }
        listener.onOutcome(skb, outcome, reason, dev, generating);
    }
}
