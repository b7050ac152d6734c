package io.lwtemu.node.cluster;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.fault.ClusterFaults;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Member faults of a cluster experiment, on the client, at the coordinator's tick boundaries (the fault timeline
 * runs on the client's mirror network between ticks, in the coordinator's thread). {@code member kill} SIGKILLs
 * the member's JVM and makes the coordinator treat its routers as lost at that emulated time (what was on its way
 * through them counts as member_down; pinned there, they stay down with their links down); {@code member restart}
 * starts a new JVM and holds emulated time until it has joined and taken its routers back. Partitions are cut by
 * every member in its own data plane ({@link io.lwtemu.node.experiment.MemberExperiment}); here they are only
 * recorded. Also the experiment's side of the coordinator: the timeline's counters and the routers' ledgers.
 */
public final class ClusterFaultsOnRun implements ClusterFaults, RunHooks {
    private final List<String> members;
    private final Map<String, String> placement;
    private final Consumer<String> log;
    private MemberProcesses processes;
    private Experiment experiment;
    private RunControl control;

    public ClusterFaultsOnRun(List<String> members, Map<String, String> placement, Consumer<String> log) {
        this.members = List.copyOf(members);
        this.placement = Map.copyOf(placement);
        this.log = log;
    }

    /** The member JVMs kill and restart act on (null: members this process does not own; kill is refused). */
    public void bind(MemberProcesses processes, Experiment experiment) {
        this.processes = processes;
        this.experiment = experiment;
    }

    @Override
    public void attach(RunControl control) {
        this.control = control;
        if (experiment != null) {
            experiment.readCountersFrom(control::countersOf);
        }
    }

    @Override
    public void ledger(int router, byte[] ledger) {
        if (experiment != null && ledger != null) {
            experiment.takeLedger(router, ledger);
        }
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public void kill(String member) {
        if (processes == null) {
            throw new IllegalArgumentException("member kill needs members started by lwtemu experiment itself");
        }
        String address = processes.address(member);
        processes.kill(member);
        control.memberKilled(member, address);
    }

    @Override
    public void restart(String member) {
        if (processes == null) {
            throw new IllegalArgumentException("member restart needs members started by lwtemu experiment itself");
        }
        processes.restart(member);
        control.awaitMember(member);
    }

    @Override
    public void partition(Map<String, Set<String>> grudge) {
        log.accept("lwtemu: members drop packets from " + grudge);
    }

    @Override
    public void heal() {
        // Members end the cut themselves at the same emulated time.
    }

    @Override
    public Map<String, String> placement() {
        return placement;
    }
}
