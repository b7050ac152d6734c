package io.lwtemu.node.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.util.function.Consumer;

/**
 * Writes the final {@link ClusterRunActor.RouterReport} of a router into its copy in the client's mirror network,
 * so the run ends with the same {@link io.lwtemu.node.report.RunReport} as an embedded one: flow and device
 * counters, interface state and the packets still in flight (put back on their links).
 */
final class RouterReports {
    private RouterReports() {
    }

    /** A router that did not run to the end (down): only what its earlier incarnations counted. */
    static void applyBase(Router mirror, long[] base) {
        mirror.flows().addVector(base);
    }

    static void apply(Router r, long[] base, ClusterRunActor.RouterReport rep, Consumer<String> out) {
        r.flows().addVector(base);
        r.flows().addVector(rep.flows());
        r.deviceOutcomes().addVector(rep.deviceOutcomes());
        for (long[] d : rep.devices()) {
            NetDevice dev = r.devices().byIndex((int) d[0]);
            if (dev == null) {
                continue;
            }
            dev.mtu((int) d[1]);
            dev.setUp(d[2] == 1);
            dev.rxPackets = d[3];
            dev.rxBytes = d[4];
            dev.rxDropped = d[5];
            dev.txPackets = d[6];
            dev.txBytes = d[7];
            dev.txDropped = d[8];
            Port p = r.port(dev.ifindex);
            if (p != null) {
                p.out.queueDrops = d[9];
            }
        }
        try {
            for (Packet p : PacketBatch.parseFrom(rep.inFlight()).getPacketsList()) {
                r.port(p.getIngressIfindex()).arrive(p);
            }
        } catch (InvalidProtocolBufferException e) {
            out.accept("lwtemu: router " + r.name + ": unreadable in-flight packets: " + e.getMessage());
        }
        if (rep.lost() > 0) {
            out.accept("lwtemu: router " + r.name + ": " + rep.lost() + " packets left no outcome");
        }
    }
}
