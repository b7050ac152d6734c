package io.lwtemu.node.sim;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigApplier;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.seg6.Seg6;
import io.lwtemu.node.tunnel.Tunnels;
import java.nio.file.Path;
import java.util.List;

/**
 * One router of a {@link SimNetwork}: FIB, devices, forwarding pipeline, tunnels and SRv6, configured from an
 * iproute2 script. Its {@link Egress} hands packets to the network, which moves them over links.
 */
public final class SimRouter implements Egress {
    public final String name;
    public final Fib fib = new Fib();
    public final NetDevices devices = new NetDevices();
    public final ForwardingPipeline pipeline;
    public final Tunnels tunnels;
    public final Seg6 seg6;
    private final SimNetwork network;

    SimRouter(SimNetwork network, String name) {
        this.network = network;
        this.name = name;
        this.pipeline = new ForwardingPipeline(fib, devices, this, network::log, network::now);
        this.tunnels = new Tunnels(fib, devices);
        this.seg6 = new Seg6(network::log);
        tunnels.bind(pipeline, this); // decapsulated packets come back through receiveLater, queued like netif_rx
        pipeline.setListener((skb, outcome, reason, dev, generated) -> network.trace(this, skb, outcome, reason, dev,
                generated));
    }

    /** Creates interfaces (MTU 1500, down until the script sets them up). */
    public SimRouter interfaces(String... names) {
        for (String n : names) {
            devices.add(n, 1500);
        }
        return this;
    }

    /**
     * Applies an iproute2 script. {@code file} (may be null) names it in errors and anchors relative object paths;
     * {@code loader} builds BPF encap state (null when the script has none).
     */
    public SimRouter configure(Path file, String script, ConfigApplier.EncapLoader loader) {
        ConfigApplier applier = new ConfigApplier(file, fib, devices, loader, tunnels, seg6);
        List<ConfigCommand> cmds = new IpCommandParser(file, loader != null).parse(script);
        applier.apply(cmds);
        return this;
    }

    public SimRouter configure(String script) {
        return configure(null, script, null);
    }

    public NetDevice dev(String name) {
        NetDevice d = devices.byName(name);
        if (d == null) {
            throw new IllegalArgumentException(this.name + " has no device " + name);
        }
        return d;
    }

    @Override
    public boolean transmit(NetDevice dev, SkBuff skb, Route route) {
        network.transmit(this, dev, skb.toByteArray());
        return true;
    }

    @Override
    public boolean deliverLocal(NetDevice ingress, SkBuff skb, int protocol) {
        return network.deliverLocal(this, skb.toByteArray(), protocol);
    }

    @Override
    public void receiveLater(NetDevice dev, SkBuff skb) {
        network.enqueue(this, dev, skb.toByteArray());
    }

    @Override
    public String toString() {
        return name;
    }
}
