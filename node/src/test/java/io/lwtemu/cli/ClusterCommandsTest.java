package io.lwtemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes with the cluster options are one line naming the option, not a stack trace. */
class ClusterCommandsTest {
    private static final String TOPOLOGY = "../topology-examples/ipip-3hop/topology.yaml";

    @Test
    void shouldNameAMissingMemberFile() {
        CliRun r = CliRun.of("node", "--config", "no-such-member.conf");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(
                "lwtemu node: --config no-such-member.conf: no such file (the members' files are in cluster-config/)");
    }

    @Test
    void shouldRefuseAFileThatIsNotAClusterMember(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("local.conf");
        Files.writeString(f, "akka.actor.provider = local\n");

        CliRun r = CliRun.of("run", TOPOLOGY, "--cluster", f.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("--cluster " + f + ": not a cluster member configuration")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseANegativePace() {
        CliRun r = CliRun.of("run", TOPOLOGY, "--cluster", "../cluster-config/member-a.conf", "--pace", "-1");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad --pace -1.0");
    }

    @Test
    void shouldRefuseAPortInUse(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            CliRun r = CliRun.of("node", "--config", "../cluster-config/member-a.conf", "--port",
                    Integer.toString(taken.getLocalPort()));

            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
