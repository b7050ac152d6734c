package io.lwtemu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.pcap.PcapReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureCommandTest {
    private static final String EXAMPLE = "../topology-examples/ipip-3hop/topology.yaml";

    @Test
    void shouldWriteThePacketsOnTheWireOfAnInterface(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("r2.pcap");
        CliRun r = CliRun.of("capture", EXAMPLE, "--router", "r2", "--iface", "eth1", "--out", out.toString(),
                "--duration", "20ms");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("capture r2:eth1 (after-xmit): ").contains(" packets written to " + out);
        int ipip = 0;
        try (PcapReader rd = PcapReader.open(out)) {
            for (PcapReader.Record rec; (rec = rd.next()) != null;) {
                assertThat(rec.timestampNs()).isLessThan(20_000_000);
                ipip += rec.data()[9] == 4 ? 1 : 0;
            }
        }
        // r2 only ever sees h1's traffic to h2 inside r1's IPIP tunnel.
        assertThat(ipip).isPositive();
    }

    @Test
    void shouldNameWhatIsWrongWithTheOptions(@TempDir Path tmp) {
        CliRun bad = CliRun.of("capture", EXAMPLE, "--router", "r2", "--iface", "eth1", "--out",
                tmp.resolve("x.pcap").toString(), "--point", "middle");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("--point: expected ingress, egress or after-xmit, got 'middle'");
        CliRun noIf = CliRun.of("capture", EXAMPLE, "--router", "r2", "--iface", "eth7", "--out",
                tmp.resolve("y.pcap").toString(), "--duration", "1ms");
        assertThat(noIf.status()).isEqualTo(1);
        assertThat(noIf.err()).contains("node r2 has no interface 'eth7'");
        assertThat(Files.exists(tmp.resolve("y.pcap"))).isFalse();
    }

    @Test
    void shouldRunTunInterfacesInMemoryWhenAsked(@TempDir Path tmp) throws Exception {
        // A copy, so the example's capture is written to tmp.
        Path topo = tmp.resolve("topology.yaml");
        Files.writeString(topo, Files.readString(Path.of("../topology-examples/tun-ipip/topology.yaml")).replace(
                "../ipip-3hop/ipip_encap.o", Path.of("../topology-examples/ipip-3hop/ipip_encap.o").toAbsolutePath()
                        .toString()));
        CliRun r = CliRun.of("run", topo.toString(), "--tun", "memory", "--sequential", "--duration", "10ms");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("capture r2:eth1 (after-xmit): 0 packets written");
        assertThat(tmp.resolve("r2-eth1.pcap")).exists();
        CliRun bad = CliRun.of("run", topo.toString(), "--tun", "virtual", "--duration", "10ms");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("--tun: expected real or memory, got 'virtual'");
    }
}
