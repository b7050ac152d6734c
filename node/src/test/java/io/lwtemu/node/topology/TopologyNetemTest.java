package io.lwtemu.node.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.impair.NetemSpec;
import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.Network;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TopologyNetemTest {
    private static final Path FILE = Path.of("t.yaml");
    private static final String NODES = """
            nodes:
              a: {interfaces: {eth0: {}}}
              b: {interfaces: {eth0: {}}}
            links:
            """;

    @Test
    void shouldApplyOneNetemStringToBothDirections() {
        Topology t = TopologyLoader.parse(FILE, NODES + """
                  - {a: a:eth0, b: b:eth0, netem: "delay 10ms 1ms loss 1%"}
                """);
        NetemSpec expected = NetemSpec.parse("delay 10ms 1ms loss 1%");
        assertThat(t.links().get(0).netemAtoB()).isEqualTo(expected);
        assertThat(t.links().get(0).netemBtoA()).isEqualTo(expected);

        Link l = TopologyBuilder.build(t, s -> { }).links().get(0);
        assertThat(l.aToB().netemSpec()).isEqualTo(expected);
        assertThat(l.bToA().netemSpec()).isEqualTo(expected);
    }

    @Test
    void shouldTakeOneNetemStringPerDirection() {
        Topology t = TopologyLoader.parse(FILE, NODES + """
                  - a: a:eth0
                    b: b:eth0
                    netem:
                      a_to_b: loss gemodel 1% 10%
                """);
        Network net = TopologyBuilder.build(t, s -> { });
        Link l = net.links().get(0);
        assertThat(l.aToB().netemSpec()).isEqualTo(NetemSpec.parse("loss gemodel 1% 10%"));
        assertThat(l.bToA().netemSpec()).isNull();
    }

    @Test
    void shouldReportABadNetemTokenWithItsLocation() {
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, NODES + """
                  - {a: a:eth0, b: b:eth0, netem: "delay 10ms lose 1%"}
                """)).isInstanceOfSatisfying(TopologyException.class, e -> {
                    assertThat(e.line).isEqualTo(5);
                    assertThat(e.getMessage()).contains("bad netem: unknown netem option 'lose'");
                });
        assertThatThrownBy(() -> TopologyLoader.parse(FILE, NODES + """
                  - {a: a:eth0, b: b:eth0, netem: {a_to_c: "loss 1%"}}
                """)).isInstanceOf(TopologyException.class)
                .hasMessageContaining("unknown key 'a_to_c' in a link's netem, expected one of a_to_b, b_to_a");
    }
}
