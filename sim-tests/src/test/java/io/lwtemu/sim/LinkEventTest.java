package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.report.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinkEventTest {
    private static final String TRAFFIC = """
            flows:
              - {name: f, from: h1, to: 10.0.3.2, size: 200, rate: 10kpps, count: 3000}
            """;

    private static String topology() {
        return Chains.chain(Chains.IPIP_ROUTE, false, TRAFFIC) + """
                events:
                  - {at: 100ms, link: r2:eth1, state: down}
                  - {at: 200ms, link: r3:eth0, state: up}
                """;
    }

    @Test
    void shouldDropWhileTheLinkIsDownAndRecoverAfterwards() {
        Sim sim = Sim.of(topology(), 400_000_000L);
        List<String> actions = new ArrayList<>();
        sim.net.setActionLog(actions::add);
        RunReport rep = sim.run(400_000_000L).check();

        assertThat(actions).containsExactly("t=0.100000s link r2:eth1 <-> r3:eth0 down",
                "t=0.200000s link r2:eth1 <-> r3:eth0 up");
        Tally f = rep.flows.get("f");
        // 100 ms at 10 kpps: ~1000 packets meet the down link at r2 (no carrier), plus those on the wire.
        assertThat(f.dropsByLabel().get("link_down")).isBetween(1000L, 1030L);
        assertThat(rep.interfaces.get("h2:eth0").delivered).isEqualTo(3000 - f.dropsByLabel().get("link_down"));
    }

    @Test
    void shouldApplyEventsTheSameWayOnActors() throws Exception {
        Sim seq = Sim.of(topology(), 400_000_000L);
        RunReport expected = seq.run(400_000_000L).check();

        Sim par = Sim.of(topology(), 400_000_000L);
        try (ActorDriver d = new ActorDriver(par.net)) {
            d.runUntil(400_000_000L).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        RunReport actual = RunReport.of(par.net).check();
        assertThat(actual.toJsonString()).isEqualTo(expected.toJsonString());
    }
}
