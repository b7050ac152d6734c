package io.lwtemu.cli;

import io.lwtemu.node.net.Router;
import io.lwtemu.node.traffic.Traffic;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Options shared by routes, links and maps: which topology and router, and optionally run its traffic first. */
final class InspectOptions {
    @Parameters(index = "0", paramLabel = "TOPOLOGY")
    Path topologyFile;

    @Option(names = "--router", required = true, paramLabel = "NODE")
    String router;

    @Option(names = "--after", paramLabel = "TIME",
            description = "run the topology's traffic for this emulated time first (counters, maps)")
    String after;

    Router load(PrintWriter err) {
        LoadedTopology lt = LoadedTopology.load(topologyFile, err);
        Router r = lt.router(router);
        if (after != null) {
            long until = LoadedTopology.duration(after, "--after");
            Traffic.install(lt.network(), lt.topology(), until, line -> { });
            lt.network().runUntil(until);
        }
        return r;
    }
}
