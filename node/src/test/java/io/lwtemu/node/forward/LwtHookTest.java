package io.lwtemu.node.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RoutingRule;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every LWT return code on every hook, with fake programs, against the semantics of net/core/lwt_bpf.c. */
class LwtHookTest {
    private static final int ILLEGAL = 3;
    private TestRouter r;
    private final List<String> runs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        r = new TestRouter();
    }

    private static byte[] ping() {
        return PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 56);
    }

    private LwtProgram returning(int code) {
        return (skb, ctx) -> {
            runs.add(ctx.hook + " " + skb.ifindex + "/" + skb.ingressIfindex);
            return ctx.verdict.ret(code);
        };
    }

    private Route routeWith(BpfLwt lwt) {
        return r.route("10.0.9.0/24", "10.0.2.1", "eth1", lwt);
    }

    private Outcome send() {
        return r.receive(r.eth0, ping());
    }

    // ------------------------------------------------------------------ in

    @Test
    void shouldForwardWhenInReturnsOk() {
        routeWith(BpfLwt.in(returning(LwtVerdict.BPF_OK)));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(runs).containsExactly("IN 2/2");
        assertThat(new Ipv4Header().wrap(r.only().packet(), 0).ttl()).as("in runs before the TTL decrement")
                .isEqualTo(63);
    }

    @Test
    void shouldDropWhenInReturnsDrop() {
        routeWith(BpfLwt.in(returning(LwtVerdict.BPF_DROP)));
        assertThat(send()).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_DROP);
        assertThat(r.sent).as("no ICMP for a BPF drop").isEmpty();
    }

    @Test
    void shouldTreatRedirectOnInAsOkAndWarnOnce() {
        routeWith(new BpfLwt(returning(LwtVerdict.BPF_REDIRECT), "fwd_in", null, null, null, null, 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.log).containsExactly("Illegal redirect return code in prog fwd_in");
    }

    @Test
    void shouldLookUpTheInputRouteAgainWhenInReturnsReroute() {
        routeWith(BpfLwt.in((skb, ctx) -> {
            new Ipv4Header().wrap(skb.head, skb.data).rewriteDst(Ipv4Header.parse("10.0.7.7"));
            return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
        }));
        r.route("10.0.7.0/24", "10.0.3.1", "eth2", null);
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.only().dev()).isEqualTo("eth2");
    }

    @Test
    void shouldDropWhenInRerouteFindsNoRoute() {
        routeWith(BpfLwt.in((skb, ctx) -> {
            new Ipv4Header().wrap(skb.head, skb.data).rewriteDst(Ipv4Header.parse("192.168.0.1"));
            return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
        }));
        assertThat(send()).isEqualTo(Outcome.DROPPED);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.NO_ROUTE);
    }

    @Test
    void shouldDropIllegalReturnValuesOnInAndLogOnce() {
        routeWith(BpfLwt.in(returning(ILLEGAL)));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_ILLEGAL_RETURN);
        send();
        assertThat(r.log).containsExactly("bpf-lwt: Illegal return value 3, expect packet loss");
        assertThat(r.pipeline.counters().drops(DropReason.BPF_ILLEGAL_RETURN)).isEqualTo(2);
    }

    @Test
    void shouldDropOnFaultInAnyHook() {
        routeWith(BpfLwt.in((skb, ctx) -> ctx.verdict.fault("invalid mem access")));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_FAULT);
        routeWith(BpfLwt.out((skb, ctx) -> {
            throw new IllegalStateException("boom");
        }));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_FAULT);
        routeWith(BpfLwt.xmit((skb, ctx) -> null, 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_FAULT);
    }

    // ------------------------------------------------------------------ out

    @Test
    void shouldRunOutAfterTheTtlDecrementAndContinueOnOk() {
        int[] ttlSeen = new int[1];
        routeWith(BpfLwt.out((skb, ctx) -> {
            ttlSeen[0] = new Ipv4Header().wrap(skb.head, skb.data).ttl();
            runs.add(ctx.hook + " " + skb.ifindex + "/" + skb.ingressIfindex);
            return ctx.verdict.ret(LwtVerdict.BPF_OK);
        }));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(ttlSeen[0]).isEqualTo(63);
        assertThat(runs).containsExactly("OUT 2/2");
    }

    @Test
    void shouldDropWhenOutReturnsDrop() {
        routeWith(BpfLwt.out(returning(LwtVerdict.BPF_DROP)));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_DROP);
    }

    @Test
    void shouldTreatRedirectAndRerouteOnOutAsOk() {
        routeWith(new BpfLwt(null, null, returning(LwtVerdict.BPF_REDIRECT), "o", null, null, 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.log).containsExactly("Illegal redirect return code in prog o");
        routeWith(BpfLwt.out(returning(LwtVerdict.BPF_LWT_REROUTE)));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.sent).extracting(TestRouter.Sent::dev).containsExactly("eth1", "eth1");
    }

    @Test
    void shouldDropIllegalReturnValuesOnOut() {
        routeWith(BpfLwt.out(returning(-1)));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_ILLEGAL_RETURN);
        assertThat(r.log).containsExactly("bpf-lwt: Illegal return value 4294967295, expect packet loss");
    }

    // ------------------------------------------------------------------ xmit

    @Test
    void shouldTransmitWhenXmitReturnsOkAndShowTheEgressIfindex() {
        routeWith(BpfLwt.xmit(returning(LwtVerdict.BPF_OK), 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(runs).containsExactly("XMIT 3/2");
    }

    @Test
    void shouldDropWhenXmitReturnsDrop() {
        routeWith(BpfLwt.xmit(returning(LwtVerdict.BPF_DROP), 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_DROP);
        assertThat(r.sent).isEmpty();
    }

    @Test
    void shouldRedirectToTheDeviceBpfRedirectNamed() {
        routeWith(BpfLwt.xmit((skb, ctx) -> ctx.verdict.redirect(r.eth2.ifindex, 0).ret(LwtVerdict.BPF_REDIRECT), 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        TestRouter.Sent s = r.only();
        assertThat(s.dev()).isEqualTo("eth2");
        assertThat(s.route()).as("no route after a redirect").isNull();
    }

    @Test
    void shouldRedirectToIngressWithTheIngressFlag() {
        routeWith(BpfLwt.xmit((skb, ctx) -> ctx.verdict.redirect(r.eth2.ifindex, LwtVerdict.BPF_F_INGRESS)
                .ret(LwtVerdict.BPF_REDIRECT), 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.sent).isEmpty();
        assertThat(r.ingressRedirects).extracting(TestRouter.Sent::dev).containsExactly("eth2");
    }

    @Test
    void shouldDropRedirectWithoutABpfRedirectCall() {
        routeWith(BpfLwt.xmit(returning(LwtVerdict.BPF_REDIRECT), 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_REDIRECT_FAILED);
    }

    @Test
    void shouldDropRedirectToAMissingOrDownDevice() {
        routeWith(BpfLwt.xmit((skb, ctx) -> ctx.verdict.redirect(99, 0).ret(LwtVerdict.BPF_REDIRECT), 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_REDIRECT_FAILED);
        r.eth2.setUp(false);
        routeWith(BpfLwt.xmit((skb, ctx) -> ctx.verdict.redirect(r.eth2.ifindex, 0).ret(LwtVerdict.BPF_REDIRECT), 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LINK_DOWN);
        assertThat(r.eth2.txDropped).isEqualTo(1);
    }

    @Test
    void shouldRerouteOnXmitWithTheMarkAsLwtRerouteTestDoes() {
        // mark 0x42 + fwmark rule -> table 100 -> default via eth2 (tools/testing/selftests/bpf lwt_reroute)
        r.fib.addRoute(Route.builder(Prefix.defaultRoute(Family.INET)).via(IpAddress.parse("10.0.3.1")).dev("eth2")
                .table(100).build());
        r.fib.addRule(new RoutingRule(Family.INET, 100, null, null, 0x42, -1, null, null,
                RoutingRule.Action.TO_TBL, 100));
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            skb.mark = 0x42;
            return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
        }, 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.only().dev()).isEqualTo("eth2");
    }

    @Test
    void shouldDropWhenXmitRerouteHitsAnErrorRoute() {
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            new Ipv4Header().wrap(skb.head, skb.data).rewriteDst(Ipv4Header.parse("10.5.5.5"));
            return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
        }, 0));
        r.fib.addRoute(Route.builder(Prefix.parse("10.5.0.0/16", null)).type(io.lwtemu.node.fib.RouteType.UNREACHABLE)
                .build());
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.UNREACHABLE);
        assertThat(r.sent).as("the kernel only frees the skb").isEmpty();
    }

    @Test
    void shouldStopRerouteLoopsAtTheRecursionLimit() {
        int[] ran = new int[1];
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            ran[0]++;
            return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
        }, 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LWT_RECURSION_LIMIT);
        assertThat(ran[0]).as("as observed on 6.18: the program ran 9 times, then drop").isEqualTo(9);
        assertThat(r.log).containsExactly("lwtunnel_xmit(): recursion limit reached on datapath");
    }

    @Test
    void shouldDropXmitOkAfterTheProtocolChanged() {
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            // like bpf_lwt_push_encap with an IPv6 outer header on an IPv4 packet
            skb.ensureHeadroom(40);
            skb.data -= 40;
            skb.len += 40;
            new Ipv6Header().wrap(skb.head, skb.data).versionClassFlow(0, 0).payloadLength(skb.len - 40)
                    .nextHeader(IpProtocol.IPIP).hopLimit(64);
            skb.protocol = SkBuff.ETH_P_IPV6;
            return ctx.verdict.ret(LwtVerdict.BPF_OK);
        }, 40));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.LWT_PROTOCOL_CHANGED);
    }

    @Test
    void shouldTransmitXmitOkWithAnEncapOfTheSameFamily() {
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            assertThat(skb.headroom()).isGreaterThanOrEqualTo(24);
            byte[] outer = PacketBuilder.ipv4("10.0.2.254", "10.0.2.1").raw(IpProtocol.GRE, new byte[4]);
            skb.data -= 24;
            skb.len += 24;
            System.arraycopy(outer, 0, skb.head, skb.data, 24);
            new Ipv4Header().wrap(skb.head, skb.data).totalLength(skb.len).updateChecksum();
            return ctx.verdict.ret(LwtVerdict.BPF_OK);
        }, 24));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        byte[] out = r.only().packet();
        assertThat(out).hasSize(84 + 24);
        assertThat(new Ipv4Header().wrap(out, 0).protocol()).isEqualTo(IpProtocol.GRE);
    }

    @Test
    void shouldDropIllegalReturnValuesOnXmit() {
        routeWith(BpfLwt.xmit(returning(1), 0));
        send();
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.BPF_ILLEGAL_RETURN);
    }

    @Test
    void shouldSendClonesAndStillHandleTheOriginal() {
        routeWith(BpfLwt.xmit((skb, ctx) -> ctx.verdict.cloneRedirect(SkBuff.of(skb.toByteArray(), 0),
                r.eth2.ifindex, 0).ret(LwtVerdict.BPF_OK), 0));
        assertThat(send()).isEqualTo(Outcome.FORWARDED);
        assertThat(r.sent).extracting(TestRouter.Sent::dev).containsExactly("eth2", "eth1");
        assertThat(r.outcomes).containsExactly("gen FORWARDED eth2", "FORWARDED eth1");
    }

    // ------------------------------------------------------------------ cross-cutting

    @Test
    void shouldHideAndRestoreCbAroundEveryRun() {
        int[] seen = new int[1];
        routeWith(new BpfLwt(null, null, (skb, ctx) -> {
            seen[0] = skb.cb[0];
            skb.cb[0] = 7;
            return ctx.verdict.ret(0);
        }, "o", null, null, 0));
        SkBuff skb = SkBuff.of(ping(), 0);
        skb.cb[0] = 99;
        r.pipeline.receive(r.eth0, skb);
        assertThat(seen[0]).isZero();
        assertThat(skb.cb[0]).isEqualTo(99);
    }

    @Test
    void shouldReducePathMtuByHeadroomOnXmitRoutes() {
        // LWT-FACTS: headroom 100 -> mtu 1400 for DF pings
        routeWith(BpfLwt.xmit(returning(0), 100));
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 1472);
        r.receive(r.eth0, big);
        assertThat(r.pipeline.lastDropReason()).isEqualTo(DropReason.MTU);
        assertThat(new IcmpHeader().wrap(r.only().packet(), 20).mtu()).isEqualTo(1400);
        r.sent.clear();
        byte[] fits = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 1372);
        assertThat(r.receive(r.eth0, fits)).isEqualTo(Outcome.FORWARDED);
    }

    @Test
    void shouldNotReducePathMtuForInOnlyRoutes() {
        routeWith(new BpfLwt(returning(0), "i", null, null, null, null, 100));
        byte[] p = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").dontFragment().icmpEchoRequest(1, 1, 1472);
        assertThat(r.receive(r.eth0, p)).isEqualTo(Outcome.FORWARDED);
    }

    @Test
    void shouldRunXmitOncePerFragment() {
        int[] ran = new int[1];
        routeWith(BpfLwt.xmit((skb, ctx) -> {
            ran[0]++;
            return ctx.verdict.ret(0);
        }, 0));
        r.eth1.mtu(1000);
        byte[] big = PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").icmpEchoRequest(1, 1, 2000);
        r.receive(r.eth0, big);
        assertThat(ran[0]).isEqualTo(3);
        assertThat(r.sent).hasSize(3);
    }

    @Test
    void shouldRunAllThreeHooksInOrder() {
        routeWith(new BpfLwt(returning(0), "i", returning(0), "o", returning(0), "x", 0));
        send();
        assertThat(runs).containsExactly("IN 2/2", "OUT 2/2", "XMIT 3/2");
    }

    @Test
    void shouldRunOutAndXmitOnLocallyGeneratedIcmp() {
        // The route back to the pinging host carries an xmit program: the router's own time exceeded uses it.
        r.route("10.0.1.0/24", null, "eth0", BpfLwt.xmit(returning(LwtVerdict.BPF_DROP), 0));
        r.receive(r.eth0, PacketBuilder.ipv4("10.0.1.1", "10.0.9.9").ttl(1).icmpEchoRequest(1, 1, 8));
        assertThat(runs).containsExactly("XMIT 2/0");
        assertThat(r.outcomes).containsExactly("gen DROPPED bpf_drop", "DROPPED no_route eth0");
    }

    @Test
    void shouldShowRouteNamesLikeIpRouteShow() {
        BpfLwt lwt = new BpfLwt(returning(0), "lwt_in.o:[in]", null, null, returning(0), "x.o:[xmit]", 20);
        assertThat(routeWith(lwt).toString())
                .isEqualTo("10.0.9.0/24 encap bpf in lwt_in.o:[in] xmit x.o:[xmit] via 10.0.2.1 dev eth1");
    }
}
