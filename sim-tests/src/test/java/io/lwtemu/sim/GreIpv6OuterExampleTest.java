package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** topology-examples/gre-ipv6-outer: keyed ip6gre carrying IPv4 across an IPv6-only core. */
class GreIpv6OuterExampleTest {
    private static final long RUN_NS = 3_000_000_000L;

    @Test
    void shouldPassPingThroughTheKeyedIp6greTunnel() {
        ExampleSim sim = ExampleSim.run("gre-ipv6-outer", RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 3 received, 0% packet loss, time 2000ms");
        assertThat(rep.flows.get("udp-h1-h2").delivered).isEqualTo(1000);
        assertThat(rep.totals.droppedTotal()).isZero();
        // the IPv4 packets enter the tunnel at r1 and cross r2 as IPv6 GRE; the 3 replies come back through r3's end
        assertThat(rep.interfaces.get("r1:gre1").sent).isEqualTo(1003);
        assertThat(rep.interfaces.get("r3:gre1").sent).isEqualTo(3);
        assertThat(rep.interfaces.get("r2:eth1").sent).isEqualTo(1003);
        assertThat(rep.interfaces.get("h2:eth0").delivered).isEqualTo(1003);
    }

    @Test
    void shouldDropAsTunnelKeyMismatchWhenTheEndsDisagreeOnTheKey() {
        String yaml = ExampleSim.edit(ExampleSim.text("gre-ipv6-outer"),
                "remote 2001:db8:12::1 key 7", "remote 2001:db8:12::1 key 8");
        ExampleSim sim = ExampleSim.run("gre-ipv6-outer", yaml, RUN_NS);
        RunReport rep = sim.report();

        assertThat(sim.out).contains("3 packets transmitted, 0 received, 100% packet loss, time 2000ms");
        // r3 has a tunnel with these addresses but key 8: every GRE packet with key 7 is refused there
        assertThat(rep.routers.get("r3").dropsByLabel()).containsExactlyEntriesOf(Map.of("tunnel_key_mismatch", 1003L));
        assertThat(rep.interfaces.get("r3:eth0").dropsByLabel()).containsEntry("tunnel_key_mismatch", 1003L);
        assertThat(rep.totals.dropsByLabel()).containsExactlyEntriesOf(Map.of("tunnel_key_mismatch", 1003L));
        assertThat(rep.interfaces.get("h2:eth0").delivered).isZero();
        // gre_rcv answers with (rate-limited) ICMPv6 port unreachable, which r1 receives
        assertThat(rep.routers.get("r3").sent).isPositive();
        assertThat(rep.routers.get("r1").delivered).isEqualTo(rep.routers.get("r3").sent);
    }
}
