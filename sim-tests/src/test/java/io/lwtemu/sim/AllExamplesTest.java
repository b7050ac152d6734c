package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every shipped example file, {@code topology-examples/NAME/topology*.yaml}, loads, runs for its own duration as
 * {@code lwtemu run} would, sends traffic and ends with the accounting identity holding: a new or changed example
 * cannot rot unnoticed. (topology-examples/experiments/ holds fault experiments with their own tests.)
 */
class AllExamplesTest {
    private static final Path EXAMPLES = Path.of("../topology-examples");

    static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals("experiments"))
                    .flatMap(d -> {
                        try (Stream<Path> files = Files.list(d)) {
                            return files.filter(f -> f.getFileName().toString().matches("topology.*\\.yaml"))
                                    .toList().stream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .sorted()
                    .toList();
        }
    }

    @Test
    void shouldFindEveryExample() throws IOException {
        assertThat(exampleFiles()).extracting(p -> EXAMPLES.relativize(p).toString().replace('\\', '/'))
                .contains("ipip-3hop/topology.yaml", "gre-ipv6-outer/topology.yaml", "lwt-ip-encap/topology.yaml",
                        "lwt-ip-encap/topology-ipv6.yaml", "lwt-ip-encap/topology-ingress.yaml",
                        "reroute-mark/topology.yaml", "redirect/topology.yaml", "vxlan/topology.yaml",
                        "srv6-end-bpf/topology.yaml", "ring-20/topology.yaml");
    }

    @TestFactory
    Stream<DynamicTest> shouldRunEveryExampleWithTheAccountingIdentityHolding() throws IOException {
        return exampleFiles().stream().map(f -> DynamicTest.dynamicTest(EXAMPLES.relativize(f).toString(), () -> {
            var topo = TopologyLoader.parse(f, Files.readString(f));
            ExampleSim sim = ExampleSim.runFile(f, topo.durationNs());
            RunReport rep = sim.report(); // throws when sent != delivered + dropped + in_flight anywhere
            boolean hostDriven = topo.nodes().values().stream()
                    .anyMatch(n -> n.interfaces().values().stream().anyMatch(i -> i.tun() != null));
            if (hostDriven) {
                return; // its traffic comes from host programs through real TUN devices (the TunTests run it)
            }
            assertThat(rep.totals.sent).as("the example sends traffic").isPositive();
            assertThat(rep.totals.delivered).as("and some of it arrives").isPositive();
            assertThat(sim.log).noneMatch(l -> l.contains("Illegal"));
        }));
    }
}
