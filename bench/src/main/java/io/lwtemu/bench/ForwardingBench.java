package io.lwtemu.bench;

import io.lwtemu.cli.BenchTopology;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one router hop of the {@code lwtemu bench chain} topology (h1 - r1 - r2 - r3 - h2, the ipip-3hop
 * example): a 64-byte UDP packet arrives on a router's port as a {@link Frame} (as between routers of one JVM),
 * goes through {@link Router#runUntil} (receive, validation, FIB, the LWT program, TTL, transmit) and leaves as a
 * Frame to a sink. {@code encapHop} is r1 (LWT xmit IPIP encap with bpf_lwt_push_encap), {@code plainHop} r2,
 * {@code decapHop} r3 (ipip decap, then forwarding of the inner packet). Each operation also copies the 64-byte
 * packet into its buffer, as the previous hop would have handed it over. With {@code -prof gc} the allocation
 * per hop shows: none.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ForwardingBench -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class ForwardingBench {
    private static final int HEADROOM = 64;

    private Hop r1;
    private Hop r2;
    private Hop r3;
    /** The length of the last packet a router sent (kept so the work is not dead code), and its bytes. */
    int sentLen;
    byte[] sentBuf;
    int sentOff;

    /** One router fed on one port from a template, its sends captured. */
    private final class Hop {
        final Router router;
        final Port port;
        final byte[] template;
        final byte[] buf;
        final Frame in = new Frame();
        long t;

        Hop(Router router, String ifname, byte[] template) {
            this.router = router;
            this.port = router.port(router.devices().byName(ifname).ifindex);
            this.template = template;
            this.buf = new byte[HEADROOM + template.length + 64];
            router.setFrameTransport((to, p, f) -> {
                sentBuf = f.buf;
                sentOff = f.off;
                sentLen = f.len;
            });
            t = router.now();
        }

        int run() {
            System.arraycopy(template, 0, buf, HEADROOM, template.length);
            t += 1000;
            Frame f = in;
            f.buf = buf;
            f.off = HEADROOM;
            f.len = template.length;
            f.id = 1;
            f.flow = 1;
            f.hops = 1;
            f.arriveAtNs = t;
            f.ingressIfindex = port.device.ifindex;
            port.arrive(f);
            router.runUntil(t + 1);
            return sentLen;
        }

        byte[] sentBytes() {
            return java.util.Arrays.copyOfRange(sentBuf, sentOff, sentOff + sentLen);
        }
    }

    @Setup
    public void setup() throws IOException {
        Path dir = Files.createTempDirectory("lwtemu-fwd-bench");
        Path obj = dir.resolve("example_ipip_encap.o");
        try (InputStream in = ForwardingBench.class.getResourceAsStream("/bpf/example/ipip_encap.o")) {
            Files.copy(in, obj, StandardCopyOption.REPLACE_EXISTING);
        }
        Path file = BenchTopology.write(new BenchTopology.Spec(3, true, false, 64, 1000, 0, 1_000_000, 0), dir, obj);
        Network net = TopologyBuilder.build(TopologyLoader.load(file), line -> { });
        byte[] inner = PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").udp(4000, 5000, new byte[64 - 28]);
        r1 = new Hop(net.router("r1"), "eth0", inner);
        // What r2 and r3 receive: r1's output (the encapsulated packet, TTL of the inner one decremented).
        r1.run();
        byte[] encapsulated = r1.sentBytes();
        r2 = new Hop(net.router("r2"), "eth0", encapsulated);
        r2.run();
        byte[] atR3 = r2.sentBytes();
        r3 = new Hop(net.router("r3"), "eth0", atR3);
        if (encapsulated.length != inner.length + 20 || r3.run() != inner.length) {
            throw new IllegalStateException("the chain did not encapsulate at r1 and decapsulate at r3");
        }
    }

    @Benchmark
    public int encapHop() {
        return r1.run();
    }

    @Benchmark
    public int plainHop() {
        return r2.run();
    }

    @Benchmark
    public int decapHop() {
        return r3.run();
    }
}
