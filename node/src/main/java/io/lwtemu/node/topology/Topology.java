package io.lwtemu.node.topology;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.fib.IpAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A validated topology file (topology-examples/FORMAT.md): nodes with their interfaces and parsed iproute2
 * configuration, point-to-point links, and the traffic to run. Immutable; {@link TopologyBuilder} turns it into
 * a running {@link io.lwtemu.node.net.Network}.
 */
public record Topology(Path file, String name, long seed, int cpus, long durationNs,
        LinkedHashMap<String, NodeSpec> nodes, List<LinkSpec> links, List<FlowSpec> flows, List<PingSpec> pings,
        List<EventSpec> events, List<CaptureSpec> captures) {

    public Topology(Path file, String name, long seed, int cpus, long durationNs,
            LinkedHashMap<String, NodeSpec> nodes, List<LinkSpec> links, List<FlowSpec> flows, List<PingSpec> pings,
            List<EventSpec> events) {
        this(file, name, seed, cpus, durationNs, nodes, links, flows, pings, events, List.of());
    }

    /** Folder that object paths are relative to. */
    public Path baseDir() {
        Path abs = file.toAbsolutePath().getParent();
        return abs == null ? Path.of(".") : abs;
    }

    public enum Kind { HOST, ROUTER }

    /**
     * One emulated Linux box. {@code config} lines carry lines relative to the block; {@link #fileLine} maps
     * them back to the topology file.
     */
    public record NodeSpec(String name, Kind kind, int cpus, LinkedHashMap<String, InterfaceSpec> interfaces,
            List<ConfigCommand> config, int configFirstLine, int configIndent, YamlNode.Loc loc) {
        /** File line of config block line {@code blockLine} (1-based). */
        public int fileLine(int blockLine) {
            return configFirstLine + blockLine - 1;
        }
    }

    /** {@code tun} is null for an in-memory interface (linked or not), else the Linux TUN device backing it. */
    public record InterfaceSpec(String name, int mtu, YamlNode.Loc loc, TunSpec tun) {
        public InterfaceSpec(String name, int mtu, YamlNode.Loc loc) {
            this(name, mtu, loc, null);
        }
    }

    /**
     * A Linux TUN device that an interface is attached to (FORMAT.md, "TUN devices"): packets the node sends out
     * of the interface are written to it, packets the host sends into it arrive on the interface. The host side
     * (in {@code netns}, or the emulator's own namespace when null) gets {@code addresses} and {@code routes}.
     */
    public record TunSpec(String device, String netns, List<String> addresses, List<String> routes, boolean up,
            boolean multiQueue, YamlNode.Loc loc) {}

    /** A pcap capture of the packets crossing {@code node:iface} at {@code point} (ingress, egress, after-xmit). */
    public record CaptureSpec(String node, String iface, io.lwtemu.node.forward.PacketTap.Point point, Path file,
            YamlNode.Loc loc) {}

    /** Both directions of a point-to-point link share these parameters. {@code bandwidthBps} 0 = unlimited. */
    public record LinkSpec(String aNode, String aIf, String bNode, String bIf, long delayNs, long bandwidthBps,
            int mtu, int queue, YamlNode.Loc loc, io.lwtemu.node.impair.NetemSpec netemAtoB,
            io.lwtemu.node.impair.NetemSpec netemBtoA) {
        /** A link without impairments. */
        public LinkSpec(String aNode, String aIf, String bNode, String bIf, long delayNs, long bandwidthBps,
                int mtu, int queue, YamlNode.Loc loc) {
            this(aNode, aIf, bNode, bIf, delayNs, bandwidthBps, mtu, queue, loc, null, null);
        }
    }

    public enum Proto { UDP, ICMP, TCP }

    /**
     * A packet stream from a host. {@code count} -1 = until the run ends. With {@code pcap} the packets are the IP
     * packets of that file, replayed as they are ({@code to} is the first one's destination), at {@code ratePps}
     * or, when it is 0, with the file's own spacing.
     */
    public record FlowSpec(String name, String from, IpAddress to, Proto proto, int sport, int dport, int size,
            double ratePps, long count, long startNs, long durationNs, YamlNode.Loc loc, Path pcap) {
        public FlowSpec(String name, String from, IpAddress to, Proto proto, int sport, int dport, int size,
                double ratePps, long count, long startNs, long durationNs, YamlNode.Loc loc) {
            this(name, from, to, proto, sport, dport, size, ratePps, count, startNs, durationNs, loc, null);
        }
    }

    /** A change at an emulated time: the link on {@code node:iface} goes down or up. */
    public record EventSpec(long atNs, String node, String iface, boolean up, YamlNode.Loc loc) {}

    public record PingSpec(String from, IpAddress to, int count, int size, long intervalNs, long startNs,
            YamlNode.Loc loc) {}
}
