package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.packet.PacketBuilder;
import org.junit.jupiter.api.Test;

class RouterTest {
    /** a (10.0.0.1) -- b (10.0.0.2) -- c (10.0.1.2), b is a host or a router. */
    private static Network net(boolean bIsHost) {
        Network net = new Network("t");
        Router a = net.addRouter("a", true, 1, 1, l -> { });
        Router b = net.addRouter("b", bIsHost, 1, 1, l -> { });
        Router c = net.addRouter("c", true, 1, 1, l -> { });
        NetDevice a0 = up(a.devices().add("eth0", 1500));
        NetDevice b0 = up(b.devices().add("eth0", 1500));
        NetDevice b1 = up(b.devices().add("eth1", 1500));
        NetDevice c0 = up(c.devices().add("eth0", 1500));
        net.connect(a0, a, b0, b, 1000, 0, 1500, 10);
        net.connect(b1, b, c0, c, 1000, 0, 1500, 10);
        a.devices().addAddress(a.fib(), "eth0", IpAddress.parse("10.0.0.1"), 24);
        b.devices().addAddress(b.fib(), "eth0", IpAddress.parse("10.0.0.2"), 24);
        b.devices().addAddress(b.fib(), "eth1", IpAddress.parse("10.0.1.1"), 24);
        c.devices().addAddress(c.fib(), "eth0", IpAddress.parse("10.0.1.2"), 24);
        a.fib().main().add(io.lwtemu.node.fib.Route.builder(io.lwtemu.node.fib.Prefix.parse("0.0.0.0/0", null))
                .via(IpAddress.parse("10.0.0.2")).dev("eth0").build());
        return net;
    }

    private static NetDevice up(NetDevice d) {
        d.setUp(true);
        return d;
    }

    @Test
    void shouldForwardOnARouterAndDropAsNotForwardingOnAHost() {
        for (boolean host : new boolean[] {false, true}) {
            Network net = net(host);
            Router a = net.router("a");
            a.originate(PacketBuilder.ipv4("10.0.0.1", "10.0.1.2").udp(1, 5000, new byte[10]), 1);
            net.runUntil(10_000);
            FlowCounters b = net.router("b").flows();
            FlowCounters c = net.router("c").flows();
            if (host) {
                assertThat(b.dropped(1, Drops.NOT_FORWARDING)).isEqualTo(1);
                assertThat(c.delivered(1)).isZero();
            } else {
                assertThat(c.delivered(1)).isEqualTo(1);
            }
            assertThat(a.flows().sent(1)).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepTheOriginatorsIdAcrossHops() {
        Network net = net(false);
        Router c = net.router("c");
        StringBuilder trace = new StringBuilder();
        c.setTracer(trace::append);
        net.router("a").originate(PacketBuilder.ipv4("10.0.0.1", "10.0.1.2").udp(1, 5000, new byte[10]), 1);
        net.runUntil(10_000);
        assertThat(trace.toString()).contains("c      a#1").contains("delivered dev eth0");
    }
}
