package io.lwtemu.cli;

import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.topology.Units;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** A topology file loaded and built for a CLI command; its mistakes become one-line {@link UserException}s. */
record LoadedTopology(Topology topology, Network network) {

    static LoadedTopology load(Path file, PrintWriter err) {
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + ": no such topology file");
        }
        try {
            Topology t = TopologyLoader.load(file);
            Network n = TopologyBuilder.build(t, line -> {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            });
            return new LoadedTopology(t, n);
        } catch (TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    Router router(String name) {
        Router r = network.router(name);
        if (r == null) {
            throw new UserException("no node '" + name + "' in " + topology.file() + " (have: "
                    + String.join(", ", topology.nodes().keySet()) + ")");
        }
        return r;
    }

    static long duration(String text, String option) {
        long ns = Units.durationNs(text);
        if (ns < 0) {
            throw new UserException("bad " + option + " '" + text + "', expected e.g. 500ms, 10s");
        }
        return ns;
    }
}
