package io.lwtemu.node.pcap;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.PacketTap;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The packet captures of a run: each writes the packets crossing one interface at one {@link PacketTap.Point} to
 * a pcap file, stamped with the router's emulated time. Installs one tap per router that has a capture; routers
 * without one keep a null tap. Close it after the run to flush the files.
 */
public final class Captures implements AutoCloseable {
    /** One capture: where it looks and the file it writes. */
    public static final class Capture {
        public final Router router;
        public final NetDevice device;
        public final PacketTap.Point point;
        public final Path file;
        private final PcapWriter writer;
        private IOException failure;

        private Capture(Router router, NetDevice device, PacketTap.Point point, Path file, PcapWriter writer) {
            this.router = router;
            this.device = device;
            this.point = point;
            this.file = file;
            this.writer = writer;
        }

        /** Packets written to the file. */
        public long packets() {
            return writer.records();
        }

        @Override
        public String toString() {
            return router.name + ":" + device.name + " " + pointName(point) + " -> " + file;
        }
    }

    private final List<Capture> captures = new ArrayList<>();
    private final Map<Router, List<Capture>> byRouter = new LinkedHashMap<>();
    private final Map<Path, Capture> byFile = new HashMap<>();
    private final Consumer<String> log;

    public Captures(Consumer<String> log) {
        this.log = log;
    }

    /** "ingress", "egress", "after-xmit": the names the topology and the CLI use. */
    public static String pointName(PacketTap.Point p) {
        return p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The point named {@code name}, or null. */
    public static PacketTap.Point point(String name) {
        for (PacketTap.Point p : PacketTap.Point.values()) {
            if (pointName(p).equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Starts capturing on {@code routerName:ifaceName}. Must be called while no router runs.
     *
     * @throws IllegalArgumentException for an unknown router/interface, or a file another capture writes
     * @throws UncheckedIOException when the file cannot be created
     */
    public Capture add(Network net, String routerName, String ifaceName, PacketTap.Point point, Path file) {
        Router r = net.router(routerName);
        if (r == null) {
            throw new IllegalArgumentException("no node '" + routerName + "' to capture on");
        }
        NetDevice dev = r.devices().byName(ifaceName);
        if (dev == null) {
            throw new IllegalArgumentException("node " + routerName + " has no interface '" + ifaceName + "'");
        }
        Path key = file.toAbsolutePath().normalize();
        if (byFile.containsKey(key)) {
            throw new IllegalArgumentException("two captures write " + file + " (" + byFile.get(key) + ")");
        }
        PcapWriter w;
        try {
            Path parent = key.getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            w = PcapWriter.create(file);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such directory" : e.getMessage();
            throw new UncheckedIOException("cannot write capture file " + file + ": " + why, e);
        }
        Capture c = new Capture(r, dev, point, file, w);
        captures.add(c);
        byFile.put(key, c);
        List<Capture> list = byRouter.computeIfAbsent(r, k -> new ArrayList<>());
        list.add(c);
        Capture[] array = list.toArray(new Capture[0]);
        r.pipeline().setTap((pt, d, skb) -> tap(array, pt, d, skb));
        return c;
    }

    public List<Capture> captures() {
        return List.copyOf(captures);
    }

    private void tap(Capture[] cs, PacketTap.Point point, NetDevice dev, SkBuff skb) {
        for (Capture c : cs) {
            if (c.device == dev && c.point == point && c.failure == null) {
                try {
                    c.writer.write(c.router.now(), skb.head, skb.data, skb.len);
                } catch (IOException e) {
                    c.failure = e;
                    log.accept("lwtemu: capture " + c + " stopped: " + e.getMessage());
                }
            }
        }
    }

    /** Writes what is buffered to the files, so a reader sees every packet so far (any thread). */
    public void flush() {
        for (Capture c : captures) {
            try {
                c.writer.flush();
            } catch (IOException e) {
                log.accept("lwtemu: cannot write capture file " + c.file + ": " + e.getMessage());
            }
        }
    }

    /** Removes the taps and closes the files. */
    @Override
    public void close() {
        for (Router r : byRouter.keySet()) {
            r.pipeline().setTap(null);
        }
        for (Capture c : captures) {
            try {
                c.writer.close();
            } catch (IOException e) {
                log.accept("lwtemu: cannot finish capture file " + c.file + ": " + e.getMessage());
            }
        }
    }
}
