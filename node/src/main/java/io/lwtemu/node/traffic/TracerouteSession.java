package io.lwtemu.node.traffic;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.IcmpListener;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.net.TimerTask;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code traceroute} (UDP method) on an emulated node: three probes per TTL to ports 33434, 33435, ...; each hop
 * answers with ICMP time exceeded, the destination with port unreachable. Probes go one at a time (the real tool
 * sends several at once; in emulated time the result is the same), unanswered ones time out as {@code *}.
 * Output follows traceroute's format.
 */
public final class TracerouteSession extends TimerTask implements IcmpListener {
    public static final int BASE_PORT = Router.TRACEROUTE_PORT_MIN;
    private static final int PROBES = 3;

    private final Router router;
    private final IpAddress dst;
    private final IpAddress src;
    private final int maxHops;
    private final int packetSize;
    private final long waitNs;
    private final int flowId;
    private final Consumer<String> out;
    private final IcmpView view = new IcmpView();
    private int hop = 1;
    private int probe;
    private int probeNumber;
    private long probeSentAt;
    private boolean waiting;
    private boolean reached;
    private boolean done;
    private final StringBuilder line = new StringBuilder();
    private IpAddress lastAddr;

    public TracerouteSession(Router router, IpAddress dst, int maxHops, int packetSize, long waitNs, long startNs,
            int flowId, Consumer<String> out) {
        this.router = router;
        this.dst = dst;
        this.src = SourceAddress.select(router, dst);
        this.maxHops = maxHops;
        int min = dst.family() == Family.INET ? 28 : 48;
        this.packetSize = Math.max(packetSize, min);
        this.waitNs = waitNs;
        this.flowId = flowId;
        this.out = out;
        this.at = startNs;
        out.accept("traceroute to " + dst + " (" + dst + "), " + maxHops + " hops max, " + this.packetSize
                + " byte packets");
        router.addIcmpListener(this);
    }

    public boolean done() {
        return done;
    }

    public boolean reached() {
        return reached;
    }

    @Override
    public boolean fire(Router r, long now) {
        if (done || waiting) {
            return false;
        }
        PacketBuilder b = dst.family() == Family.INET ? PacketBuilder.ipv4(src.toString(), dst.toString())
                : PacketBuilder.ipv6(src.toString(), dst.toString());
        int ipHeader = dst.family() == Family.INET ? 20 : 40;
        byte[] p = b.ttl(hop).id(probeNumber + 1).udp(40000 + (flowId & 0xfff), dport(),
                new byte[packetSize - ipHeader - 8]);
        waiting = true;
        probeSentAt = now;
        final int sentProbe = probeNumber;
        TimerTask timeout = new TimerTask() {
            @Override
            public boolean fire(Router rr, long t) {
                if (waiting && probeNumber == sentProbe) {
                    record(null, 0, "", t);
                }
                return false;
            }
        };
        timeout.at = now + waitNs;
        r.schedule(timeout);
        r.originate(p, flowId);
        return false;
    }

    private int dport() {
        return BASE_PORT + probeNumber;
    }

    @Override
    public boolean onIcmp(Router r, byte[] buf, int ipOff, int l4Off, int len, long now) {
        if (!waiting || !view.parse(buf, ipOff, l4Off, len) || !view.quoted || view.innerProto != 17
                || !view.innerSrc.equals(src) || !view.innerDst.equals(dst)
                || IcmpView.u16(buf, view.innerL4 + 2) != dport()) {
            return false;
        }
        String annotation = "";
        boolean v6 = view.v6;
        boolean timeExceeded = v6 ? view.type == 3 : view.type == 11;
        if (!timeExceeded) {
            boolean portUnreach = v6 ? view.type == 1 && view.code == 4 : view.type == 3 && view.code == 3;
            if (portUnreach) {
                reached = true;
            } else if (!v6 && view.type == 3) {
                annotation = switch (view.code) {
                    case 0 -> " !N";
                    case 1 -> " !H";
                    case 2 -> " !P";
                    case 4 -> " !F-" + view.mtu;
                    case 13 -> " !X";
                    default -> " !<" + view.code + ">";
                };
                reached = true;
            } else if (v6 && view.type == 1) {
                annotation = switch (view.code) {
                    case 0 -> " !N";
                    case 1 -> " !X";
                    case 3 -> " !H";
                    default -> " !<" + view.code + ">";
                };
                reached = true;
            }
        }
        record(view.from, now - probeSentAt, annotation, now);
        return true;
    }

    private void record(IpAddress from, long rttNs, String annotation, long now) {
        waiting = false;
        if (probe == 0) {
            line.setLength(0);
            line.append(String.format(Locale.ROOT, "%2d ", hop));
            lastAddr = null;
        }
        if (from == null) {
            line.append(" *");
        } else {
            if (!from.equals(lastAddr)) {
                line.append(' ').append(from).append(" (").append(from).append(')');
                lastAddr = from;
            }
            line.append(String.format(Locale.ROOT, "  %.3f ms", rttNs / 1e6)).append(annotation);
        }
        probe++;
        probeNumber++;
        if (probe == PROBES) {
            out.accept(line.toString());
            probe = 0;
            hop++;
            if (reached || hop > maxHops) {
                done = true;
                router.removeIcmpListener(this);
                return;
            }
        }
        at = now;
        router.schedule(this);
    }
}
