package io.lwtemu.node.tunnel;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Routers wired by point-to-point links in memory, without actors: each link copies the bytes (a wire) and
 * queues them for the peer, {@link #run()} delivers until the network is quiet. Devices without a link record
 * what leaves them ({@link Router#sent}). Configuration is iproute2 text applied by a tiny test-only applier.
 */
public final class TestNet {
    /** One packet on a wire or leaving a stub device. */
    public record Frame(Router from, String dev, byte[] bytes) {}

    public final class Router implements Egress {
        public final String name;
        public final Fib fib = new Fib();
        public final NetDevices devices = new NetDevices();
        public final Tunnels tunnels = new Tunnels(fib, devices);
        public final ForwardingPipeline pipeline;
        public final List<String> log = new ArrayList<>();
        public final List<Frame> sent = new ArrayList<>();
        public final List<byte[]> deliveredLocally = new ArrayList<>();
        public final List<DropReason> drops = new ArrayList<>();
        /** Turns {@code encap seg6|seg6local} specs into route state (set by SRv6 tests). */
        public Function<EncapSpec, Object> encapLoader = spec -> {
            throw new IllegalArgumentException("no encap loader for " + spec);
        };

        Router(String name) {
            this.name = name;
            pipeline = new ForwardingPipeline(fib, devices, this, log::add, () -> 0L);
            tunnels.bind(pipeline, this);
            pipeline.setListener((skb, outcome, reason, dev, generated) -> {
                if (outcome == Outcome.DROPPED) {
                    drops.add(reason);
                }
            });
        }

        /** Applies iproute2 lines ({@code ip link add}, {@code ip addr add}, {@code ip route add}, {@code ip fou}). */
        public Router config(String text) {
            for (ConfigCommand c : new IpCommandParser(null, false).parse(text)) {
                apply(c);
            }
            return this;
        }

        private void apply(ConfigCommand c) {
            if (c instanceof ConfigCommand.TunnelAdd t) {
                tunnels.apply(t);
            } else if (c instanceof ConfigCommand.FouAdd f) {
                tunnels.apply(f);
            } else if (c instanceof ConfigCommand.AddrAdd a) {
                devices.addAddress(fib, a.dev(), a.address(), a.prefixLength());
            } else if (c instanceof ConfigCommand.LinkSet l) {
                NetDevice d = device(l.dev());
                if (l.up() != null) {
                    d.setUp(l.up());
                }
                if (l.mtu() != null) {
                    d.mtu(l.mtu());
                }
            } else if (c instanceof ConfigCommand.RouteCmd r) {
                if (r.op() == ConfigCommand.RouteCmd.Op.DEL) {
                    fib.table(r.table()).delete(r.prefix(), r.metric(), r.dev(), r.via(), r.type());
                    return;
                }
                Object state = r.encap() == null ? null : encapLoader.apply(r.encap());
                Route route = r.toRoute(state);
                if (r.op() == ConfigCommand.RouteCmd.Op.REPLACE) {
                    fib.table(route.table).replace(route);
                } else {
                    fib.table(route.table).add(route);
                }
            } else {
                throw new IllegalArgumentException("not supported in tests: " + c);
            }
        }

        /** A plain device (no tunnel), up, with the given MTU. */
        public NetDevice addDevice(String dev, int mtu) {
            NetDevice d = devices.add(dev, mtu);
            d.setUp(true);
            return d;
        }

        public NetDevice device(String dev) {
            NetDevice d = devices.byName(dev);
            if (d == null) {
                throw new IllegalArgumentException(name + ": no device " + dev);
            }
            return d;
        }

        /** A packet arrives on {@code dev} from outside; returns its outcome. */
        public Outcome inject(String dev, byte[] packet) {
            return pipeline.receive(device(dev), SkBuff.of(packet, 64));
        }

        /** The bytes last sent out of {@code dev}, or null. */
        public byte[] lastSent(String dev) {
            for (int i = sent.size() - 1; i >= 0; i--) {
                if (sent.get(i).dev().equals(dev)) {
                    return sent.get(i).bytes();
                }
            }
            return null;
        }

        public List<byte[]> sentOn(String dev) {
            List<byte[]> out = new ArrayList<>();
            for (Frame f : sent) {
                if (f.dev().equals(dev)) {
                    out.add(f.bytes());
                }
            }
            return out;
        }

        public long drops(DropReason reason) {
            return pipeline.counters().drops(reason);
        }

        @Override
        public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
            byte[] bytes = skb.toByteArray();
            sent.add(new Frame(this, dev.name, bytes));
            Endpoint peer = links.get(new Endpoint(this, dev.name));
            if (peer != null) {
                wire.add(new Frame(peer.router(), peer.dev(), bytes));
            }
            return true;
        }

        /** netif_rx: the packet is received on {@code dev} when the network runs next (after queued frames). */
        @Override
        public void receiveLater(NetDevice dev, SkBuff skb) {
            wire.add(new Frame(this, dev.name, skb.toByteArray()));
        }

        @Override
        public boolean deliverLocal(NetDevice ingress, SkBuff skb, int protocol) {
            deliveredLocally.add(skb.toByteArray());
            return true;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private record Endpoint(Router router, String dev) {}

    private final Map<String, Router> routers = new HashMap<>();
    private final Map<Endpoint, Endpoint> links = new HashMap<>();
    private final ArrayDeque<Frame> wire = new ArrayDeque<>();

    public Router router(String name) {
        return routers.computeIfAbsent(name, Router::new);
    }

    /** Connects {@code a.devA} and {@code b.devB} (both created, up, MTU 1500). */
    public void link(Router a, String devA, Router b, String devB) {
        a.addDevice(devA, 1500);
        b.addDevice(devB, 1500);
        links.put(new Endpoint(a, devA), new Endpoint(b, devB));
        links.put(new Endpoint(b, devB), new Endpoint(a, devA));
    }

    /** Delivers queued frames (frame.from() is the receiving router here) until none is left. */
    public void run() {
        int guard = 0;
        while (!wire.isEmpty()) {
            if (++guard > 10_000) {
                throw new IllegalStateException("network does not settle");
            }
            Frame f = wire.poll();
            f.from().inject(f.dev(), f.bytes());
        }
    }
}
