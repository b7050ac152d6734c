package io.lwtemu.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyBundleTest {
    @Test
    void shouldCarryTheTopologyAndItsObjectsToAnotherFolder(@TempDir Path elsewhere) throws Exception {
        Topology t = TopologyLoader.load(Path.of("../topology-examples/ipip-3hop/topology.yaml"));

        TopologyBundle b = TopologyBundle.of(t);
        Path copy = b.writeTo(elsewhere);

        assertThat(b.paths()).containsExactly("topology.yaml", "ipip_encap.o");
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(t.file()));
        assertThat(Files.readAllBytes(elsewhere.resolve("ipip_encap.o")))
                .isEqualTo(Files.readAllBytes(Path.of("../topology-examples/ipip-3hop/ipip_encap.o")));
        // The copy loads on its own: the member needs no access to the submitter's files.
        assertThat(TopologyLoader.load(copy).nodes()).containsKeys("h1", "r1", "r2", "r3", "h2");
    }
}
