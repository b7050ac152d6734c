package io.lwtemu.node.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lwtemu.node.net.Router;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.util.List;
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
        RouterEntity.setDevices(r, rep.devices());
        try {
            for (Packet p : PacketBatch.parseFrom(rep.inFlight()).getPacketsList()) {
                r.port(p.getIngressIfindex()).arrive(p);
            }
        } catch (InvalidProtocolBufferException e) {
            out.accept("lwtemu: router " + r.name + ": unreadable in-flight packets: " + e.getMessage());
        }
        List<io.lwtemu.node.fib.Route> routes = RouterEntity.mainRoutes(r);
        if (routes.size() == rep.routeHits().length) {
            for (int i = 0; i < routes.size(); i++) {
                r.pipeline().counters().addRouteHits(routes.get(i), rep.routeHits()[i]);
            }
        } else {
            out.accept("lwtemu: router " + r.name + ": route hits not taken: " + rep.routeHits().length
                    + " routes on its member, " + routes.size() + " here");
        }
        if (rep.lost() > 0) {
            out.accept("lwtemu: router " + r.name + ": " + rep.lost() + " packets left no outcome");
        }
    }
}
