package io.lwtemu.node.fault;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.forward.LwtHook;
import io.lwtemu.node.impair.NetemSpec;
import java.util.List;

/**
 * One fault a scenario can inject, as parsed from its one-line command ({@link FaultParser}). Each kind knows
 * what heals it ({@link FaultInjector} applies both); {@link #text()} is the line as the user wrote it.
 */
public sealed interface Fault {
    /** The command as written (for reports). */
    String text();

    /** True for faults only a cluster run can execute (member kill/restart, partitions). */
    default boolean needsCluster() {
        return false;
    }

    /** {@code link down|up NODE:IF}: carrier off/on at both ends. */
    record LinkState(String text, String node, String iface, boolean up) implements Fault {}

    /** {@code link flap NODE:IF [down D] [up U]}: down for D, up for U, repeated while the fault lasts. */
    record LinkFlap(String text, String node, String iface, long downNs, long upNs) implements Fault {}

    /**
     * {@code link impair NODE:IF [both] [set|change] NETEM...} / {@code link impair NODE:IF [both] clear}: netem
     * impairment ({@code tc qdisc ... netem} words) of the direction leaving NODE:IF, or of both directions.
     * {@code netem} is null for clear.
     */
    record LinkImpair(String text, String node, String iface, boolean both, NetemSpec netem) implements Fault {}

    /** {@code router crash NODE}: state lost, everything to and in it dropped as router_down. */
    record RouterCrash(String text, String node) implements Fault {}

    /** {@code router restart NODE}: up again with the configuration of the topology file and fresh maps. */
    record RouterRestart(String text, String node) implements Fault {}

    /** {@code router pause NODE [queue|drop]}: SIGSTOP-like freeze (queue) or a box that drops what arrives. */
    record RouterPause(String text, String node, boolean drop) implements Fault {}

    /** {@code router resume NODE}. */
    record RouterResume(String text, String node) implements Fault {}

    /** {@code NODE: ip route ...} or {@code NODE: ip rule ...}: an iproute2 change at run time. */
    record IpCommand(String text, String node, ConfigCommand command) implements Fault {}

    /**
     * {@code NODE: prog swap PREFIX [table N] in|out|xmit obj FILE section SEC}: replaces one program of a route's
     * {@code encap bpf} state in one step, as a bpf_link update does: each packet runs the old or the new one.
     */
    record ProgSwap(String text, String node, Prefix prefix, int table, LwtHook hook, ProgRef prog)
            implements Fault {}

    /**
     * {@code NODE: bpftool map update|delete pinned PATH|name NAME key [hex] B.. [value [hex] B..] [any|exist|noexist]}.
     * {@code value} is null for delete.
     */
    record MapWrite(String text, String node, String pinnedPath, String mapName, byte[] key, byte[] value,
            long flags) implements Fault {}

    /** {@code member kill M} (SIGKILL of the member's JVM) / {@code member restart M}. */
    record MemberState(String text, String member, boolean up) implements Fault {
        @Override
        public boolean needsCluster() {
            return true;
        }
    }

    /** {@code partition KIND [...]} between cluster members, or {@code partition heal}. */
    record Partition(String text, PartitionKind kind, List<String> from, List<String> to) implements Fault {
        @Override
        public boolean needsCluster() {
            return true;
        }
    }
}
