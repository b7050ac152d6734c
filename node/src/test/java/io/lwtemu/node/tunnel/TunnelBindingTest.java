package io.lwtemu.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.IpCommandParser;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.forward.Egress;
import io.lwtemu.node.forward.ForwardingPipeline;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two ways decapsulated packets come back: at once (bind(pipeline)) or through the backlog (receiveLater). */
class TunnelBindingTest {
    private final Fib fib = new Fib();
    private final NetDevices devices = new NetDevices();
    private final List<String> sentOn = new ArrayList<>();
    private final List<SkBuff> backlog = new ArrayList<>();
    private final List<NetDevice> backlogDevs = new ArrayList<>();
    private final Egress egress = new Egress() {
        @Override
        public boolean transmit(NetDevice dev, SkBuff skb, io.lwtemu.node.fib.Route route) {
            sentOn.add(dev.name);
            return true;
        }

        @Override
        public void receiveLater(NetDevice dev, SkBuff skb) {
            backlogDevs.add(dev);
            backlog.add(skb);
        }
    };
    private final ForwardingPipeline pipeline = new ForwardingPipeline(fib, devices, egress, s -> { }, () -> 0);
    private final Tunnels tunnels = new Tunnels(fib, devices);

    private NetDevice setUp() {
        NetDevice eth0 = devices.add("eth0", 1500);
        devices.add("lan", 1500).setUp(true);
        eth0.setUp(true);
        devices.addAddress(fib, "eth0", IpAddress.parse("10.0.12.2"), 24);
        devices.addAddress(fib, "lan", IpAddress.parse("10.0.2.1"), 24);
        tunnels.apply((ConfigCommand.TunnelAdd) new IpCommandParser(null, false)
                .parseLine("ip link add gre1 type gre local 10.0.12.2 remote 10.0.12.1", 1)).device().setUp(true);
        return eth0;
    }

    private static SkBuff greFromPeer() {
        byte[] inner = PacketBuilder.ipv4("10.0.1.5", "10.0.2.7").udp(1, 2, new byte[8]);
        byte[] p = new byte[24 + inner.length];
        new Ipv4Header().wrap(p, 0).versionAndHeaderLength(20).totalLength(p.length).ttl(64)
                .protocol(IpProtocol.GRE).src(Ipv4Header.parse("10.0.12.1")).dst(Ipv4Header.parse("10.0.12.2"))
                .updateChecksum();
        Bytes.put16(p, 22, 0x0800);
        System.arraycopy(inner, 0, p, 24, inner.length);
        return SkBuff.of(p, 64);
    }

    @Test
    void shouldReceiveTheInnerPacketAtOnceWithoutABacklog() {
        NetDevice eth0 = setUp();
        tunnels.bind(pipeline);
        assertThat(pipeline.receive(eth0, greFromPeer())).as("the inner packet's outcome").isEqualTo(Outcome.FORWARDED);
        assertThat(sentOn).containsExactly("lan");
        assertThat(backlog).isEmpty();
    }

    @Test
    void shouldQueueTheInnerPacketOnTheTunnelDeviceWithABacklog() {
        NetDevice eth0 = setUp();
        tunnels.bind(pipeline, egress);
        assertThat(pipeline.receive(eth0, greFromPeer())).isEqualTo(Outcome.DELIVERED);
        assertThat(sentOn).isEmpty();
        assertThat(backlogDevs).containsExactly(devices.byName("gre1"));
        assertThat(pipeline.receive(backlogDevs.get(0), backlog.get(0))).isEqualTo(Outcome.FORWARDED);
        assertThat(sentOn).containsExactly("lan");
        assertThat(devices.byName("gre1").rxPackets).isEqualTo(1);
    }
}
