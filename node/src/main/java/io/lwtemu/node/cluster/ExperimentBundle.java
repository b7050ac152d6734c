package io.lwtemu.node.cluster;

import io.lwtemu.node.config.ConfigCommand;
import io.lwtemu.node.config.EncapSpec;
import io.lwtemu.node.config.ProgRef;
import io.lwtemu.node.experiment.MemberExperiment;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.fault.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link TopologyBundle} of a cluster experiment: the topology and its objects as for any run, plus the
 * scenario file, the objects its {@code prog swap} and {@code ip route ... encap bpf} faults load and a
 * {@link MemberExperiment#DESCRIPTOR} with the seed and duration, so every member builds its copies with the same
 * fault timeline as the client.
 */
public final class ExperimentBundle {
    private ExperimentBundle() {
    }

    public static TopologyBundle of(Scenario sc, long seed, long durationNs) {
        TopologyBundle base = TopologyBundle.of(sc.topology());
        Path topoFile = sc.topology().file().toAbsolutePath().normalize();
        Path baseRoot = topoFile;
        for (Path p = Path.of(base.topologyPath()); p != null; p = p.getParent()) {
            baseRoot = baseRoot.getParent();
        }
        Set<Path> extra = new LinkedHashSet<>();
        Path scenarioFile = sc.file().toAbsolutePath().normalize();
        extra.add(scenarioFile);
        List<Fault> faults = new ArrayList<>();
        sc.faults().forEach(t -> faults.add(t.fault()));
        if (sc.nemesis() != null) {
            faults.addAll(sc.nemesis().faults());
        }
        for (Fault f : faults) {
            if (f instanceof Fault.ProgSwap s) {
                extra.add(s.prog().object().toAbsolutePath().normalize());
            } else if (f instanceof Fault.IpCommand c && c.command() instanceof ConfigCommand.RouteCmd rc
                    && rc.encap() instanceof EncapSpec.Bpf b) {
                for (ProgRef ref : new ProgRef[] {b.in(), b.out(), b.xmit()}) {
                    if (ref != null) {
                        extra.add(ref.object().toAbsolutePath().normalize());
                    }
                }
            }
        }
        Path root = baseRoot;
        for (Path e : extra) {
            while (!e.startsWith(root)) {
                root = root.getParent();
            }
        }
        List<String> paths = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < base.paths().size(); i++) {
            String rel = root.relativize(baseRoot.resolve(base.paths().get(i))).toString();
            seen.add(rel);
            paths.add(rel);
            contents.add(base.contents().get(i));
        }
        try {
            for (Path e : extra) {
                String rel = root.relativize(e).toString();
                if (seen.add(rel)) {
                    paths.add(rel);
                    contents.add(Files.readAllBytes(e));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + e.getMessage(), e);
        }
        paths.add(MemberExperiment.DESCRIPTOR);
        contents.add(MemberExperiment.descriptor(root.relativize(scenarioFile).toString(), seed, durationNs));
        return new TopologyBundle(paths.get(0), List.copyOf(paths), List.copyOf(contents));
    }
}
