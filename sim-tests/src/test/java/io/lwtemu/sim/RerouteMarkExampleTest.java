package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import org.junit.jupiter.api.Test;

/** topology-examples/reroute-mark: skb->mark + BPF_LWT_REROUTE with a fwmark rule picks table 100. */
class RerouteMarkExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String RULE = "      ip rule add fwmark 1 lookup 100\n";

    @Test
    void shouldLeaveByTheBottomPathWhenTheFwmarkRuleSelectsTable100() {
        ExampleSim sim = ExampleSim.run("reroute-mark", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        // 1000 UDP packets and 3 echo requests are rerouted out of eth2; replies come back over the top link.
        assertThat(rep.interfaces.get("r1:eth2").sent).isEqualTo(1003);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
        assertThat(rep.interfaces.get("r2:eth0").sent).isEqualTo(3);
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(1000);
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldFollowTheMainTableWithoutTheRule() {
        String yaml = ExampleSim.edit(ExampleSim.text("reroute-mark"), RULE, "");
        ExampleSim sim = ExampleSim.run("reroute-mark", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        // The second lookup finds the main route again; the program sees its mark and passes the packet on.
        assertThat(rep.interfaces.get("r1:eth1").sent).isEqualTo(1003);
        assertThat(rep.interfaces.get("r1:eth2").sent).isZero();
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(1000);
        assertThat(rep.totals.droppedTotal()).isZero();
    }
}
