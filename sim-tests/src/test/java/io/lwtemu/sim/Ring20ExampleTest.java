package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.ObjectRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** topology-examples/ring-20: IPIP by an LWT xmit program from r1 to r11 across a 20-router ring, lengths at r6. */
class Ring20ExampleTest {
    private static final long RUN_NS = 3_000_000_000L;

    @Test
    void shouldDeliverEveryFlowAroundTheRing() {
        ExampleSim sim = ExampleSim.run("ring-20", RUN_NS);
        RunReport rep = sim.report();

        assertThat(rep.totals.droppedTotal()).isZero();
        assertThat(rep.totals.inFlight).isZero();
        assertThat(rep.flows.get("hA-hB").delivered).isEqualTo(2000);
        assertThat(rep.flows.get("hC-hD").delivered).isEqualTo(1000);
        assertThat(rep.flows.get("hD-hA").delivered).isEqualTo(1000);
        // the replies cross 11 routers each (TTL 64 - 11)
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.11.0.2: icmp_seq=1 ttl=53 "));
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.16.0.2: icmp_seq=1 ttl=53 "));
        assertThat(sim.out).filteredOn(l -> l.startsWith("3 packets transmitted, 3 received, 0% packet loss")).hasSize(2);
    }

    @Test
    void shouldCrossTheFirstHalfOnlyInsideTheTunnel() {
        ExampleSim sim = ExampleSim.run("ring-20", RUN_NS);
        RunReport rep = sim.report();

        // r2..r10 know nothing of 10.11.0.0/24, yet the 2003 packets to hB pass them all: IPIP with 20 more bytes
        long tunnelled = 2000L * (500 + 20) + 3L * (84 + 20);
        // (and hD's 3 echo replies to hC, which go round clockwise too)
        assertThat(sim.net.router("r5").devices().byName("eth1").txBytes).as("r5 -> r6")
                .isEqualTo(tunnelled + 3 * 84);
        assertThat(rep.interfaces.get("r11:tun0").delivered).isZero();
        assertThat(sim.net.router("r11").devices().byName("tun0").rxPackets).isEqualTo(2003);
        BpfMap encap = ObjectRegistry.of(sim.net.router("r1")).get(0).object().maps().get("encap_packets");
        assertThat(ByteBuffer.wrap(encap.lookup(new byte[4])).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(2003);
    }

    @Test
    void shouldCountPacketLengthsInR6sOutProgram() {
        ExampleSim sim = ExampleSim.run("ring-20", RUN_NS);
        sim.report();

        BpfMap hist = ObjectRegistry.of(sim.net.router("r6")).get(0).object().maps().get("lwt_len_hist_map");
        assertThat(perCpuSum(hist, 7)).as("1000 UDP packets of 200 bytes: log2 = 7").isEqualTo(1000);
        assertThat(perCpuSum(hist, 6)).as("3 echo requests of 84 bytes: log2 = 6").isEqualTo(3);
    }

    @Test
    void shouldLoseHbWhenR1RoutesItPlainly() {
        String yaml = ExampleSim.edit(ExampleSim.text("ring-20"),
                "ip route add 10.11.0.0/24 encap bpf xmit obj ring_ipip.o section lwt_xmit/ipip headroom 20 via",
                "ip route add 10.11.0.0/24 via");
        ExampleSim sim = ExampleSim.run("ring-20", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(rep.interfaces.get("hB:eth0").delivered).isZero();
        assertThat(rep.routers.get("r2").dropsByLabel()).containsEntry("no_route", 2003L);
        assertThat(sim.out).contains("From 10.100.1.2 icmp_seq=1 Destination Net Unreachable");
        assertThat(rep.flows.get("hC-hD").delivered).isEqualTo(1000);
    }

    private static long perCpuSum(BpfMap map, long bucket) {
        byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bucket).array();
        byte[] v = map.lookup(key);
        if (v == null) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int i = 0; i + 8 <= v.length; i += 8) {
            sum += b.getLong(i);
        }
        return sum;
    }
}
