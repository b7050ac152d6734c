package io.lwtemu.node.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.forward.PacketTap;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures on the ipip-3hop example, where r1's LWT xmit program encapsulates and r3's tun0 decapsulates. */
class CapturesTest {
    static final Path EXAMPLE = Path.of("../topology-examples/ipip-3hop/topology.yaml");

    /** The example with a capture section appended and a shorter run. */
    static Topology exampleWith(String extra) throws IOException {
        String text = Files.readString(EXAMPLE).replace("duration: 5s", "duration: 50ms");
        return TopologyLoader.parse(EXAMPLE, text + "\n" + extra);
    }

    private static List<byte[]> packets(Path f) throws IOException {
        List<byte[]> out = new ArrayList<>();
        long last = -1;
        try (PcapReader r = PcapReader.open(f)) {
            assertThat(r.linkType()).isEqualTo(PcapWriter.LINKTYPE_RAW);
            for (PcapReader.Record rec; (rec = r.next()) != null;) {
                assertThat(rec.timestampNs()).isGreaterThanOrEqualTo(last);
                last = rec.timestampNs();
                out.add(rec.data());
            }
        }
        return out;
    }

    private static int proto(byte[] p) {
        return p[9] & 0xff;
    }

    private static String dst(byte[] p, int off) {
        return (p[off + 16] & 0xff) + "." + (p[off + 17] & 0xff) + "." + (p[off + 18] & 0xff) + "."
                + (p[off + 19] & 0xff);
    }

    @Test
    void shouldSeeThePacketBeforeAndAfterTheXmitProgramAndAfterDecap(@TempDir Path tmp) throws IOException {
        Topology t = exampleWith("capture:\n"
                + "  - {router: r1, iface: eth1, point: egress, file: " + tmp.resolve("egress.pcap") + "}\n"
                + "  - {router: r1, iface: eth1, point: after-xmit, file: " + tmp.resolve("xmit.pcap") + "}\n"
                + "  - {router: r1, iface: eth0, point: ingress, file: " + tmp.resolve("in.pcap") + "}\n"
                + "  - {router: r3, iface: tun0, point: ingress, file: " + tmp.resolve("tun0.pcap") + "}\n");
        Network net = TopologyBuilder.build(t, s -> { });
        Traffic.install(net, t, t.durationNs(), s -> { });
        try (Captures caps = new Captures(s -> { })) {
            for (Topology.CaptureSpec c : t.captures()) {
                caps.add(net, c.node(), c.iface(), c.point(), c.file());
            }
            net.runUntil(t.durationNs());
        }
        RunReport rep = RunReport.of(net);
        rep.check();
        long delivered = rep.flows.get("udp-h1-h2").delivered;
        assertThat(delivered).isPositive();

        List<byte[]> egress = packets(tmp.resolve("egress.pcap"));
        List<byte[]> xmit = packets(tmp.resolve("xmit.pcap"));
        List<byte[]> tun0 = packets(tmp.resolve("tun0.pcap"));
        // Routed out of eth1 the packet is still the inner packet; on the wire it is IPIP to r3 around it.
        List<byte[]> toH2 = egress.stream().filter(p -> dst(p, 0).equals("10.0.3.2")).toList();
        assertThat(toH2.stream().filter(p -> proto(p) == 17 || proto(p) == 1).count()).isEqualTo(toH2.size());
        List<byte[]> tunnelled = xmit.stream().filter(p -> proto(p) == 4).toList();
        assertThat(tunnelled.size()).isEqualTo(toH2.size());
        assertThat(tunnelled.stream().filter(p -> dst(p, 0).equals("10.0.23.3") && dst(p, 20).equals("10.0.3.2"))
                .count()).isEqualTo(tunnelled.size());
        assertThat(packets(tmp.resolve("in.pcap")).size()).isGreaterThanOrEqualTo(toH2.size());
        // tcpdump -i tun0 on the tunnel endpoint sees the decapsulated inner packets, one per delivered packet.
        assertThat(tun0.stream().filter(p -> dst(p, 0).equals("10.0.3.2") && proto(p) != 4).count())
                .isEqualTo(tun0.size());
        assertThat((long) tun0.size()).isBetween(delivered, (long) toH2.size());
    }

    @Test
    void shouldRefuseUnknownInterfaceAndTwoCapturesOfOneFile(@TempDir Path tmp) throws IOException {
        Network net = TopologyBuilder.build(exampleWith(""), s -> { });
        try (Captures caps = new Captures(s -> { })) {
            assertThatThrownBy(() -> caps.add(net, "r1", "eth9", PacketTap.Point.INGRESS, tmp.resolve("a.pcap")))
                    .hasMessage("node r1 has no interface 'eth9'");
            caps.add(net, "r1", "eth0", PacketTap.Point.INGRESS, tmp.resolve("a.pcap"));
            assertThatThrownBy(() -> caps.add(net, "r2", "eth0", PacketTap.Point.INGRESS, tmp.resolve("a.pcap")))
                    .hasMessageStartingWith("two captures write");
        }
    }

    @Test
    void shouldNameTheLineOfABadCapture() {
        assertThatThrownBy(() -> exampleWith("capture:\n  - {router: r2, iface: eth1, point: middle, file: x.pcap}\n"))
                .hasMessageMatching(".*topology.yaml:\\d+:\\d+: unknown capture point 'middle', expected ingress, "
                        + "egress or after-xmit");
        assertThatThrownBy(() -> exampleWith("capture:\n  - {router: r9, iface: eth1, file: x.pcap}\n"))
                .hasMessageContaining("unknown node 'r9'");
        assertThatThrownBy(() -> exampleWith("capture:\n  - {router: r2, iface: eth1}\n"))
                .hasMessageContaining("capture without 'file:'");
    }

    @Test
    void shouldLeaveNoTapWhenClosed(@TempDir Path tmp) throws IOException {
        Network net = TopologyBuilder.build(exampleWith(""), s -> { });
        Captures caps = new Captures(s -> { });
        caps.add(net, "r2", "eth0", PacketTap.Point.INGRESS, tmp.resolve("a.pcap"));
        caps.close();
        Traffic.install(net, exampleWith(""), 20_000_000, s -> { });
        net.runUntil(20_000_000);
        assertThat(Files.size(tmp.resolve("a.pcap"))).isEqualTo(24);
    }
}
