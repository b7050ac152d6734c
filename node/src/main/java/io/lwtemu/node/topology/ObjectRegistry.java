package io.lwtemu.node.topology;

import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** The BPF objects loaded for each router's routes, for {@code lwtemu maps} (like bpftool listing loaded maps). */
public final class ObjectRegistry {
    public record Loaded(ProgRef ref, LoadedObject object) {}

    private static final Map<Router, List<Loaded>> LOADED = Collections.synchronizedMap(new WeakHashMap<>());

    private ObjectRegistry() {
    }

    static void register(Router r, ProgRef ref, LoadedObject obj) {
        LOADED.computeIfAbsent(r, k -> new ArrayList<>()).add(new Loaded(ref, obj));
    }

    public static List<Loaded> of(Router r) {
        List<Loaded> l = LOADED.get(r);
        return l == null ? List.of() : List.copyOf(l);
    }
}
