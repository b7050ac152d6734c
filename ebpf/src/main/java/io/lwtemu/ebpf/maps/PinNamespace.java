package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;

import java.util.Map;
import java.util.TreeMap;

/**
 * The emulated BPF filesystem ({@code /sys/fs/bpf}) of one emulated host: maps pinned by path. Pinned maps
 * outlive the objects that created them, so a program reload or a second object with a
 * {@code LIBBPF_PIN_BY_NAME} map of the same name shares the same map, as with libbpf.
 *
 * <p>Unpinning forgets the path but does not close the map: in the kernel a map lives while anything
 * still references it, and programs that use it may still run. Loaders that unload an object should not
 * close maps for which {@link #holds(BpfMap)} is true. Thread-safe.
 */
public final class PinNamespace {
    public static final String DEFAULT_ROOT = "/sys/fs/bpf";

    private final String root;
    private final Map<String, BpfMap> pins = new TreeMap<>();

    public PinNamespace() {
        this(DEFAULT_ROOT);
    }

    /** @param root where {@code LIBBPF_PIN_BY_NAME} maps go (libbpf's {@code pin_root_path}) */
    public PinNamespace(String root) {
        this.root = normalize(root);
    }

    public String root() {
        return root;
    }

    /** Path a {@code LIBBPF_PIN_BY_NAME} map is pinned at: {@code <root>/<name>}. */
    public String pinPath(MapDefinition def) {
        return root + "/" + def.name();
    }

    static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty pin path");
        }
        String p = path.replaceAll("/{2,}", "/");
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /**
     * Pins {@code map} at {@code path} ({@code BPF_OBJ_PIN}).
     *
     * @throws MapCreateException with {@code EEXIST} when something is pinned there already
     */
    public synchronized void pin(String path, BpfMap map) {
        String p = normalize(path);
        if (pins.containsKey(p)) {
            throw new MapCreateException("can't pin map '" + map.name() + "' at '" + p + "': File exists",
                    Errno.EEXIST);
        }
        pins.put(p, map);
    }

    /** The map pinned at {@code path} ({@code BPF_OBJ_GET}), or null. */
    public synchronized BpfMap get(String path) {
        return pins.get(normalize(path));
    }

    /** Removes the pin (unlink of the bpffs file); true when something was pinned there. */
    public synchronized boolean unpin(String path) {
        return pins.remove(normalize(path)) != null;
    }

    /** True when {@code map} is pinned somewhere in this namespace. */
    public synchronized boolean holds(BpfMap map) {
        return pins.containsValue(map);
    }

    /** All pins, sorted by path. */
    public synchronized Map<String, BpfMap> list() {
        return new TreeMap<>(pins);
    }

    /**
     * The map an object's definition resolves to, as libbpf's {@code bpf_object__create_maps} does: for
     * {@code LIBBPF_PIN_BY_NAME} reuse the map pinned at {@code <root>/<name>} when it has the same type,
     * key/value size, max_entries and flags, create and pin it when nothing is pinned there, and fail like
     * libbpf ({@code -EINVAL}) when the pinned map differs. Maps without pinning are always new.
     *
     * @throws MapCreateException on a mismatch, or when the definition itself is invalid
     */
    public BpfMap createOrReuse(MapDefinition def, int cpus) {
        if (def.pinning() != MapDefinition.PIN_BY_NAME) {
            return Maps.create(def, cpus);
        }
        String path = pinPath(def);
        synchronized (this) {
            BpfMap pinned = pins.get(path);
            if (pinned != null) {
                MapDefinition have = pinned.definition();
                boolean cpusDiffer = pinned instanceof PerCpuMap pc && have.type().isPerCpu() && pc.cpus() != cpus;
                if (!have.compatibleWith(def) || cpusDiffer) {
                    throw new MapCreateException("map '" + def.name() + "': couldn't reuse pinned map at '" + path
                            + "': parameter mismatch (pinned: " + describe(have)
                            + (cpusDiffer ? " cpus " + ((PerCpuMap) pinned).cpus() : "")
                            + "; object: " + describe(def) + (cpusDiffer ? " cpus " + cpus : "") + ")",
                            Errno.EINVAL);
                }
                return pinned;
            }
            BpfMap created = Maps.create(def, cpus);
            pins.put(path, created);
            return created;
        }
    }

    static String describe(MapDefinition d) {
        return d.type() + " key " + d.keySize() + " value " + d.valueSize() + " max_entries "
                + Integer.toUnsignedString(d.maxEntries()) + " flags 0x" + Integer.toHexString(d.flags());
    }
}
