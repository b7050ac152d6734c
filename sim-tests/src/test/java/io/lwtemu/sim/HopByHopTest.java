package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.RunReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The h1 - r1 - r2 - r3 - h2 chain seen hop by hop through the routers' tracers (what the old node.sim network was
 * for): where a packet goes, where an LWT program on a middle router drops it, and a plain GRE tunnel from r1 to r3.
 */
class HopByHopTest {
    private static final long RUN_NS = 1_000_000_000L;
    private static final String ONE_PING = "pings:\n  - {from: h1, to: 10.0.3.2, count: 1}\n";

    private static List<String> trace(Sim sim) {
        List<String> lines = new ArrayList<>();
        for (Router r : sim.net.routers()) {
            r.setTracer(lines::add);
        }
        return lines;
    }

    @Test
    void shouldForwardThePingHopByHopAndBringTheReplyBack() {
        Sim sim = Sim.of(Chains.chain(Chains.PLAIN_ROUTE, true, ONE_PING), RUN_NS);
        List<String> lines = trace(sim);
        RunReport rep = sim.run(RUN_NS).check();

        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.0.3.2: icmp_seq=1 ttl=61"));
        assertThat(lines).filteredOn(l -> l.contains("forwarded")).extracting(l -> l.substring(14, 20).trim())
                .containsExactly("r1", "r2", "r3", "h2", "r3", "r2", "r1"); // h2 sends the reply
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldShowWhereAnLwtProgramOnTheMiddleRouterDropsTraffic() {
        String yaml = Chains.chain(Chains.PLAIN_ROUTE, false, ONE_PING).replace("      # none\n",
                "      ip route add 10.0.3.0/24 encap bpf xmit obj drop_all.o section lwt_xmit/drop via 10.0.23.3 dev eth1\n");
        Sim sim = Sim.of(yaml, RUN_NS);
        List<String> lines = trace(sim);
        RunReport rep = sim.run(RUN_NS).check();

        assertThat(sim.out).contains("1 packets transmitted, 0 received, 100% packet loss, time 0ms");
        assertThat(rep.routers.get("r2").dropsByLabel()).containsExactlyEntriesOf(Map.of("bpf_drop", 1L));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("r2").contains("dropped bpf_drop"));
        assertThat(rep.interfaces.get("r2:eth1").sent).isZero();
    }

    @Test
    void shouldCarryThePingThroughAGreTunnelFromR1ToR3() {
        String route = """
                ip link add gre1 type gre local 10.0.12.1 remote 10.0.23.3
                      ip link set dev gre1 up
                      ip route add 10.0.3.0/24 dev gre1""";
        String yaml = Chains.chain(route, false, ONE_PING).replace(
                "ip link add tun0 type ipip local 10.0.23.3 remote 10.0.12.1",
                "ip link add gre1 type gre local 10.0.23.3 remote 10.0.12.1").replace("ip link set tun0 up",
                "ip link set gre1 up");
        Sim sim = Sim.of(yaml, RUN_NS);
        List<String> lines = trace(sim);
        RunReport rep = sim.run(RUN_NS).check();

        // r2 has no route to 10.0.3.0/24: only the GRE outer packet gets past it
        assertThat(sim.out).anySatisfy(l -> assertThat(l).startsWith("64 bytes from 10.0.3.2: icmp_seq=1 ttl=61"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("r2").contains("forwarded").contains("gre"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("r3").contains("decapsulated"));
        assertThat(rep.interfaces.get("r3:gre1").delivered).isZero();
        assertThat(rep.interfaces.get("h2:eth0").delivered).isEqualTo(1);
        assertThat(rep.totals.droppedTotal()).isZero();
    }
}
