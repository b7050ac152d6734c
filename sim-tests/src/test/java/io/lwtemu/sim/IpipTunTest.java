package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.pcap.Captures;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.tun.TunAttachments;
import io.lwtemu.node.tun.WallClockPacer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real hosts through the emulated network: namespaces h1 and h2 with TUN devices attached to r1 and r3 of the
 * 3-router IPIP topology (topology-examples/tun-ipip, the BPF objects of ipip-3hop), run by the actor driver in
 * step with the wall clock. Real ping, traceroute and a UDP stream go from h1 to h2 through r1's LWT xmit
 * encapsulation and r3's decapsulation; a capture at r2 is read with tshark. Needs root (CAP_NET_ADMIN),
 * /dev/net/tun and iproute2; skipped with the reason elsewhere.
 */
class IpipTunTest {
    static final Path EXAMPLE = Path.of("../topology-examples/tun-ipip/topology.yaml");
    static final String H1 = "h1";
    static final String H2 = "h2";

    static Path dir;
    static Path capture;
    static Network net;
    static Captures captures;
    static TunAttachments tuns;
    static ActorDriver driver;
    static WallClockPacer pacer;
    static Thread runner;
    static final List<String> log = new ArrayList<>();

    record Result(int status, String out) {}

    static Result run(int timeoutS, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static boolean has(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String[] inNs(String ns, String... cmd) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return c.toArray(new String[0]);
    }

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")),
                "no /dev/net/tun (modprobe tun; in a container --device /dev/net/tun): real TUN tests skipped");
        Assumptions.assumeTrue(has("ip"), "iproute2's 'ip' is not installed: real TUN tests skipped");
        Assumptions.assumeTrue(has("ping"), "ping is not installed (apt-get install iputils-ping): skipped");
        Result id = run(10, "id", "-u");
        Assumptions.assumeTrue(id.out().trim().equals("0"),
                "not root: creating TUN devices and namespaces needs CAP_NET_ADMIN; real TUN tests skipped"
                        + " (the emulator itself runs without: lwtemu run --tun memory)");
        Assumptions.assumeFalse(Files.exists(Path.of("/var/run/netns", H1)) || Files.exists(Path.of("/var/run/netns",
                H2)), "network namespace h1 or h2 exists already (left over? 'ip netns del h1; ip netns del h2')");
        dir = Files.createTempDirectory("lwtemu-tun");
        capture = dir.resolve("r2-eth1.pcap");
        String text = Files.readString(EXAMPLE).replace("file: r2-eth1.pcap", "file: " + capture);
        Topology t = TopologyLoader.parse(EXAMPLE, text);
        net = TopologyBuilder.build(t, line -> {
            synchronized (log) {
                log.add(line);
            }
        });
        captures = new Captures(log::add);
        for (Topology.CaptureSpec c : t.captures()) {
            captures.add(net, c.node(), c.iface(), c.point(), c.file());
        }
        tuns = TunAttachments.attach(net, t, TunAttachments.Mode.REAL, line -> { });
        driver = new ActorDriver(net);
        pacer = new WallClockPacer(net, tuns.attachments(), x -> driver.runUntil(x).toCompletableFuture().join());
        runner = new Thread(() -> pacer.run(TimeUnit.MINUTES.toNanos(20)), "tun-test-pacer");
        runner.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pacer != null) {
            pacer.stop();
            runner.join(30_000);
        }
        if (driver != null) {
            driver.close();
        }
        if (captures != null) {
            captures.close();
        }
        if (tuns != null) {
            tuns.close();
        }
        for (String ns : List.of(H1, H2)) {
            if (Files.exists(Path.of("/var/run/netns", ns))) {
                run(10, "ip", "netns", "del", ns);
            }
        }
        if (net != null) {
            RunReport.of(net).check();
        }
    }

    @Test
    void shouldPingH2FromH1ThroughTheBpfTunnel() throws Exception {
        Result r = run(60, inNs(H1, "ping", "-c", "3", "-i", "0.3", "-W", "5", "10.0.3.2"));
        assertThat(r.status()).as(r.out()).isZero();
        // h2's reply crossed r3, r2, r1 (ttl 64 - 3); the request crossed r1 and r3, the tunnel hid r2.
        assertThat(r.out()).contains("3 received").contains("ttl=61");
    }

    @Test
    void shouldShowTheEmulatedHopsInTraceroute() throws Exception {
        if (has("traceroute")) {
            Result r = run(120, inNs(H1, "traceroute", "-n", "-q", "1", "-w", "5", "-m", "6", "10.0.3.2"));
            assertThat(r.status()).as(r.out()).isZero();
            List<String> hops = r.out().lines().skip(1).map(l -> l.trim().split("\\s+")[1]).toList();
            // r1, then r3 (the tunnel endpoint decrements the inner TTL; r2 forwards only the outer packet), h2.
            assertThat(hops).as(r.out()).containsExactly("10.0.1.1", "10.0.23.3", "10.0.3.2");
            return;
        }
        // Without traceroute (apt-get install traceroute): the same with ping's TTL.
        assertThat(run(30, inNs(H1, "ping", "-c", "1", "-t", "1", "-W", "5", "10.0.3.2")).out())
                .contains("From 10.0.1.1").contains("Time to live exceeded");
        assertThat(run(30, inNs(H1, "ping", "-c", "1", "-t", "2", "-W", "5", "10.0.3.2")).out())
                .contains("From 10.0.23.3").contains("Time to live exceeded");
    }

    @Test
    void shouldDeliverAUdpStreamComplete() throws Exception {
        if (has("iperf3")) {
            Process server = new ProcessBuilder(inNs(H2, "iperf3", "-s", "-1", "-B", "10.0.3.2", "-p", "5201"))
                    .redirectErrorStream(true).start();
            try {
                Result client = null;
                JsonNode json = null;
                for (int attempt = 0; attempt < 60; attempt++) {
                    client = run(120, inNs(H1, "iperf3", "-c", "10.0.3.2", "-p", "5201", "-u", "-b", "4M", "-l",
                            "1000", "-t", "2", "-J"));
                    json = new ObjectMapper().readTree(client.out());
                    // iperf3 -J exits 0 with {"error": "... Connection refused"} while the server is starting.
                    if (client.status() == 0 && !json.has("error")) {
                        break;
                    }
                    Thread.sleep(250);
                }
                assertThat(json.has("error")).as(client.out()).isFalse();
                JsonNode sum = json.path("end").path("sum");
                assertThat(sum.path("packets").asLong()).as(client.out()).isGreaterThan(900);
                assertThat(sum.path("lost_packets").asLong()).as(client.out()).isZero();
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
            return;
        }
        // Without iperf3 (apt-get install iperf3): a small Java sender and receiver.
        String src = Path.of("src/test/resources/tun/UdpStream.java").toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process recv = new ProcessBuilder(inNs(H2, java, src, "recv", "10.0.3.2", "6000", "2000", "20000")).start();
        try {
            java.io.BufferedReader rd = new java.io.BufferedReader(new java.io.InputStreamReader(recv.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(rd.readLine()).isEqualTo("listening");
            Result send = run(120, inNs(H1, java, src, "send", "10.0.3.2", "6000", "2000", "1000"));
            assertThat(send.status()).as(send.out()).isZero();
            assertThat(rd.readLine()).isEqualTo("received 2000");
        } finally {
            recv.destroy();
        }
    }

    @Test
    void shouldCaptureTheOuterIpipHeaderAndTheInnerPacketAtTheMiddleRouter() throws Exception {
        Assumptions.assumeTrue(has("tshark"), "tshark is not installed (apt-get install tshark): capture check skipped");
        Result ping = run(60, inNs(H1, "ping", "-c", "2", "-i", "0.3", "-W", "5", "10.0.3.2"));
        assertThat(ping.status()).as(ping.out()).isZero();
        captures.flush();
        Result r = run(120, "tshark", "-r", capture.toString(), "-Y", "icmp.type == 8", "-T", "fields",
                "-e", "ip.proto", "-e", "ip.src", "-e", "ip.dst");
        assertThat(r.status()).as(r.out()).isZero();
        // Each echo request on r2's egress: outer IPIP r1 -> r3, inner ICMP h1 -> h2.
        assertThat(r.out().lines().filter(l -> !l.startsWith("Running as user")).toList()).as(r.out())
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(l -> assertThat(l).isEqualTo("4,1\t10.0.12.1,10.0.1.2\t10.0.23.3,10.0.3.2"));
    }

    @Test
    void shouldSayWhyADeviceCannotBeAttached() throws Exception {
        // "lo" exists and is no TUN device: the kernel refuses, and the message names the topology line.
        String text = Files.readString(EXAMPLE);
        text = text.substring(0, text.indexOf("capture:"))
                .replace("tun: {device: lwt0, netns: h1, address: 10.0.1.2/24, route: default via 10.0.1.1}",
                        "tun: {device: lo}");
        text = text.replace("      eth1:\n        tun: {device: lwt0, netns: h2, address: 10.0.3.2/24, route: default via 10.0.3.1}",
                "      eth1: {}");
        Topology t = TopologyLoader.parse(EXAMPLE, text);
        Network other = TopologyBuilder.build(t, s -> { });
        assertThatThrownBy(() -> TunAttachments.attach(other, t, TunAttachments.Mode.REAL, s -> { }))
                .isInstanceOf(TopologyException.class)
                .hasMessageMatching(".*topology.yaml:\\d+:\\d+: node r1 interface eth0: TUN device lo: "
                        + "ioctl\\(TUNSETIFF\\) failed: .*");
    }
}
