package io.lwtemu.sim;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one of the shipped topology-examples/NAME/topology.yaml files, optionally with its text edited
 * (a variant of the example), so the tests check exactly what the examples' READMEs describe.
 */
final class ExampleSim {
    final String yaml;
    final Network net;
    final Traffic traffic;
    final List<String> out = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    private ExampleSim(Path file, String yaml, long runNs) {
        this.yaml = yaml;
        Topology topology = TopologyLoader.parse(file, yaml);
        net = TopologyBuilder.build(topology, log::add);
        traffic = Traffic.install(net, topology, runNs, out::add);
    }

    /** The example's text; edit it and pass it to {@link #run(String, String, long)}. */
    static String text(String example) {
        try {
            return Files.readString(file(example));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the example as shipped for {@code runNs} of emulated time. */
    static ExampleSim run(String example, long runNs) {
        return run(example, text(example), runNs);
    }

    /** Runs an edited text of the example; object paths still resolve against the example's folder. */
    static ExampleSim run(String example, String yaml, long runNs) {
        return runFile(file(example), yaml, runNs);
    }

    /** The text of another topology file of the example folder ({@code topology-ipv6.yaml}, ...). */
    static String text(String example, String fileName) {
        try {
            return Files.readString(file(example, fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code yaml} as if it were the file {@code fileName} of the example folder. */
    static ExampleSim run(String example, String fileName, String yaml, long runNs) {
        return runFile(file(example, fileName), yaml, runNs);
    }

    /** Runs the file {@code path} as shipped. */
    static ExampleSim runFile(Path path, long runNs) {
        try {
            return runFile(path, Files.readString(path), runNs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ExampleSim runFile(Path path, String yaml, long runNs) {
        ExampleSim sim = new ExampleSim(path, yaml, runNs);
        sim.net.runUntil(runNs);
        for (PingSession p : sim.traffic.pings()) {
            p.finish();
        }
        return sim;
    }

    RunReport report() {
        return RunReport.of(net).check();
    }

    /** Returns {@code text} with {@code from} replaced, failing when the example no longer contains it. */
    static String edit(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new IllegalStateException("example text does not contain: " + from);
        }
        return text.replace(from, to);
    }

    private static Path file(String example) {
        return file(example, "topology.yaml");
    }

    private static Path file(String example, String fileName) {
        return Path.of("../topology-examples", example, fileName);
    }
}
