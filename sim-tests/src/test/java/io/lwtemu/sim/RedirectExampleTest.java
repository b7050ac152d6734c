package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import org.junit.jupiter.api.Test;

/** topology-examples/redirect: an LWT xmit program's bpf_redirect() overrides the route's device. */
class RedirectExampleTest {
    private static final long RUN_NS = 3_000_000_000L;
    private static final String ROUTE = "      ip route add 10.0.3.0/24 encap bpf xmit obj redirect.o section lwt_xmit/redirect ";

    @Test
    void shouldLeaveByTheRedirectTargetInsteadOfTheRouteDevice() {
        ExampleSim sim = ExampleSim.run("redirect", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        // the route says dev eth1; the program sends the 1000 UDP packets and 3 echo requests out of eth2
        assertThat(rep.interfaces.get("r1:eth2").sent).isEqualTo(1003);
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(1000);
        assertThat(rep.totals.droppedTotal()).isZero();
    }

    @Test
    void shouldDropAtTheDownTargetWithoutCrashing() {
        String yaml = ExampleSim.edit(ExampleSim.text("redirect"), ROUTE, "      ip link set eth2 down\n" + ROUTE);
        ExampleSim sim = ExampleSim.run("redirect", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("r1").dropsByLabel()).containsExactlyEntriesOf(java.util.Map.of("link_down", 1003L));
        assertThat(rep.interfaces.get("r1:eth2").dropsByLabel()).containsEntry("link_down", 1003L);
        assertThat(rep.interfaces.get("r1:eth2").sent).isZero();
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
        assertThat(rep.flows.get("udp-h1-h2").dropsByLabel()).containsEntry("link_down", 1000L);
    }

    @Test
    void shouldDropWhenTheRedirectTargetDoesNotExist() {
        String yaml = ExampleSim.edit(ExampleSim.text("redirect"), "section lwt_xmit/redirect ", "section lwt_xmit/redirect_missing ");
        ExampleSim sim = ExampleSim.run("redirect", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        assertThat(rep.routers.get("r1").dropsByLabel()).containsExactlyEntriesOf(java.util.Map.of("bpf_redirect_failed", 1003L));
        assertThat(rep.interfaces.get("r1:eth1").sent).isZero();
        assertThat(rep.interfaces.get("r1:eth2").sent).isZero();
    }
}
