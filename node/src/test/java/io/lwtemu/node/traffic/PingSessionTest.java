package io.lwtemu.node.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PingSessionTest {
    private static Network net(int r1Mtu) {
        Topology t = TopologyLoader.parse(Path.of("t.yaml"), """
                nodes:
                  h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0\\nip route add default via 10.0.1.1"}
                  r1: {interfaces: {eth0: {}, eth1: {}}, config: "ip addr add 10.0.1.1/24 dev eth0\\nip addr add 10.0.2.1/24 dev eth1"}
                  h2: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.2.2/24 dev eth0\\nip route add default via 10.0.2.1"}
                links:
                  - {a: h1:eth0, b: r1:eth0, delay: 250us}
                  - {a: r1:eth1, b: h2:eth0, delay: 250us, mtu: %d}
                """.formatted(r1Mtu));
        return TopologyBuilder.build(t, l -> { });
    }

    private static List<String> ping(Network net, String dst, int size, boolean df) {
        List<String> out = new ArrayList<>();
        Router h1 = net.router("h1");
        PingSession p = new PingSession(h1, IpAddress.parse(dst), 2, size, 1_000_000_000L, 0, df, 1, out::add);
        h1.schedule(p);
        net.runUntil(p.deadline());
        assertThat(p.done(net.now())).isTrue();
        p.finish();
        return out;
    }

    @Test
    void shouldPrintRepliesLikeIputils() {
        assertThat(ping(net(1500), "10.0.2.2", 56, true)).containsExactly(
                "PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.",
                "64 bytes from 10.0.2.2: icmp_seq=1 ttl=63 time=1.00 ms",
                "64 bytes from 10.0.2.2: icmp_seq=2 ttl=63 time=1.00 ms",
                "",
                "--- 10.0.2.2 ping statistics ---",
                "2 packets transmitted, 2 received, 0% packet loss, time 1000ms",
                "rtt min/avg/max/mdev = 1.000/1.000/1.000/0.000 ms");
    }

    @Test
    void shouldReportFragNeededWhenDfIsSetAndTheNextLinkIsSmaller() {
        List<String> out = ping(net(1000), "10.0.2.2", 1200, true);
        assertThat(out).contains("From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1000)",
                "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1000ms");
    }

    @Test
    void shouldGetThroughFragmentedWithoutDf() {
        assertThat(ping(net(1000), "10.0.2.2", 1200, false)).contains(
                "2 packets transmitted, 2 received, 0% packet loss, time 1000ms");
    }
}
