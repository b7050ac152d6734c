package io.lwtemu.node.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.config.ConfigCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyLoaderTest {
    private static final Path FILE = Path.of("t.yaml");

    @Test
    void shouldReadNodesLinksAndTrafficWithDefaults() {
        Topology t = TopologyLoader.parse(FILE, """
                name: demo
                nodes:
                  h1:
                    kind: host
                    interfaces: {eth0: {mtu: 9000}}
                    config: |
                      ip addr add 10.0.1.2/24 dev eth0
                  r1:
                    cpus: 4
                    interfaces: {eth0: {}}
                links:
                  - {a: h1:eth0, b: r1:eth0, bandwidth: 100Mbit}
                traffic:
                  flows:
                    - {from: h1, to: 10.0.1.1, rate: 1Mbit, size: 125}
                  pings:
                    - {from: h1, to: 10.0.1.1}
                """);
        assertThat(t.name()).isEqualTo("demo");
        assertThat(t.nodes().get("h1").kind()).isEqualTo(Topology.Kind.HOST);
        assertThat(t.nodes().get("h1").interfaces().get("eth0").mtu()).isEqualTo(9000);
        assertThat(t.nodes().get("r1").cpus()).isEqualTo(4);
        assertThat(t.nodes().get("h1").config()).singleElement().isInstanceOf(ConfigCommand.AddrAdd.class);
        assertThat(t.nodes().get("h1").fileLine(1)).isEqualTo(7);
        assertThat(t.links().get(0).delayNs()).isEqualTo(TopologyLoader.DEFAULT_DELAY_NS);
        assertThat(t.links().get(0).bandwidthBps()).isEqualTo(100_000_000L);
        assertThat(t.flows().get(0).ratePps()).isEqualTo(1000.0);
        assertThat(t.flows().get(0).name()).isEqualTo("flow1");
        assertThat(t.pings().get(0).count()).isEqualTo(3);
    }

    @Test
    void shouldMapConfigColumnsThroughTheBlockIndentation() {
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, """
                nodes:
                  r1:
                    interfaces: {eth0: {}}
                    config: |
                      ip route add 10.0.2.0/24 via 10.0.1.300
                """)).isInstanceOfSatisfying(TopologyException.class, e -> {
                    assertThat(e.line).isEqualTo(5);
                    assertThat(e.column).isEqualTo(6 + 30);
                });
    }

    @Test
    void shouldRefuseAnInterfaceLinkedTwice() {
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, """
                nodes:
                  a: {interfaces: {e0: {}}}
                  b: {interfaces: {e0: {}}}
                  c: {interfaces: {e0: {}}}
                links:
                  - {a: a:e0, b: b:e0}
                  - {a: a:e0, b: c:e0}
                """)).hasMessage("t.yaml:7:9: interface a:e0 is already linked at line 6 (links are point-to-point)");
    }

    @Test
    void shouldRefuseAZeroDelayBecauseItIsTheLookahead() {
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, """
                nodes:
                  a: {interfaces: {e0: {}}}
                  b: {interfaces: {e0: {}}}
                links:
                  - {a: a:e0, b: b:e0, delay: 0s}
                """)).hasMessageContaining("t.yaml:5:31: link delay must be > 0");
    }

    @Test
    void shouldRefuseDuplicateKeysAndMissingNodes() {
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, "nodes: {}\nnodes: {}\n"))
                .hasMessageContaining("t.yaml:2:1: duplicate key 'nodes' (first at line 1)");
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, "name: x\n"))
                .hasMessageContaining("missing 'nodes:'");
    }
}
