package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.maps.ArrayMap;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapCreateException;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.prog.ProgramType;

import java.nio.file.Path;

/**
 * The emulated {@code bpf(2)} surface that a router or a tool uses, in libbpf's order: open an object,
 * create (or reuse pinned) maps, verify each program for its type, and prepare it to run.
 *
 * <p>One per emulated host: its CPU count sizes per-CPU maps, and its {@link PinNamespace} is that
 * host's {@code /sys/fs/bpf}, where pinned maps outlive program reloads. Parsing, verification and JIT
 * compilation of an object go through a {@link ProgramCache} (by default the process-wide one), so loading the
 * same object again costs only its maps. Thread-safe.
 */
public final class BpfRuntime {
    private final int cpus;
    private final PinNamespace pins;
    private final ProgramCache cache;

    public BpfRuntime(int cpus) {
        this(cpus, new PinNamespace());
    }

    public BpfRuntime(int cpus, PinNamespace pins) {
        this(cpus, pins, ProgramCache.shared());
    }

    public BpfRuntime(int cpus, PinNamespace pins, ProgramCache cache) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1, got " + cpus);
        }
        this.cpus = cpus;
        this.pins = pins;
        this.cache = java.util.Objects.requireNonNull(cache, "cache");
    }

    public int cpus() {
        return cpus;
    }

    public PinNamespace pins() {
        return pins;
    }

    /**
     * Loads an object: parses and links it (or finds it parsed in the cache) and creates its maps, new ones for
     * every load except pinned maps, which are reused by pin path as libbpf does. Programs are verified when
     * prepared ({@link LoadedObject#prepare}), so one bad program does not hide the others from {@code bpf verify}.
     *
     * @param typeOverride program type for every program (as {@code ip route ... encap bpf xmit} implies),
     *                     or null to infer each from its section name
     * @throws BpfLoadException naming the file and what is wrong
     */
    public LoadedObject open(Path file, ProgramType typeOverride) {
        ProgramCache.ObjectEntry entry = cache.object(file, typeOverride);
        BpfObject object = entry.parsed().instantiate(this::createMap);
        return new LoadedObject(object, entry);
    }

    private BpfMap createMap(MapDefinition def, byte[] initialValue) {
        try {
            BpfMap map = pins.createOrReuse(def, cpus);
            if (initialValue != null) {
                int rc = map.update(new byte[4], initialValue, BpfMap.BPF_ANY);
                if (rc != 0) {
                    throw new BpfLoadException("map '" + def.name() + "': cannot set initial contents (errno "
                            + -rc + ")");
                }
                // libbpf freezes .rodata after filling it: user space can no longer change it either.
                if ((def.flags() & MapDefinition.BPF_F_RDONLY_PROG) != 0 && map instanceof ArrayMap array) {
                    array.freeze();
                }
            }
            return map;
        } catch (MapCreateException e) {
            throw new BpfLoadException(e.getMessage(), e);
        }
    }
}
