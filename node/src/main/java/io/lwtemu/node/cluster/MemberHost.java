package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.lwtemu.node.serialization.ControlMessage;
import io.lwtemu.node.topology.TopologyException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The part of every cluster member that hosts routers: registered with the Receptionist, it builds a submitted
 * topology here ({@link Prepare}), spawns explicitly placed routers, and applies link changes between ticks.
 * Automatically placed routers come through Cluster Sharding but use the same prepared topology.
 */
public final class MemberHost extends AbstractBehavior<MemberHost.Command> {

    public interface Command {}

    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "lwtemu-host");

    /** Build run {@code runId} from {@code bundle}; answered by {@link ClusterRunActor.Prepared}. */
    public record Prepare(String runId, TopologyBundle bundle, long untilNs, ActorRef<ClusterRunActor.Command> replyTo)
            implements Command, ControlMessage {}

    /** Host a router placed on this member by the topology's {@code placement:}. */
    public record SpawnRouter(RouterEntity.Start start) implements Command, ControlMessage {}

    /** Run the scheduled link events due at {@code atNs}; answered by {@link ClusterRunActor.Applied}. */
    public record ApplyActions(String runId, long atNs, ActorRef<ClusterRunActor.Command> replyTo)
            implements Command, ControlMessage {}

    /** Take every link of these routers down (their member is gone) or up again; answered by Applied. */
    public record SetRouterLinks(String runId, List<String> routers, boolean up,
            ActorRef<ClusterRunActor.Command> replyTo)
            implements Command, ControlMessage {}

    /** The run is over: forget it. */
    public record Finish(String runId) implements Command, ControlMessage {}

    public static Behavior<Command> create(String memberName, List<String> roles, Consumer<String> log) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return new MemberHost(ctx, memberName, roles, log);
        });
    }

    private final String memberName;
    private final List<String> roles;
    private final String address;
    private final Consumer<String> log;

    private MemberHost(ActorContext<Command> ctx, String memberName, List<String> roles, Consumer<String> log) {
        super(ctx);
        this.memberName = memberName;
        this.roles = roles;
        this.address = ClusterMember.address(ctx.getSystem());
        this.log = log;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Prepare.class, this::onPrepare)
                .onMessage(SpawnRouter.class, this::onSpawn)
                .onMessage(ApplyActions.class, this::onApply)
                .onMessage(SetRouterLinks.class, this::onSetLinks)
                .onMessage(Finish.class, this::onFinish)
                .build();
    }

    private Behavior<Command> onPrepare(Prepare p) {
        try {
            LocalRun run = LocalRun.prepare(address, p.runId(), p.bundle(), p.untilNs(), log);
            if (run.ticker == null) {
                run.ticker = getContext().spawnAnonymous(MemberTicker.create());
            }
            log.accept("run " + p.runId() + ": topology " + run.topology.name() + " ("
                    + run.topology.nodes().size() + " nodes, " + p.bundle().size() + " bytes) ready");
            p.replyTo().tell(new ClusterRunActor.Prepared(getContext().getSelf(), run.ticker, memberName, roles,
                    address, null));
        } catch (TopologyException | IllegalArgumentException | IllegalStateException
                | java.io.UncheckedIOException e) {
            p.replyTo().tell(new ClusterRunActor.Prepared(getContext().getSelf(), null, memberName, roles, address,
                    e.getMessage()));
        }
        return this;
    }

    private Behavior<Command> onSpawn(SpawnRouter s) {
        RouterEntity.Start st = s.start();
        ActorRef<RouterEntity.Command> ref = getContext().spawnAnonymous(RouterEntity.create(address, log));
        ref.tell(st);
        return this;
    }

    private Behavior<Command> onApply(ApplyActions a) {
        LocalRun run = LocalRun.find(address, a.runId());
        if (run != null) {
            run.applyActions(a.atNs());
        }
        a.replyTo().tell(new ClusterRunActor.Applied(address));
        return this;
    }

    private Behavior<Command> onSetLinks(SetRouterLinks s) {
        LocalRun run = LocalRun.find(address, s.runId());
        if (run != null) {
            for (String r : s.routers()) {
                run.setRouterLinks(r, s.up());
            }
        }
        s.replyTo().tell(new ClusterRunActor.Applied(address));
        return this;
    }

    private Behavior<Command> onFinish(Finish f) {
        LocalRun run = LocalRun.remove(address, f.runId());
        if (run != null && run.ticker != null) {
            getContext().stop(run.ticker);
        }
        log.accept("run " + f.runId() + " finished");
        return this;
    }
}
