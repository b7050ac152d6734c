package io.lwtemu.node.fault;

import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A partition between cluster members cut in the emulated data plane, as Jepsen's grudge does with iptables on
 * each node's input: router R drops a packet that arrives over a link from router S when the member hosting S is
 * in the grudge of the member hosting R, counted as {@code partitioned}. The decision depends only on the
 * placement and on the packet's arrival time against the partition's window (from its injection up to its heal),
 * so it is the same on every copy of the network, on every member and in every run with the same seed. Akka's
 * own traffic between the members (gossip, heartbeats, the tick protocol) is not cut.
 */
final class MemberPartition {
    /** One installed grudge: {@code cut[receiver][sender]} member indices, for arrivals in [from, until). */
    private record Window(long from, long[] until, boolean[][] cut) {}

    private final List<String> members;
    /** Member index of each router (by {@link Router#index}), -1 when not placed on a named member. */
    private final int[] memberOf;
    private final List<Window> windows = new ArrayList<>();

    MemberPartition(List<String> members, List<Router> routers, Map<String, String> placement) {
        this.members = List.copyOf(members);
        this.memberOf = new int[routers.size()];
        for (Router r : routers) {
            String m = placement.get(r.name);
            memberOf[r.index] = m == null ? -1 : members.indexOf(m);
        }
    }

    /** Starts cutting by {@code grudge} (member -> members whose packets it drops) at {@code nowNs}. */
    void open(Map<String, Set<String>> grudge, long nowNs) {
        int n = members.size();
        boolean[][] cut = new boolean[n][n];
        grudge.forEach((receiver, senders) -> {
            int r = members.indexOf(receiver);
            for (String s : senders) {
                int si = members.indexOf(s);
                if (r >= 0 && si >= 0) {
                    cut[r][si] = true;
                }
            }
        });
        windows.add(new Window(nowNs, new long[] {Long.MAX_VALUE}, cut));
    }

    /** Every open window ends at {@code nowNs} (heal). */
    void close(long nowNs) {
        for (Window w : windows) {
            if (w.until[0] == Long.MAX_VALUE) {
                w.until[0] = nowNs;
            }
        }
    }

    /** True when a packet arriving at {@code port} at {@code arriveAtNs} is cut. */
    boolean cuts(Port port, long arriveAtNs) {
        if (windows.isEmpty()) {
            return false;
        }
        Link l = port.link();
        Router sender = (l.a == port ? l.b : l.a).router;
        int r = memberOf[port.router.index];
        int s = memberOf[sender.index];
        if (r < 0 || s < 0 || r == s) {
            return false;
        }
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (arriveAtNs >= w.from && arriveAtNs < w.until[0] && w.cut[r][s]) {
                return true;
            }
        }
        return false;
    }

    /** The arrival filter of one router: its crash windows (if a neighbour crashed), then the partition. */
    static final class Arrivals implements Router.ArrivalFilter {
        CrashWindows crash;
        MemberPartition partition;

        @Override
        public DropReason check(Port port, Frame f) {
            if (crash != null) {
                DropReason d = crash.check(port, f);
                if (d != null) {
                    return d;
                }
            }
            return partition != null && partition.cuts(port, port.lastArrival()) ? DropReason.PARTITIONED : null;
        }
    }
}
