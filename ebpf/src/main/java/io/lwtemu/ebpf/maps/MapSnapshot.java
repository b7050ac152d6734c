package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;

import java.util.ArrayList;
import java.util.List;

/**
 * All entries of a map as the user side sees them, with the definition needed to recreate it: for
 * moving or checkpointing an emulated host's maps. Per-CPU values hold every CPU's value, each padded to
 * 8 bytes, so {@code cpus} is part of the snapshot. Plain data (no references to live maps).
 *
 * @param definition the map's definition
 * @param cpus       CPUs of a per-CPU map (1 otherwise)
 * @param keys       keys in the map's iteration order
 * @param values     values, same order as {@code keys}
 */
public record MapSnapshot(MapDefinition definition, int cpus, List<byte[]> keys, List<byte[]> values) {
    public MapSnapshot {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        keys = List.copyOf(keys);
        values = List.copyOf(values);
    }

    public int size() {
        return keys.size();
    }

    /** Copies every entry of {@code map}. Concurrent updates may or may not be included. */
    public static MapSnapshot capture(BpfMap map) {
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (MapDump.Entry e : MapDump.entries(map)) {
            keys.add(e.key());
            values.add(e.value());
        }
        int cpus = map instanceof PerCpuMap p && map.type().isPerCpu() ? p.cpus() : 1;
        return new MapSnapshot(map.definition(), cpus, keys, values);
    }

    /** A fresh map of the snapshot's definition holding its entries. */
    public BpfMap restore() {
        BpfMap map = Maps.create(definition, cpus);
        restoreInto(map);
        return map;
    }

    /**
     * Writes the entries into {@code map}, which must have a compatible definition (and CPU count).
     * Entries are inserted last to first: hash maps insert at the head of a bucket, so the restored map
     * iterates in the captured order. An LRU map's recency is not part of the snapshot.
     *
     * @throws IllegalArgumentException on a definition mismatch or when the map refuses an entry
     */
    public void restoreInto(BpfMap map) {
        if (!map.definition().compatibleWith(definition)) {
            throw new IllegalArgumentException("map '" + map.name() + "' (" + PinNamespace.describe(map.definition())
                    + ") does not match snapshot of '" + definition.name() + "' (" + PinNamespace.describe(definition) + ")");
        }
        int mapCpus = map instanceof PerCpuMap p && map.type().isPerCpu() ? p.cpus() : 1;
        if (mapCpus != cpus) {
            throw new IllegalArgumentException("map '" + map.name() + "' has " + mapCpus + " CPUs, snapshot " + cpus);
        }
        for (int i = keys.size() - 1; i >= 0; i--) {
            int rc = map.update(keys.get(i), values.get(i), BpfMap.BPF_ANY);
            if (rc != 0) {
                throw new IllegalArgumentException("map '" + map.name() + "': restoring entry " + i + " failed with "
                        + MapCreateException.errnoName(-rc) + (rc == -Errno.E2BIG ? " (map full)" : ""));
            }
        }
    }
}
