package io.lwtemu.ebpf.verifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * States stored at one prune point. States whose paths are still being explored ("active", the current
 * path's loop heads) are only used for infinite-loop detection and are indexed by an exact hash so a long
 * loop does not make every visit scan them; finished states are used for pruning.
 */
final class ExploredStates {
    final List<VerifierState> finished = new ArrayList<>();
    final LinkedHashSet<VerifierState> active = new LinkedHashSet<>();
    private final Map<Long, List<VerifierState>> activeByHash = new HashMap<>();

    void addActive(VerifierState st) {
        active.add(st);
        activeByHash.computeIfAbsent(st.exactHash, k -> new ArrayList<>(1)).add(st);
    }

    List<VerifierState> activeWithHash(long hash) {
        return activeByHash.getOrDefault(hash, List.of());
    }

    /** Called when every path below {@code st} has been explored. */
    void finish(VerifierState st, int cap) {
        if (!active.remove(st)) {
            return;
        }
        List<VerifierState> same = activeByHash.get(st.exactHash);
        if (same != null) {
            same.remove(st);
            if (same.isEmpty()) {
                activeByHash.remove(st.exactHash);
            }
        }
        finished.add(st);
        if (finished.size() > cap) {
            finished.remove(0);
        }
    }

    int size() {
        return finished.size() + active.size();
    }
}
