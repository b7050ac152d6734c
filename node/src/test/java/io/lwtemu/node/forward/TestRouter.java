package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * A router for pipeline tests: eth0 10.0.1.254/24 + 2001:db8:1::fe/64 (hosts), eth1 10.0.2.254/24 + 2001:db8:2::fe/64
 * (next router 10.0.2.1), eth2 10.0.3.254/24 (alternative path, next router 10.0.3.1), all MTU 1500, up.
 * The egress records what leaves; {@link #acceptTransmit} simulates a full queue.
 */
final class TestRouter implements Egress {
    record Sent(String dev, byte[] packet, Route route, boolean generated) {}

    final Fib fib = new Fib();
    final NetDevices devices = new NetDevices();
    final List<String> log = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Sent> ingressRedirects = new ArrayList<>();
    final List<String> outcomes = new ArrayList<>();
    final List<byte[]> delivered = new ArrayList<>();
    boolean acceptTransmit = true;
    boolean acceptLocal;
    long now;
    final ForwardingPipeline pipeline;
    final NetDevice eth0;
    final NetDevice eth1;
    final NetDevice eth2;

    TestRouter() {
        eth0 = devices.add("eth0", 1500);
        eth1 = devices.add("eth1", 1500);
        eth2 = devices.add("eth2", 1500);
        for (NetDevice d : List.of(eth0, eth1, eth2)) {
            d.setUp(true);
        }
        devices.addAddress(fib, "eth0", IpAddress.parse("10.0.1.254"), 24);
        devices.addAddress(fib, "eth1", IpAddress.parse("10.0.2.254"), 24);
        devices.addAddress(fib, "eth2", IpAddress.parse("10.0.3.254"), 24);
        devices.addAddress(fib, "eth0", IpAddress.parse("2001:db8:1::fe"), 64);
        devices.addAddress(fib, "eth1", IpAddress.parse("2001:db8:2::fe"), 64);
        pipeline = new ForwardingPipeline(fib, devices, this, log::add, () -> now);
        pipeline.setListener((skb, outcome, reason, dev, generated) -> outcomes.add(
                (generated ? "gen " : "") + outcome + (reason == null ? "" : " " + reason.label())
                        + (dev == null ? "" : " " + dev.name)));
    }

    /** Adds {@code prefix via gw dev} with an optional encap to table main, returns the route. */
    Route route(String prefix, String via, String dev, Object encap) {
        Route r = Route.builder(Prefix.parse(prefix, null)).via(via == null ? null : IpAddress.parse(via)).dev(dev)
                .encap(encap).build();
        fib.replaceRoute(r);
        return r;
    }

    Outcome receive(NetDevice in, byte[] packet) {
        return pipeline.receive(in, SkBuff.of(packet, 32));
    }

    Sent only() {
        if (sent.size() != 1) {
            throw new AssertionError("expected exactly one transmitted packet, got " + sent.size() + ": " + outcomes);
        }
        return sent.get(0);
    }

    @Override
    public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
        if (!acceptTransmit) {
            return false;
        }
        sent.add(new Sent(dev.name, skb.toByteArray(), route, false));
        return true;
    }

    @Override
    public boolean deliverLocal(NetDevice ingress, SkBuff skb, int protocol) {
        if (acceptLocal) {
            delivered.add(skb.toByteArray());
        }
        return acceptLocal;
    }

    @Override
    public void receiveLater(NetDevice dev, SkBuff skb) {
        ingressRedirects.add(new Sent(dev.name, skb.toByteArray(), null, false));
    }
}
