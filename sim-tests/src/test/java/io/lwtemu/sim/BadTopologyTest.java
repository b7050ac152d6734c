package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.topology.TopologyException;
import org.junit.jupiter.api.Test;

class BadTopologyTest {
    private static TopologyException load(String yaml) {
        try {
            Sim.of(yaml, 0);
        } catch (TopologyException e) {
            return e;
        }
        throw new AssertionError("no error for:\n" + yaml);
    }

    @Test
    void shouldNameLineAndColumnOfAnUnknownKey() {
        assertThatThrownBy(() -> Sim.of("""
                nodes:
                  r1:
                    interfaces: {eth0: {}}
                    confg: x
                """, 0)).isInstanceOf(TopologyException.class)
                .hasMessageEndingWith("inline-test.yaml:4:5: unknown key 'confg' in node 'r1', expected one of kind,"
                        + " cpus, interfaces, config");
    }

    @Test
    void shouldMapAConfigBlockErrorToTheFileLine() {
        TopologyException e = load("""
                nodes:
                  r1:
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.1.1/24 dev eth0
                      ip route add 10.0.2.0/24 vai 10.0.1.2
                """);
        org.assertj.core.api.Assertions.assertThat(e.line).isEqualTo(6);
        org.assertj.core.api.Assertions.assertThat(e.column).isGreaterThan(30);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("node r1:").contains("vai");
    }

    @Test
    void shouldNameTheRouteLineWhenTheBpfSectionDoesNotExist() {
        TopologyException e = load("""
                nodes:
                  r1:
                    interfaces: {eth0: {}}
                    config: |
                      ip addr add 10.0.1.1/24 dev eth0
                      ip route add 10.0.3.0/24 encap bpf xmit obj ipip_encap.o section nope dev eth0
                """);
        org.assertj.core.api.Assertions.assertThat(e.line).isEqualTo(6);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("cannot load BPF program")
                .contains("nope").contains("lwt_xmit/ipip");
    }

    @Test
    void shouldRefuseALinkToAMissingInterface() {
        TopologyException e = load("""
                nodes:
                  r1: {interfaces: {eth0: {}}}
                  r2: {interfaces: {eth0: {}}}
                links:
                  - {a: r1:eth0, b: r2:eth9}
                """);
        org.assertj.core.api.Assertions.assertThat(e.line).isEqualTo(5);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("node r2 has no interface 'eth9' (has: eth0)");
    }

    @Test
    void shouldReportYamlSyntaxErrorsWithTheirLocation() {
        TopologyException e = load("nodes:\n  r1: {interfaces: [\n");
        org.assertj.core.api.Assertions.assertThat(e.line).isGreaterThan(1);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("YAML syntax error");
    }

    @Test
    void shouldRefuseABadRate() {
        TopologyException e = load("""
                nodes:
                  h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0"}
                traffic:
                  flows:
                    - {from: h1, to: 10.0.1.9, rate: fast}
                """);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains(":5:").contains("bad rate 'fast'");
    }

    @Test
    void shouldNameTheFlowWhoseSourceHasNoAddress() {
        TopologyException e = load("""
                nodes:
                  h1: {kind: host, interfaces: {eth0: {}}}
                traffic:
                  flows:
                    - {name: f, from: h1, to: 10.0.1.9, rate: 1kpps}
                """);
        org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains(":5:7: flow f: h1: connect: Network is unreachable");
    }
}
