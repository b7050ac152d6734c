package io.lwtemu.node.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.forward.PacketTap;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.pcap.Captures;
import io.lwtemu.node.pcap.PcapReader;
import io.lwtemu.node.pcap.PcapWriter;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flows that replay a pcap file through the ipip-3hop example. */
class PcapReplayTest {
    static final Path EXAMPLE = Path.of("../topology-examples/ipip-3hop/topology.yaml");
    /** Gaps between the recorded packets: irregular, so "original timing" is visible. */
    static final long[] GAPS = {0, 1_000_000, 250_000, 3_000_000, 10_000, 2_000_000};

    /** The example with its traffic replaced by one flow line. */
    static Topology exampleWithFlow(String flow) throws IOException {
        String text = Files.readString(EXAMPLE);
        text = text.substring(0, text.indexOf("traffic:")) + "traffic:\n  flows:\n    - " + flow + "\n";
        return TopologyLoader.parse(EXAMPLE, text.replace("duration: 5s", "duration: 100ms"));
    }

    static Path recording(Path dir) throws IOException {
        Path f = dir.resolve("udp.pcap");
        try (PcapWriter w = PcapWriter.create(f)) {
            long t = 1_700_000_000_000_000_000L;
            for (int i = 0; i < GAPS.length; i++) {
                t += GAPS[i];
                byte[] p = PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").udp(7000 + i, 9000, new byte[20 + i]);
                w.write(t, p, 0, p.length);
            }
        }
        return f;
    }

    /** Emulated arrival times at h2 of the replayed packets. */
    private static List<Long> arrivalsAtH2(Topology t, Path dir) throws IOException {
        Network net = TopologyBuilder.build(t, s -> { });
        Traffic traffic = Traffic.install(net, t, t.durationNs(), s -> { });
        assertThat(traffic.replays()).hasSize(1);
        Path cap = dir.resolve("h2.pcap");
        try (Captures caps = new Captures(s -> { })) {
            caps.add(net, "h2", "eth0", PacketTap.Point.INGRESS, cap);
            net.runUntil(t.durationNs());
        }
        RunReport rep = RunReport.of(net);
        rep.check();
        assertThat(rep.flows.get("replay").sent).isEqualTo(GAPS.length);
        assertThat(rep.flows.get("replay").delivered).isEqualTo(GAPS.length);
        List<Long> ts = new ArrayList<>();
        try (PcapReader r = PcapReader.open(cap)) {
            for (PcapReader.Record rec; (rec = r.next()) != null;) {
                assertThat(rec.data()[20] & 0xff).isEqualTo(7000 >> 8); // the replayed source ports 7000+i
                ts.add(rec.timestampNs());
            }
        }
        return ts;
    }

    @Test
    void shouldReplayWithTheFilesOwnTiming(@TempDir Path dir) throws IOException {
        Path f = recording(dir);
        List<Long> ts = arrivalsAtH2(exampleWithFlow("{name: replay, from: h1, pcap: " + f + ", start: 5ms}"), dir);
        assertThat(ts).hasSize(GAPS.length);
        for (int i = 1; i < GAPS.length; i++) {
            // Equal sizes would make the spacing exact; one byte more per packet shifts it by 8 ns at 1 Gbit/s.
            assertThat(ts.get(i) - ts.get(i - 1)).isBetween(GAPS[i] - 100, GAPS[i] + 100);
        }
        assertThat(ts.get(0)).isGreaterThan(5_000_000);
    }

    @Test
    void shouldReplayAtASetRate(@TempDir Path dir) throws IOException {
        Path f = recording(dir);
        List<Long> ts = arrivalsAtH2(exampleWithFlow("{name: replay, from: h1, pcap: " + f + ", rate: 1000pps}"),
                dir);
        for (int i = 1; i < ts.size(); i++) {
            assertThat(ts.get(i) - ts.get(i - 1)).isBetween(1_000_000L - 100, 1_000_000L + 100);
        }
    }

    @Test
    void shouldNameTheLineOfAReplayThatCannotWork(@TempDir Path dir) throws IOException {
        Path f = recording(dir);
        assertThatThrownBy(() -> exampleWithFlow("{name: replay, from: h1, pcap: " + f + ", dport: 53}"))
                .isInstanceOf(TopologyException.class).hasMessageContaining(":'dport:' does not apply".substring(1));
        Path bad = dir.resolve("not.pcap");
        Files.writeString(bad, "hello");
        assertThatThrownBy(() -> exampleWithFlow("{name: replay, from: h1, pcap: " + bad + "}"))
                .isInstanceOf(TopologyException.class).hasMessageContaining("not a pcap file")
                .hasMessageMatching(".*topology.yaml:\\d+:\\d+: .*");
    }
}
