package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.loader.LoadOptions;
import io.lwtemu.ebpf.loader.ObjectLoader;
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
 * host's {@code /sys/fs/bpf}, where pinned maps outlive program reloads. Thread-safe.
 */
public final class BpfRuntime {
    private final int cpus;
    private final PinNamespace pins;

    public BpfRuntime(int cpus) {
        this(cpus, new PinNamespace());
    }

    public BpfRuntime(int cpus, PinNamespace pins) {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be >= 1, got " + cpus);
        }
        this.cpus = cpus;
        this.pins = pins;
    }

    public int cpus() {
        return cpus;
    }

    public PinNamespace pins() {
        return pins;
    }

    /**
     * Loads an object: parses and links it and creates its maps. Programs are verified when prepared
     * ({@link LoadedObject#prepare}), so one bad program does not hide the others from {@code bpf verify}.
     *
     * @param typeOverride program type for every program (as {@code ip route ... encap bpf xmit} implies),
     *                     or null to infer each from its section name
     * @throws BpfLoadException naming the file and what is wrong
     */
    public LoadedObject open(Path file, ProgramType typeOverride) {
        LoadOptions options = new LoadOptions(this::createMap, typeOverride);
        BpfObject object = ObjectLoader.load(file, options);
        return new LoadedObject(object);
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
