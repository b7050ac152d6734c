package io.lwtemu.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.BpfLwt;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.LwtProgram;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.Icmpv6Header;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shape of the kernel's lwt_ip_encap selftest: ns1 -- ns2 -- ns3, ns2 has no route to the destination on
 * ns3 but reaches ns3's GRE endpoint; an LWT xmit program on ns1 pushes outer IPv4 + keyless GRE (as
 * bpf_lwt_push_encap does, here written by the test's program) and ns3's gre_dev decapsulates, so pings succeed
 * where plain routing fails. The program is a Java lambda; the real eBPF object runs in sim-tests.
 */
class LwtIpEncapTest {
    private final TestNet net = new TestNet();
    private final TestNet.Router ns1 = net.router("ns1");
    private final TestNet.Router ns2 = net.router("ns2");
    private final TestNet.Router ns3 = net.router("ns3");

    @BeforeEach
    void wire() {
        net.link(ns1, "veth1", ns2, "veth2");
        net.link(ns2, "veth3", ns3, "veth4");
        ns1.addDevice("src", 1500);
        ns3.addDevice("dst", 1500);
        ns1.config("""
                ip addr add 172.16.1.100/24 dev veth1
                ip addr add fb01::1/64 dev veth1
                ip addr add 172.16.101.1/24 dev src
                ip addr add fb10::1/64 dev src
                ip route add default via 172.16.1.200 dev veth1
                ip route add ::/0 via fb01::2 dev veth1
                """);
        ns2.config("""
                ip addr add 172.16.1.200/24 dev veth2
                ip addr add fb01::2/64 dev veth2
                ip addr add 172.16.2.200/24 dev veth3
                ip addr add fb02::2/64 dev veth3
                ip route add 172.16.101.0/24 via 172.16.1.100 dev veth2
                ip route add fb10::/64 via fb01::1 dev veth2
                ip route add 172.16.16.100/32 via 172.16.2.100 dev veth3
                """);
        ns3.config("""
                ip addr add 172.16.2.100/24 dev veth4
                ip addr add fb02::1/64 dev veth4
                ip addr add 172.16.103.100/24 dev dst
                ip addr add fb30::100/64 dev dst
                ip route add default via 172.16.2.200 dev veth4
                ip route add ::/0 via fb02::2 dev veth4
                ip link add gre_dev type gre remote 172.16.1.100 local 172.16.16.100 ttl 255
                ip link set gre_dev up
                ip addr add 172.16.16.100/32 dev gre_dev
                """);
    }

    /** encap_gre of test_lwt_ip_encap.c: outer IPv4 (tot_len set by the program) + GRE without key. */
    private static final LwtProgram ENCAP_GRE = (skb, ctx) -> {
        boolean v4 = skb.protocol == SkBuff.ETH_P_IP;
        skb.ensureHeadroom(24);
        skb.data -= 24;
        skb.len += 24;
        byte[] b = skb.head;
        int o = skb.data;
        java.util.Arrays.fill(b, o, o + 24, (byte) 0);
        new Ipv4Header().wrap(b, o).versionAndHeaderLength(20).totalLength(skb.len).ttl(0x40)
                .protocol(IpProtocol.GRE).src(Ipv4Header.parse("172.16.1.100"))
                .dst(Ipv4Header.parse("172.16.16.100")).updateChecksum();
        Bytes.put16(b, o + 22, v4 ? SkBuff.ETH_P_IP : SkBuff.ETH_P_IPV6);
        skb.protocol = SkBuff.ETH_P_IP;
        return ctx.verdict.ret(LwtVerdict.BPF_LWT_REROUTE);
    };

    private void encapRoutes() {
        ns1.fib.main().add(Route.builder(Prefix.parse("172.16.103.100/32", null)).dev("veth1")
                .encap(BpfLwt.xmit(ENCAP_GRE, 0)).build());
        ns1.fib.main().add(Route.builder(Prefix.parse("fb30::100/128", null)).dev("veth1").metric(1024)
                .encap(BpfLwt.xmit(ENCAP_GRE, 0)).build());
    }

    @Test
    void shouldFailPlainPingsAndPassThemThroughTheGreEndpoint() {
        byte[] ping = PacketBuilder.ipv4("172.16.101.5", "172.16.103.100").icmpEchoRequest(1, 1, 56);
        byte[] ping6 = PacketBuilder.ipv6("fb10::5", "fb30::100").icmpEchoRequest(1, 1, 56);
        ns1.inject("src", ping);
        ns1.inject("src", ping6);
        net.run();
        assertThat(ns2.drops(DropReason.NO_ROUTE) + ns2.drops(DropReason.UNREACHABLE)).isEqualTo(2);
        assertThat(ns1.sentOn("src")).hasSize(2);
        assertThat(ns1.sentOn("src").get(0)[20]).as("ICMP unreachable back").isEqualTo((byte) IcmpHeader.DEST_UNREACH);
        assertThat(ns1.sentOn("src").get(1)[40]).as("ICMPv6 unreachable back")
                .isEqualTo((byte) Icmpv6Header.DEST_UNREACH);

        encapRoutes();
        ns1.sent.clear();
        ns1.inject("src", ping);
        net.run();
        byte[] reply = ns1.lastSent("src");
        assertThat(reply[Ipv4Header.PROTOCOL]).isEqualTo((byte) IpProtocol.ICMP);
        assertThat(reply[20]).isEqualTo((byte) IcmpHeader.ECHO_REPLY);
        assertThat(ns3.device("gre_dev").rxPackets).isEqualTo(1);

        ns1.inject("src", ping6);
        net.run();
        byte[] reply6 = ns1.lastSent("src");
        assertThat(reply6[Ipv6Header.NEXT_HEADER]).isEqualTo((byte) IpProtocol.ICMPV6);
        assertThat(reply6[40]).isEqualTo((byte) Icmpv6Header.ECHO_REPLY);
        assertThat(ns3.device("gre_dev").rxPackets).isEqualTo(2);
    }

    @Test
    void shouldFailAgainWhenTheRouteToTheGreEndpointGoes() {
        encapRoutes();
        ns2.config("ip route del 172.16.16.100/32 via 172.16.2.100 dev veth3");
        ns1.inject("src", PacketBuilder.ipv4("172.16.101.5", "172.16.103.100").icmpEchoRequest(1, 1, 56));
        net.run();
        assertThat(ns3.device("gre_dev").rxPackets).isZero();
        assertThat(ns2.drops(DropReason.NO_ROUTE)).isEqualTo(1);
    }
}
