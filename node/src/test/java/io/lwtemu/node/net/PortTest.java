package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.proto.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortTest {
    private final Router router = new Router(0, "r", false, 1, 1, line -> { });
    private final NetDevice dev = router.devices().add("eth0", 1500);
    private final Port port = new Port(router, dev, new LinkDirection(1000, 0, 1500, 10));

    private static Packet at(long arriveAt, long id) {
        return Packet.newBuilder().setArriveAtNs(arriveAt).setId(id).build();
    }

    private List<Long> drain() {
        List<Long> ids = new ArrayList<>();
        while (port.inFlight() > 0) {
            ids.add(port.poll(new Frame()).id);
        }
        return ids;
    }

    @Test
    void shouldHandOutPacketsInArrivalOrderWhenOneOvertakesOthers() {
        port.arrive(at(10, 1));
        port.arrive(at(30, 2));
        port.arrive(at(30, 3));
        port.arrive(at(20, 4)); // reordered by netem: lands before both packets of time 30
        port.arrive(at(30, 5)); // equal times keep their sending order

        assertThat(port.headTime()).isEqualTo(10);
        assertThat(drain()).containsExactly(1L, 4L, 2L, 3L, 5L);
        assertThat(port.headTime()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldKeepOrderAcrossRingWrapAndGrowth() {
        long id = 0;
        List<Long> expected = new ArrayList<>();
        // Move the ring's head so that later packets wrap around, then outgrow the first array.
        for (int i = 0; i < 10; i++) {
            port.arrive(at(i, id++));
            port.poll(new Frame());
        }
        for (int i = 0; i < 40; i++) {
            port.arrive(at(100 + 2L * i, id));
            expected.add(id++);
        }
        port.arrive(at(101, id)); // overtakes 39 packets
        expected.add(1, id);

        assertThat(port.inFlight()).isEqualTo(41);
        assertThat(port.inFlightPackets()).extracting(Packet::getId).containsExactlyElementsOf(expected);
        assertThat(drain()).containsExactlyElementsOf(expected);
    }
}
