package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.ObjectRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * topology-examples/ipip-3hop as shipped (BpfEncapChainTest checks the same chain built inline): BPF IPIP at r1,
 * decapsulation by r3's ipip device, the per-CPU counters of ipip_encap.c.
 */
class Ipip3hopExampleTest {
    private static final long RUN_NS = 3_000_000_000L;

    @Test
    void shouldCarryTheFlowsAndCountEveryEncapsulatedPacket() {
        ExampleSim sim = ExampleSim.run("ipip-3hop", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(20_000);
        assertThat(rep.totals.droppedTotal()).isZero();
        assertThat(sim.net.router("r3").devices().byName("tun0").rxPackets).isEqualTo(20_003);
        BpfMap stats = ObjectRegistry.of(sim.net.router("r1")).get(0).object().maps().get("encap_stats");
        ByteBuffer v = ByteBuffer.wrap(stats.lookup(new byte[4])).order(ByteOrder.LITTLE_ENDIAN);
        long packets = 0;
        long bytes = 0;
        for (int i = 0; i + 16 <= v.capacity(); i += 16) {
            packets += v.getLong(i);
            bytes += v.getLong(i + 8);
        }
        assertThat(packets).isEqualTo(20_003);
        // skb->len after the push: 20 bytes of outer header on each 500-byte datagram and 84-byte echo
        assertThat(bytes).isEqualTo(20_000L * 520 + 3L * 104);
    }
}
