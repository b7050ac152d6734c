package io.lwtemu.node.tun;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.Topology.InterfaceSpec;
import io.lwtemu.node.topology.Topology.NodeSpec;
import io.lwtemu.node.topology.Topology.TunSpec;
import io.lwtemu.node.topology.TopologyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The TUN devices of a topology ({@code tun:} on an interface), attached to a built network. {@link Mode#REAL}
 * creates Linux devices: for a {@code netns} the device is created under a temporary name, moved into the
 * namespace (created when missing, deleted again on close) and renamed there, so several nodes can each have an
 * {@code lwt0} in their own namespace; then MTU, addresses, up and routes are set with {@code ip}. A device
 * without netns, address and route is only attached (e.g. one root made with {@code ip tuntap add ... user U}),
 * which needs no privileges. {@link Mode#MEMORY} gives each interface a {@link MemoryTunDevice}.
 */
public final class TunAttachments implements AutoCloseable {
    public enum Mode { REAL, MEMORY }

    private static final AtomicInteger TEMP_NAMES = new AtomicInteger();

    private final Mode mode;
    private final List<TunAttachment> attachments = new ArrayList<>();
    private final List<String> createdNamespaces = new ArrayList<>();
    private final Consumer<String> log;

    private TunAttachments(Mode mode, Consumer<String> log) {
        this.mode = mode;
        this.log = log;
    }

    /** True when the topology has any TUN-backed interface. */
    public static boolean any(Topology topo) {
        for (NodeSpec n : topo.nodes().values()) {
            for (InterfaceSpec i : n.interfaces().values()) {
                if (i.tun() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Opens a device for every {@code tun:} interface of {@code topo} on {@code net} (built from it), registers a
     * flow "tun:NODE:IF" for the packets from each, and starts the readers. On failure everything opened so far
     * is closed again and a {@link TunException} (or a {@link TopologyException} naming the line) is thrown.
     */
    public static TunAttachments attach(Network net, Topology topo, Mode mode, Consumer<String> log) {
        TunAttachments all = new TunAttachments(mode, log);
        try {
            for (NodeSpec n : topo.nodes().values()) {
                Router r = net.router(n.name());
                for (InterfaceSpec i : n.interfaces().values()) {
                    if (i.tun() == null) {
                        continue;
                    }
                    NetDevice dev = r.devices().byName(i.name());
                    TunDevice tun;
                    try {
                        tun = mode == Mode.MEMORY ? new MemoryTunDevice(i.tun().device(),
                                MemoryTunDevice.DEFAULT_CAPACITY) : all.openReal(i.tun(), dev.mtu(), r.cpus());
                    } catch (TunException e) {
                        throw new TopologyException(topo.file(), i.tun().loc().line(), i.tun().loc().column(),
                                "node " + n.name() + " interface " + i.name() + ": " + e.getMessage(), e);
                    }
                    int flow = net.registerFlow("tun:" + n.name() + ":" + i.name());
                    all.attachments.add(new TunAttachment(r, dev, tun, flow, log));
                }
            }
        } catch (RuntimeException e) {
            all.close();
            throw e;
        }
        for (TunAttachment a : all.attachments) {
            a.start();
        }
        return all;
    }

    private TunDevice openReal(TunSpec s, int mtu, int cpus) {
        String ns = s.netns();
        boolean configure = ns != null || !s.addresses().isEmpty() || !s.routes().isEmpty();
        if (ns != null && !HostSide.namespaceExists(ns)) {
            HostSide.ip(null, "netns", "add", ns);
            createdNamespaces.add(ns);
            HostSide.ip(ns, "link", "set", "dev", "lo", "up");
        }
        String openName = ns == null ? s.device()
                : "lwtemu" + (ProcessHandle.current().pid() % 10000) + "t" + TEMP_NAMES.incrementAndGet();
        LinuxTunDevice tun = LinuxTunDevice.open(openName, s.multiQueue() ? Math.max(2, cpus) : 1);
        try {
            if (ns != null) {
                HostSide.ip(null, "link", "set", "dev", openName, "netns", ns);
                HostSide.ip(ns, "link", "set", "dev", openName, "name", s.device());
                tun.renamed(s.device());
            }
            if (configure) {
                HostSide.ip(ns, "link", "set", "dev", s.device(), "mtu", Integer.toString(mtu));
                for (String a : s.addresses()) {
                    HostSide.ip(ns, "addr", "add", a, "dev", s.device());
                }
                if (s.up()) {
                    HostSide.ip(ns, "link", "set", "dev", s.device(), "up");
                }
                for (String route : s.routes()) {
                    List<String> args = new ArrayList<>(List.of("route", "add"));
                    args.addAll(Arrays.asList(route.trim().split("\\s+")));
                    if (!args.contains("dev")) {
                        args.add("dev");
                        args.add(s.device());
                    }
                    HostSide.ip(ns, args.toArray(new String[0]));
                }
            }
        } catch (TunException e) {
            tun.close();
            throw e;
        }
        log.accept("lwtemu: TUN device " + s.device() + (ns == null ? "" : " in netns " + ns) + " attached"
                + (configure ? "" : " (not configured: no netns, address or route given)"));
        return tun;
    }

    public Mode mode() {
        return mode;
    }

    public List<TunAttachment> attachments() {
        return List.copyOf(attachments);
    }

    /** The in-memory device of {@code node:iface} (MEMORY mode), or null. */
    public MemoryTunDevice memoryDevice(String node, String iface) {
        for (TunAttachment a : attachments) {
            if (a.router.name.equals(node) && a.device.name.equals(iface) && a.tun instanceof MemoryTunDevice m) {
                return m;
            }
        }
        return null;
    }

    /** Closes the devices (a non-persistent TUN device then disappears) and deletes the namespaces made here. */
    @Override
    public void close() {
        for (TunAttachment a : attachments) {
            a.close();
        }
        attachments.clear();
        for (String ns : createdNamespaces) {
            try {
                HostSide.ip(null, "netns", "del", ns);
            } catch (TunException e) {
                log.accept("lwtemu: " + e.getMessage());
            }
        }
        createdNamespaces.clear();
    }
}
