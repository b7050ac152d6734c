package io.lwtemu.node.cluster;

import akka.actor.ActorRef;
import akka.cluster.sharding.ShardCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import scala.concurrent.Future;
import scala.collection.immutable.IndexedSeq;

/**
 * Places router shards (one router name each) on the member with the fewest, and moves one at a time from the
 * fullest member to the emptiest while they differ by two or more, so a member that joins takes routers. Akka's
 * least-shard strategy would leave 2-2-1-0 alone (nobody above the ceiling of the mean).
 *
 * <p>Shards stay allocated after their run ends (one entity type serves every run), so only the shards of routers
 * of runs going on count ({@code active}: {@link LocalRun#activeRouterNames()} on the member running the shard
 * coordinator, which prepared every run); the others are neither counted nor moved.
 */
final class BalancedByCount extends ShardCoordinator.AbstractShardAllocationStrategy {
    private final Supplier<Set<String>> active;

    BalancedByCount() {
        this(LocalRun::activeRouterNames);
    }

    BalancedByCount(Supplier<Set<String>> active) {
        this.active = active;
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
            Map<ActorRef, IndexedSeq<String>> current) {
        Set<String> live = active.get();
        ActorRef best = null;
        int least = Integer.MAX_VALUE;
        for (Map.Entry<ActorRef, IndexedSeq<String>> e : current.entrySet()) {
            int c = activeShards(e.getValue(), live).size();
            if (c < least) {
                least = c;
                best = e.getKey();
            }
        }
        return Future.successful(best == null ? requester : best);
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current,
            Set<String> rebalanceInProgress) {
        if (!rebalanceInProgress.isEmpty() || current.size() < 2) {
            return Future.successful(Set.of());
        }
        Set<String> live = active.get();
        List<List<String>> regions = new ArrayList<>();
        for (IndexedSeq<String> r : current.values()) {
            regions.add(activeShards(r, live));
        }
        List<String> most = regions.get(0);
        List<String> least = regions.get(0);
        for (List<String> r : regions) {
            if (r.size() > most.size()) {
                most = r;
            }
            if (r.size() < least.size()) {
                least = r;
            }
        }
        if (most.size() - least.size() < 2) {
            return Future.successful(Set.of());
        }
        return Future.successful(Set.of(most.get(0)));
    }

    private static List<String> activeShards(IndexedSeq<String> shards, Set<String> live) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            if (live.contains(shards.apply(i))) {
                out.add(shards.apply(i));
            }
        }
        return out;
    }
}
