package io.lwtemu.node.cluster;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A topology file and every BPF object its routes load, as bytes, with their paths relative to the folder that
 * holds all of them. Members write the bundle into a folder of their own and build their routers from it, so the
 * submitting machine's paths need not exist on the members (no shared filesystem assumed).
 *
 * @param topologyPath path of the topology file inside the bundle
 * @param paths        paths of the other files inside the bundle
 * @param contents     their bytes, same order; the topology's are first
 */
public record TopologyBundle(String topologyPath, List<String> paths, List<byte[]> contents) {

    /** Collects {@code topo}'s file and the objects of every {@code encap bpf} route. */
    public static TopologyBundle of(Topology topo) {
        Path file = topo.file().toAbsolutePath().normalize();
        Set<Path> objects = new LinkedHashSet<>();
        for (Topology.NodeSpec n : topo.nodes().values()) {
            for (ConfigCommand c : n.config()) {
                if (c instanceof ConfigCommand.RouteCmd rc && rc.encap() instanceof EncapSpec.Bpf b) {
                    for (ProgRef ref : new ProgRef[] {b.in(), b.out(), b.xmit()}) {
                        if (ref != null) {
                            objects.add(ref.object().toAbsolutePath().normalize());
                        }
                    }
                }
            }
        }
        Path root = file.getParent();
        for (Path o : objects) {
            while (!o.startsWith(root)) {
                root = root.getParent();
            }
        }
        List<String> paths = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try {
            paths.add(root.relativize(file).toString());
            contents.add(Files.readAllBytes(file));
            for (Path o : objects) {
                paths.add(root.relativize(o).toString());
                contents.add(Files.readAllBytes(o));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + e.getMessage(), e);
        }
        return new TopologyBundle(paths.get(0), List.copyOf(paths), List.copyOf(contents));
    }

    /** Writes the files under {@code dir} and returns the topology file's path there. */
    public Path writeTo(Path dir) {
        try {
            for (int i = 0; i < paths.size(); i++) {
                Path p = dir.resolve(paths.get(i)).normalize();
                if (!p.startsWith(dir)) {
                    throw new IllegalArgumentException("bundle path escapes its folder: " + paths.get(i));
                }
                Files.createDirectories(p.getParent());
                Files.write(p, contents.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write topology bundle to " + dir + ": " + e.getMessage(), e);
        }
        return dir.resolve(topologyPath);
    }

    /** Bytes of all files, for logs. */
    public long size() {
        long n = 0;
        for (byte[] b : contents) {
            n += b.length;
        }
        return n;
    }
}
