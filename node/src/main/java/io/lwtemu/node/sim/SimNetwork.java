package io.lwtemu.node.sim;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.Ipv6Header;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic, single-threaded network of {@link SimRouter}s joined by ideal point-to-point links, for
 * data-plane tests and examples without actors: packets move in FIFO order, each hop's outcome is written to a
 * trace ("r2: FORWARDED eth1 10.0.1.1 > 10.0.9.9 icmp"). Packets sent on an interface without a link reach the
 * "host" behind it and are collected per interface. Time is virtual and only moves with {@link #advance}.
 */
public final class SimNetwork {
    private record Port(SimRouter router, String dev) {}

    private record Pending(SimRouter router, NetDevice dev, byte[] packet) {}

    private final Map<String, SimRouter> routers = new LinkedHashMap<>();
    private final Map<Port, Port> links = new HashMap<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final List<String> trace = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final Map<String, List<byte[]>> hostInbox = new HashMap<>();
    private long now;
    /** Bound on processed packets per {@link #run}, so forwarding loops end. */
    private int maxSteps = 100_000;

    public SimRouter router(String name) {
        return routers.computeIfAbsent(name, n -> new SimRouter(this, n));
    }

    /** Joins {@code a.devA} and {@code b.devB} with an ideal link. */
    public SimNetwork link(String a, String devA, String b, String devB) {
        Port pa = new Port(router(a), devA);
        Port pb = new Port(router(b), devB);
        router(a).dev(devA);
        router(b).dev(devB);
        links.put(pa, pb);
        links.put(pb, pa);
        return this;
    }

    /** A host behind {@code router.dev} sends {@code packet}; it is queued for that router. */
    public SimNetwork inject(String router, String dev, byte[] packet) {
        SimRouter r = router(router);
        enqueue(r, r.dev(dev), packet.clone());
        return this;
    }

    /** Processes queued packets until none is left (or the step bound is hit); returns how many were processed. */
    public int run() {
        int steps = 0;
        while (!queue.isEmpty() && steps < maxSteps) {
            Pending p = queue.poll();
            p.router().pipeline.receive(p.dev(), SkBuff.of(p.packet(), 64));
            steps++;
        }
        return steps;
    }

    /** Moves virtual time on and runs the routers' timers (fragment reassembly expiry). */
    public void advance(long nanos) {
        now += nanos;
        for (SimRouter r : routers.values()) {
            r.pipeline.expireFragments();
        }
    }

    public long now() {
        return now;
    }

    public List<String> trace() {
        return List.copyOf(trace);
    }

    /** Kernel-style one-time warnings of all routers. */
    public List<String> log() {
        return List.copyOf(log);
    }

    /** Packets that left {@code router.dev} towards the host behind it (no link there). */
    public List<byte[]> hostInbox(String router, String dev) {
        return List.copyOf(hostInbox.getOrDefault(router + "/" + dev, List.of()));
    }

    void log(String message) {
        log.add(message);
    }

    void enqueue(SimRouter r, NetDevice dev, byte[] packet) {
        queue.add(new Pending(r, dev, packet));
    }

    void transmit(SimRouter from, NetDevice dev, byte[] packet) {
        Port peer = links.get(new Port(from, dev.name));
        if (peer == null) {
            hostInbox.computeIfAbsent(from.name + "/" + dev.name, k -> new ArrayList<>()).add(packet);
            return;
        }
        enqueue(peer.router(), peer.router().dev(peer.dev()), packet);
    }

    boolean deliverLocal(SimRouter r, byte[] packet, int protocol) {
        return false;
    }

    void trace(SimRouter r, SkBuff skb, Outcome outcome, DropReason reason, NetDevice dev, boolean generated) {
        StringBuilder sb = new StringBuilder(r.name).append(": ").append(outcome);
        if (reason != null) {
            sb.append(' ').append(reason.label());
        }
        if (dev != null) {
            sb.append(' ').append(dev.name);
        }
        sb.append(' ').append(summary(skb));
        if (generated) {
            sb.append(" (generated)");
        }
        trace.add(sb.toString());
    }

    /** "10.0.1.1 > 10.0.9.9 icmp" for the packet as it is now. */
    static String summary(SkBuff skb) {
        if (skb.len < 1) {
            return "(empty)";
        }
        byte[] b = skb.head;
        int off = skb.data;
        int v = (b[off] & 0xff) >>> 4;
        if (v == 4 && skb.len >= Ipv4Header.MIN_LENGTH) {
            Ipv4Header ip = new Ipv4Header().wrap(b, off);
            return Ipv4Header.format(ip.src()) + " > " + Ipv4Header.format(ip.dst()) + " " + proto(ip.protocol());
        }
        if (v == 6 && skb.len >= Ipv6Header.LENGTH) {
            return Ipv6Header.format(b, off + Ipv6Header.SRC) + " > " + Ipv6Header.format(b, off + Ipv6Header.DST)
                    + " " + proto(b[off + Ipv6Header.NEXT_HEADER] & 0xff);
        }
        return "(not ip)";
    }

    private static String proto(int p) {
        return switch (p) {
            case IpProtocol.ICMP -> "icmp";
            case IpProtocol.ICMPV6 -> "icmp6";
            case IpProtocol.UDP -> "udp";
            case IpProtocol.TCP -> "tcp";
            case IpProtocol.GRE -> "gre";
            case IpProtocol.IPIP -> "ipip";
            case IpProtocol.IPV6 -> "ipv6";
            case IpProtocol.ROUTING -> "srh";
            default -> "proto " + p;
        };
    }
}
