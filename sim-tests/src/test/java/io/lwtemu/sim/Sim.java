package io.lwtemu.sim;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.topology.TunnelSupport;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads inline topologies next to the example objects and runs them in emulated time. */
final class Sim {
    /** Object paths in inline topologies resolve against the ipip-3hop example folder. */
    static final Path EXAMPLE_DIR = Path.of("../topology-examples/ipip-3hop");

    final Topology topology;
    final Network net;
    final Traffic traffic;
    final List<String> out = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    private Sim(String yaml, long runNs, TunnelSupport tunnels) {
        topology = TopologyLoader.parse(EXAMPLE_DIR.resolve("inline-test.yaml"), yaml);
        net = TopologyBuilder.build(topology, tunnels, log::add);
        traffic = Traffic.install(net, topology, runNs, out::add);
    }

    static Sim of(String yaml, long runNs) {
        return new Sim(yaml, runNs, new TestIpipDecap());
    }

    RunReport run(long untilNs) {
        net.runUntil(untilNs);
        for (PingSession p : traffic.pings()) {
            p.finish();
        }
        return RunReport.of(net);
    }

    /**
     * Stand-in for the tunnels module in these tests: an {@code ipip} device decapsulates every IPIP packet for
     * the node by re-receiving the inner packet on the tunnel device. (No address checks: the real module has
     * them.)
     */
    static final class TestIpipDecap implements TunnelSupport {
        @Override
        public void apply(Router router, ConfigCommand command) {
            if (!(command instanceof ConfigCommand.TunnelAdd t) || t.kind() != ConfigCommand.TunnelKind.IPIP) {
                throw new IllegalArgumentException("test tunnel support only knows ipip");
            }
            NetDevice dev = router.devices().add(t.name(), 1480);
            router.pipeline().setProtocolHandler(IpProtocol.IPIP, (skb, in, l4) -> {
                byte[] inner = new byte[skb.data + skb.len - l4];
                System.arraycopy(skb.head, l4, inner, 0, inner.length);
                router.pipeline().receive(dev, SkBuff.of(inner, 64));
                return true;
            });
        }

        @Override
        public Object encapState(Router router, EncapSpec spec) {
            throw new IllegalArgumentException("no seg6 in tests");
        }
    }
}
