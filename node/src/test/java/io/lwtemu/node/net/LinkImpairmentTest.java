package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.impair.LinkFlap;
import io.lwtemu.node.impair.NetemSpec;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.proto.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkImpairmentTest {
    private final Network net = new Network("t");
    private final Router a = net.addRouter("a", true, 1, 1, l -> { });
    private final Router b = net.addRouter("b", true, 1, 1, l -> { });
    private final Link link;

    LinkImpairmentTest() {
        NetDevice a0 = a.devices().add("eth0", 1500);
        NetDevice b0 = b.devices().add("eth0", 1500);
        a0.setUp(true);
        b0.setUp(true);
        link = net.connect(a0, a, b0, b, 1_000_000, 0, 1500, 100);
        a.devices().addAddress(a.fib(), "eth0", IpAddress.parse("10.0.0.1"), 24);
        b.devices().addAddress(b.fib(), "eth0", IpAddress.parse("10.0.0.2"), 24);
    }

    private void send(int n, long spacingNs) {
        for (int i = 0; i < n; i++) {
            long at = i * spacingNs;
            TimerTask t = new TimerTask() {
                @Override
                public boolean fire(Router r, long now) {
                    r.originate(PacketBuilder.ipv4("10.0.0.1", "10.0.0.2").udp(1, 5000, new byte[50]), 1);
                    return false;
                }
            };
            t.at = at;
            a.schedule(t);
        }
    }

    private void assertBalanced() {
        long sent = a.flows().sent(1);
        long done = b.flows().delivered(1) + a.flows().dropped(1) + b.flows().dropped(1);
        assertThat(sent).isEqualTo(done);
    }

    @Test
    void shouldCountNetemLossAsALossDropOfTheSender() {
        link.aToB().setNetem(NetemSpec.parse("loss 100%"));
        send(10, 1000);
        net.runUntil(100_000_000L);

        assertThat(b.flows().delivered(1)).isZero();
        assertThat(a.flows().dropped(1, Drops.of(DropReason.LOSS))).isEqualTo(10);
        assertThat(a.deviceOutcomes().dropped(2, Drops.of(DropReason.LOSS))).isEqualTo(10);
        assertThat(link.aToB().netem().lost).isEqualTo(10);
        assertBalanced();
    }

    @Test
    void shouldDeliverDuplicatesAsExtraSentPacketsWithTheSameId() {
        link.aToB().setNetem(NetemSpec.parse("duplicate 100%"));
        List<Long> ids = new ArrayList<>();
        a.setTransport((to, port, p) -> {
            ids.add(p.getId());
            to.port(port).arrive(p);
        });
        send(10, 1000);
        net.runUntil(100_000_000L);

        assertThat(a.flows().sent(1)).isEqualTo(20);
        assertThat(b.flows().delivered(1)).isEqualTo(20);
        assertThat(ids).hasSize(20);
        assertThat(ids.stream().distinct().count()).isEqualTo(10);
        assertBalanced();
    }

    @Test
    void shouldTailDropAtTheNetemLimitAsQueueFull() {
        // Each packet is held 10ms. #1 passes the limit check (0 held), its copy and itself are held; #2 finds
        // 2 held = limit and is dropped before netem decides on a copy.
        link.aToB().setNetem(NetemSpec.parse("delay 10ms duplicate 100% limit 2"));
        send(2, 1000);
        net.runUntil(100_000_000L);

        assertThat(a.flows().sent(1)).isEqualTo(3);
        assertThat(a.flows().dropped(1, Drops.of(DropReason.QUEUE_FULL))).isEqualTo(1);
        assertThat(b.flows().delivered(1)).isEqualTo(2);
        assertThat(link.aToB().queueDrops).isEqualTo(1);
        assertBalanced();
    }

    @Test
    void shouldLetJitteredPacketsOvertakeAndReceiveThemInArrivalOrder() {
        link.aToB().setNetem(NetemSpec.parse("delay 10ms 9ms"));
        List<Long> arrivals = new ArrayList<>();
        b.setTracer(line -> {
            if (line.contains("delivered")) {
                arrivals.add(Math.round(Double.parseDouble(line.trim().split("ms")[0]) * 1e6));
            }
        });
        List<Long> sentOrder = new ArrayList<>();
        a.setTransport((to, port, p) -> {
            sentOrder.add(p.getArriveAtNs());
            to.port(port).arrive(p);
        });
        send(200, 100_000);
        net.runUntil(1_000_000_000L);

        assertThat(b.flows().delivered(1)).isEqualTo(200);
        assertThat(sentOrder).isNotEqualTo(sentOrder.stream().sorted().toList());
        assertThat(arrivals).isSorted();
        assertThat(arrivals).containsExactlyInAnyOrderElementsOf(sentOrder);
    }

    @Test
    void shouldStopImpairingWhenCleared() {
        link.setNetem(NetemSpec.parse("loss 100%"));
        assertThat(link.bToA().netemSpec()).isEqualTo(NetemSpec.parse("loss 100%"));
        link.clearNetem();
        assertThat(link.aToB().netemSpec()).isNull();
        send(10, 1000);
        net.runUntil(100_000_000L);
        assertThat(b.flows().delivered(1)).isEqualTo(10);
        assertThat(link.aToB().netem().lost).isZero();

        link.aToB().setNetem(NetemSpec.parse("loss 100%"));
        send(5, 1000);
        net.runUntil(200_000_000L);
        link.aToB().clearNetem();
        assertThat(link.aToB().netem().lost).isEqualTo(5);
    }

    @Test
    void shouldChangeTheMtuOfBothInterfaces() {
        link.setMtu(576);
        assertThat(a.devices().byName("eth0").mtu()).isEqualTo(576);
        assertThat(b.devices().byName("eth0").mtu()).isEqualTo(576);
        assertThat(link.aToB().mtu()).isEqualTo(576);
    }

    @Test
    void shouldFlapTheLinkDownForAWhileEveryPeriod() {
        List<String> log = new ArrayList<>();
        net.setActionLog(log::add);
        LinkFlap.schedule(net, link, 10_000_000L, 2_000_000L, 5_000_000L, 21_000_000L);
        net.runUntil(50_000_000L);

        assertThat(log).containsExactly(
                "t=0.010000s link a:eth0 <-> b:eth0 down (flap)", "t=0.012000s link a:eth0 <-> b:eth0 up (flap)",
                "t=0.015000s link a:eth0 <-> b:eth0 down (flap)", "t=0.017000s link a:eth0 <-> b:eth0 up (flap)",
                "t=0.020000s link a:eth0 <-> b:eth0 down (flap)", "t=0.021000s link a:eth0 <-> b:eth0 up (flap)");
        assertThat(link.isUp()).isTrue();
    }

    @Test
    void shouldDeriveDifferentStreamsPerDirectionAndSeed() {
        assertThat(Link.directionSeed(1, "a:eth0>b:eth0")).isNotEqualTo(Link.directionSeed(1, "b:eth0>a:eth0"))
                .isNotEqualTo(Link.directionSeed(2, "a:eth0>b:eth0"))
                .isEqualTo(Link.directionSeed(1, "a:eth0>b:eth0"));
    }

    @Test
    void shouldKeepEqualArrivalTimesInSendingOrder() {
        Port p = b.port(2);
        Packet x = Packet.newBuilder().setId(1).setArriveAtNs(30).build();
        Packet y = Packet.newBuilder().setId(2).setArriveAtNs(10).build();
        Packet z = Packet.newBuilder().setId(3).setArriveAtNs(30).build();
        Packet w = Packet.newBuilder().setId(4).setArriveAtNs(20).build();
        for (Packet q : List.of(x, y, z, w)) {
            p.arrive(q);
        }
        List<Long> order = new ArrayList<>();
        p.inFlightPackets().forEach(q -> order.add(q.getId()));
        assertThat(order).containsExactly(2L, 4L, 1L, 3L);
    }
}
