package io.lwtemu.node.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.ShardingMessageExtractor;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Leave;
import akka.cluster.typed.Subscribe;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An lwtemu actor system in an Akka Cluster: a member that hosts routers ({@link #startHost}, what
 * {@code lwtemu node} runs), or a client that submits a topology ({@link #startClient}, {@code lwtemu run
 * --cluster}). Both start Cluster Sharding for the router entities of all runs (hosted only on members with the
 * {@value #HOST_ROLE} role; the client only routes to them).
 */
public final class ClusterMember implements AutoCloseable {
    /** Members with this role host routers. */
    public static final String HOST_ROLE = "lwtemu-host";
    /** The submitting client's role: it never hosts routers. */
    public static final String CLIENT_ROLE = "lwtemu-client";
    public static final String SYSTEM_NAME = "lwtemu";

    private final ActorSystem<Void> system;
    private final String name;

    private ClusterMember(ActorSystem<Void> system, String name) {
        this.system = system;
        this.name = name;
    }

    /**
     * Starts a member that hosts routers. {@code name} (e.g. member-a, used by {@code placement:}) is taken from
     * {@code lwtemu.cluster.member-name} when the configuration sets it. {@code out} receives membership changes
     * and the routers this member takes or gives up.
     */
    public static ClusterMember startHost(Config user, String name, List<String> roles, Consumer<String> out) {
        List<String> all = new ArrayList<>(roles);
        if (user.hasPath("akka.cluster.roles")) {
            for (String r : user.getStringList("akka.cluster.roles")) {
                if (!all.contains(r)) {
                    all.add(r);
                }
            }
        }
        if (!all.contains(HOST_ROLE)) {
            all.add(HOST_ROLE);
        }
        Config c = ConfigFactory.empty().withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(all))
                .withFallback(user);
        String memberName = c.hasPath("lwtemu.cluster.member-name") ? c.getString("lwtemu.cluster.member-name")
                : name;
        List<String> userRoles = new ArrayList<>(all);
        userRoles.remove(HOST_ROLE);
        Behavior<Void> root = Behaviors.setup(ctx -> {
            initSharding(ctx.getSystem(), out);
            ctx.spawn(MemberHost.create(memberName, List.copyOf(userRoles), out), "lwtemu-host");
            ctx.spawn(membershipPrinter(out), "membership");
            return Behaviors.empty();
        });
        return new ClusterMember(ActorSystem.create(root, SYSTEM_NAME, complete(c)), memberName);
    }

    /** Starts a client that joins the cluster of {@code user} (any member's configuration) on a free port. */
    public static ClusterMember startClient(Config user, Consumer<String> out) {
        Config c = ConfigFactory.parseMap(Map.of("akka.remote.artery.canonical.port", 0,
                "akka.cluster.roles", List.of(CLIENT_ROLE))).withFallback(user);
        Behavior<Void> root = Behaviors.setup(ctx -> {
            initSharding(ctx.getSystem(), out);
            return Behaviors.empty();
        });
        return new ClusterMember(ActorSystem.create(root, SYSTEM_NAME, complete(c)), "client");
    }

    /** The user's configuration over lwtemu's cluster and node defaults. */
    public static Config complete(Config user) {
        return user.withFallback(ConfigFactory.parseResources("lwtemu-cluster.conf"))
                .withFallback(ConfigFactory.parseResources("lwtemu-node.conf"))
                .withFallback(ConfigFactory.load()).resolve();
    }

    /**
     * Starts Cluster Sharding for the routers of all runs, once per system (hosting them on members with the role;
     * a client only routes to them).
     */
    static void initSharding(ActorSystem<?> system, Consumer<String> log) {
        String address = address(system);
        ClusterSharding.get(system).init(Entity.of(RouterEntity.TYPE, ctx -> RouterEntity.create(address, log))
                .withRole(HOST_ROLE)
                .withStopMessage(new RouterEntity.HandOff())
                .withAllocationStrategy(new BalancedByCount())
                .withMessageExtractor(new OneEntityPerShard()));
    }

    /** Each router (by name) is its own shard, so the allocation strategy balances routers by count. */
    static final class OneEntityPerShard
            extends ShardingMessageExtractor<ShardingEnvelope<RouterEntity.Command>, RouterEntity.Command> {
        @Override
        public String entityId(ShardingEnvelope<RouterEntity.Command> envelope) {
            return envelope.entityId();
        }

        @Override
        public String shardId(String entityId) {
            return RouterEntity.shardOf(entityId);
        }

        @Override
        public RouterEntity.Command unwrapMessage(ShardingEnvelope<RouterEntity.Command> envelope) {
            return envelope.message();
        }
    }

    private static Behavior<ClusterEvent.MemberEvent> membershipPrinter(Consumer<String> out) {
        return Behaviors.setup(ctx -> {
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(),
                    ClusterEvent.MemberEvent.class));
            return Behaviors.receiveMessage(e -> {
                String roles = String.join(",", e.member().getRoles().stream()
                        .filter(r -> !r.startsWith("dc-")).sorted().toList());
                String what = e instanceof ClusterEvent.MemberUp ? "up"
                        : e instanceof ClusterEvent.MemberLeft ? "leaving"
                        : e instanceof ClusterEvent.MemberExited ? "exited"
                        : e instanceof ClusterEvent.MemberRemoved ? "removed"
                        : e instanceof ClusterEvent.MemberJoined ? "joining" : null;
                if (what != null) {
                    out.accept("member " + what + ": " + e.member().address() + " [" + roles + "]");
                }
                return Behaviors.same();
            });
        });
    }

    /** This system's cluster address, e.g. akka://lwtemu@127.0.0.1:2551. */
    static String address(ActorSystem<?> system) {
        return Cluster.get(system).selfMember().address().toString();
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public String name() {
        return name;
    }

    public String address() {
        return address(system);
    }

    /** Leaves the cluster gracefully (its routers are handed to the others) and waits until this system stops. */
    public void leave() {
        Cluster c = Cluster.get(system);
        c.manager().tell(Leave.create(c.selfMember().address()));
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Shutting down anyway.
        }
    }
}
