package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import io.lwtemu.node.topology.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members of a cluster run as the coordinator knows them: every {@link MemberHost} that built the topology,
 * by cluster address, and where the routers the topology places explicitly ({@code placement:} by member or
 * role) go among them.
 */
final class RunMembers {

    /** A member that built the run's topology. */
    record Host(ActorRef<MemberHost.Command> ref, ActorRef<MemberTicker.Command> ticker, String name,
            List<String> roles, String address) {}

    private final Placement placement;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    /** Member names by address, also of members gone (to name where a lost router was). */
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Set<ActorRef<MemberHost.Command>> asked = new HashSet<>();

    RunMembers(Placement placement) {
        this.placement = placement;
    }

    /** True the first time {@code host} shows up: it is to be asked to prepare the run. */
    boolean firstSeen(ActorRef<MemberHost.Command> host) {
        return asked.add(host);
    }

    void add(Host h) {
        hosts.put(h.address(), h);
        names.put(h.address(), h.name());
    }

    /** Forgets the member at {@code address}; the member, or null when it did not host this run. */
    Host remove(String address) {
        return hosts.remove(address);
    }

    /** The member at {@code address}, or null. */
    Host host(String address) {
        return address == null ? null : hosts.get(address);
    }

    int size() {
        return hosts.size();
    }

    Collection<Host> all() {
        return hosts.values();
    }

    Set<String> addresses() {
        return hosts.keySet();
    }

    /** The member's name, "-" for no member, the address itself for one that never answered. */
    String nameOf(String address) {
        return address == null ? "-" : names.getOrDefault(address, address);
    }

    boolean pinned(String router) {
        return placement.pinned(router);
    }

    /**
     * The member an explicitly placed router goes to: the named one, or the one with the role that hosts the
     * fewest routers of the run; null when there is none.
     */
    Host hostFor(String router, RouterTable table) {
        String member = placement.members().get(router);
        if (member != null) {
            for (Host h : hosts.values()) {
                if (h.name().equals(member)) {
                    return h;
                }
            }
            return null;
        }
        String role = placement.roles().get(router);
        Host best = null;
        int bestCount = Integer.MAX_VALUE;
        for (Host h : hosts.values()) {
            if (h.roles().contains(role)) {
                int c = table.hostedOn(h.address());
                if (c < bestCount) {
                    best = h;
                    bestCount = c;
                }
            }
        }
        return best;
    }

    /** Explicitly placed routers that have no member to go to, as "r1 -> member-a" or "r1 -> role:edge". */
    List<String> unplaceable(List<String> routers, RouterTable table) {
        List<String> missing = new ArrayList<>();
        for (String r : routers) {
            if (placement.pinned(r) && hostFor(r, table) == null) {
                missing.add(r + " -> " + (placement.members().containsKey(r) ? placement.members().get(r)
                        : "role:" + placement.roles().get(r)));
            }
        }
        return missing;
    }

    /** "member-a (akka://lwtemu@127.0.0.1:25520) roles [edge]" for every member, for the progress view. */
    List<String> describe() {
        List<String> m = new ArrayList<>();
        for (Host h : hosts.values()) {
            m.add(h.name() + " (" + h.address() + ")" + (h.roles().isEmpty() ? "" : " roles " + h.roles()));
        }
        return List.copyOf(m);
    }
}
