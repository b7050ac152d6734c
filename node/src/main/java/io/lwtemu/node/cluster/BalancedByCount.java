package io.lwtemu.node.cluster;

import akka.actor.ActorRef;
import akka.cluster.sharding.ShardCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import scala.concurrent.Future;
import scala.collection.immutable.IndexedSeq;

/**
 * Places router shards (one router each) on the member with the fewest, and moves one at a time from the fullest
 * member to the emptiest while they differ by two or more, so a member that joins takes routers. Akka's
 * least-shard strategy would leave 2-2-1-0 alone (nobody above the ceiling of the mean).
 */
final class BalancedByCount extends ShardCoordinator.AbstractShardAllocationStrategy {
    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId,
            Map<ActorRef, IndexedSeq<String>> current) {
        ActorRef best = null;
        int least = Integer.MAX_VALUE;
        for (Map.Entry<ActorRef, IndexedSeq<String>> e : current.entrySet()) {
            if (e.getValue().size() < least) {
                least = e.getValue().size();
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
        List<IndexedSeq<String>> regions = new ArrayList<>(current.values());
        IndexedSeq<String> most = regions.get(0);
        IndexedSeq<String> least = regions.get(0);
        for (IndexedSeq<String> r : regions) {
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
        return Future.successful(Set.of(most.apply(0)));
    }
}
