package io.lwtemu.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.BpfLwt;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.packet.IcmpHeader;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.PacketBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three routers in a line: host A - r1 - r2 - r3 - host B. */
class SimNetworkTest {
    private SimNetwork net;

    @BeforeEach
    void setUp() {
        net = new SimNetwork();
        net.router("r1").interfaces("eth0", "eth1").configure("""
                ip link set dev eth0 up
                ip link set dev eth1 up
                ip addr add 10.0.1.254/24 dev eth0
                ip addr add 10.0.12.1/24 dev eth1
                ip route add default via 10.0.12.2 dev eth1
                """);
        net.router("r2").interfaces("eth0", "eth1").configure("""
                ip link set dev eth0 up
                ip link set dev eth1 up
                ip addr add 10.0.12.2/24 dev eth0
                ip addr add 10.0.23.2/24 dev eth1
                ip route add 10.0.1.0/24 via 10.0.12.1 dev eth0
                ip route add 10.0.4.0/24 via 10.0.23.3 dev eth1
                """);
        net.router("r3").interfaces("eth0", "eth1").configure("""
                ip link set dev eth0 up
                ip link set dev eth1 up
                ip addr add 10.0.23.3/24 dev eth0
                ip addr add 10.0.4.254/24 dev eth1
                ip route add default via 10.0.23.2 dev eth0
                """);
        net.link("r1", "eth1", "r2", "eth0").link("r2", "eth1", "r3", "eth0");
    }

    @Test
    void shouldDeliverAPingHopByHopAndBringTheReplyBack() {
        net.inject("r1", "eth0", PacketBuilder.ipv4("10.0.1.1", "10.0.4.254").icmpEchoRequest(1, 1, 56)).run();
        assertThat(net.trace()).containsExactly(
                "r1: FORWARDED eth1 10.0.1.1 > 10.0.4.254 icmp",
                "r2: FORWARDED eth1 10.0.1.1 > 10.0.4.254 icmp",
                "r3: FORWARDED eth0 10.0.4.254 > 10.0.1.1 icmp (generated)",
                "r3: DELIVERED eth0 10.0.1.1 > 10.0.4.254 icmp",
                "r2: FORWARDED eth0 10.0.4.254 > 10.0.1.1 icmp",
                "r1: FORWARDED eth0 10.0.4.254 > 10.0.1.1 icmp");
        byte[] reply = net.hostInbox("r1", "eth0").get(0);
        assertThat(new IcmpHeader().wrap(reply, 20).type()).isEqualTo(IcmpHeader.ECHO_REPLY);
        assertThat(new Ipv4Header().wrap(reply, 0).ttl()).isEqualTo(62);
    }

    @Test
    void shouldAnswerATracerouteProbeFromTheHopWhereTtlRunsOut() {
        net.inject("r1", "eth0", PacketBuilder.ipv4("10.0.1.1", "10.0.4.1").ttl(2).udp(40000, 33435, new byte[4]))
                .run();
        byte[] err = net.hostInbox("r1", "eth0").get(0);
        assertThat(new IcmpHeader().wrap(err, 20).type()).isEqualTo(IcmpHeader.TIME_EXCEEDED);
        assertThat(Ipv4Header.format(new Ipv4Header().wrap(err, 0).src())).isEqualTo("10.0.12.2");
        assertThat(net.trace()).contains("r2: DROPPED ttl_expired eth0 10.0.1.1 > 10.0.4.1 udp");
    }

    @Test
    void shouldShowWhereAnLwtProgramDropsTraffic() {
        net.router("r2").fib.replaceRoute(Route.builder(Prefix.parse("10.0.4.0/24", null))
                .via(IpAddress.parse("10.0.23.3")).dev("eth1")
                .encap(BpfLwt.xmit((skb, ctx) -> ctx.verdict.ret(LwtVerdict.BPF_DROP), 0)).build());
        net.inject("r1", "eth0", PacketBuilder.ipv4("10.0.1.1", "10.0.4.1").icmpEchoRequest(1, 1, 8)).run();
        assertThat(net.trace()).containsExactly(
                "r1: FORWARDED eth1 10.0.1.1 > 10.0.4.1 icmp",
                "r2: DROPPED bpf_drop eth0 10.0.1.1 > 10.0.4.1 icmp");
        assertThat(net.hostInbox("r1", "eth0")).isEmpty();
    }

    @Test
    void shouldCarryTrafficThroughAGreTunnelAndBack() {
        net.router("r1").configure("""
                ip link add gre1 type gre local 10.0.12.1 remote 10.0.23.3
                ip link set dev gre1 up
                ip route add 10.0.4.0/24 dev gre1
                """);
        net.router("r3").configure("""
                ip link add gre1 type gre local 10.0.23.3 remote 10.0.12.1
                ip link set dev gre1 up
                """);
        net.inject("r1", "eth0", PacketBuilder.ipv4("10.0.1.1", "10.0.4.1").icmpEchoRequest(1, 1, 8)).run();
        assertThat(net.trace()).as("the inner packet is queued behind the outer one's delivery").containsSubsequence(
                "r1: FORWARDED eth1 10.0.12.1 > 10.0.23.3 gre",
                "r2: FORWARDED eth1 10.0.12.1 > 10.0.23.3 gre",
                "r3: DELIVERED eth0 10.0.12.1 > 10.0.23.3 gre",
                "r3: FORWARDED eth1 10.0.1.1 > 10.0.4.1 icmp");
        byte[] atB = net.hostInbox("r3", "eth1").get(0);
        assertThat(new Ipv4Header().wrap(atB, 0).protocol()).isEqualTo(IpProtocol.ICMP);
        assertThat(new Ipv4Header().wrap(atB, 0).ttl()).as("r1 and r3 forward the inner packet").isEqualTo(62);
    }
}
