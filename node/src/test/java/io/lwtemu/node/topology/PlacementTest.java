package io.lwtemu.node.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final String NODES = """
            name: p
            nodes:
              r1: {interfaces: {eth0: {}}}
              r2: {interfaces: {eth0: {}}}
            """;

    private static Placement parse(String yaml) {
        Topology t = TopologyLoader.parse(Path.of("p.yaml"), yaml);
        return Placement.parse(t, yaml);
    }

    @Test
    void shouldPinRoutersToMembersAndRoles() {
        Placement p = parse(NODES + "placement:\n  r1: member-a\n  r2: role:edge\n");

        assertThat(p.members()).containsEntry("r1", "member-a").hasSize(1);
        assertThat(p.roles()).containsEntry("r2", "edge").hasSize(1);
        assertThat(p.pinned("r1")).isTrue();
    }

    @Test
    void shouldPlaceNothingWithoutPlacement() {
        Placement p = parse(NODES);

        assertThat(p.pinned("r1")).isFalse();
        assertThat(p.members()).isEmpty();
    }

    @Test
    void shouldNameTheLineOfAnUnknownNode() {
        assertThatThrownBy(() -> parse(NODES + "placement:\n  r9: member-a\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessage("p.yaml:6:3: placement: unknown node 'r9', expected one of r1, r2");
    }

    @Test
    void shouldRefuseAnEmptyRole() {
        assertThatThrownBy(() -> parse(NODES + "placement:\n  r1: 'role:'\n"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("'role:' needs a role name");
    }
}
