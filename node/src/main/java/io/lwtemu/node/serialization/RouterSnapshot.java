package io.lwtemu.node.serialization;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDump;
import io.lwtemu.ebpf.maps.MapSnapshot;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.node.net.Router;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of a router that outlives its programs: every map pinned in its {@code /sys/fs/bpf}, by pin path,
 * at emulated time {@code timeNs}. Taken periodically so a router re-homed after a member loss continues with
 * the map contents of the last snapshot; sent between members through {@link ControlSerializer}.
 *
 * @param router router name
 * @param timeNs emulated time of the capture
 * @param maps   pin path to the map's contents
 */
public record RouterSnapshot(String router, long timeNs, Map<String, MapSnapshot> maps) implements ControlMessage {
    public RouterSnapshot {
        maps = Map.copyOf(maps);
    }

    /** Captures the pinned maps of {@code r}; call on the router's own thread (between ticks or in its actor). */
    public static RouterSnapshot capture(Router r) {
        return capture(r.name, r.now(), r.bpf().pins());
    }

    public static RouterSnapshot capture(String router, long timeNs, PinNamespace pins) {
        Map<String, MapSnapshot> maps = new TreeMap<>();
        for (Map.Entry<String, BpfMap> e : pins.list().entrySet()) {
            maps.put(e.getKey(), MapSnapshot.capture(e.getValue()));
        }
        return new RouterSnapshot(router, timeNs, maps);
    }

    /**
     * Makes the pinned maps of {@code pins} hold the snapshot's entries. A path with nothing pinned gets a new
     * map (so a program loaded afterwards reuses it, as libbpf does with pinned maps); a map already pinned
     * there is overwritten, and its keys absent from the snapshot are deleted, so it equals the snapshot
     * (arrays keep every index, all of which the snapshot holds). Maps pinned only in {@code pins} stay.
     *
     * @throws IllegalArgumentException when a pinned map's shape differs from the snapshot's
     */
    public void restoreInto(PinNamespace pins) {
        for (Map.Entry<String, MapSnapshot> e : new TreeMap<>(maps).entrySet()) {
            MapSnapshot s = e.getValue();
            BpfMap have = pins.get(e.getKey());
            if (have == null) {
                pins.pin(e.getKey(), s.restore());
                continue;
            }
            Set<Key> keep = new HashSet<>();
            for (byte[] k : s.keys()) {
                keep.add(new Key(k));
            }
            if (!have.type().name().contains("ARRAY")) {
                for (MapDump.Entry old : MapDump.entries(have)) {
                    if (!keep.contains(new Key(old.key()))) {
                        have.delete(old.key());
                    }
                }
            }
            s.restoreInto(have);
        }
    }

    /** Restores into the pinned maps of {@code r}; call before it runs again. */
    public void restoreInto(Router r) {
        restoreInto(r.bpf().pins());
    }

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
