package io.lwtemu.cli;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.traffic.TracerouteSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lwtemu traceroute TOPOLOGY --from HOST DEST}: UDP traceroute from a node, like traceroute(8). */
@Command(name = "traceroute", mixinStandardHelpOptions = true,
        description = "Traces the path from a node with UDP probes of increasing TTL, like traceroute.")
final class TracerouteCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPOLOGY")
    Path topologyFile;

    @Parameters(index = "1", paramLabel = "DEST")
    String dest;

    @Parameters(index = "2", paramLabel = "PACKETLEN", arity = "0..1", defaultValue = "60",
            description = "IP packet size (default 60)")
    int packetLen;

    @Option(names = "--from", required = true, paramLabel = "NODE")
    String from;

    @Option(names = "-m", paramLabel = "MAX_TTL", defaultValue = "30", description = "max hops (default 30)")
    int maxHops;

    @Option(names = "-w", paramLabel = "WAIT", defaultValue = "5s", description = "wait per probe (default 5s)")
    String wait;

    @Option(names = "--trace", description = "print every packet outcome at every hop")
    boolean trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadedTopology lt = LoadedTopology.load(topologyFile, spec.commandLine().getErr());
        Router r = lt.router(from);
        IpAddress dst = PingCommand.parse(dest);
        Network net = lt.network();
        if (trace) {
            net.routers().forEach(x -> x.setTracer(out::println));
        }
        TracerouteSession s;
        try {
            s = new TracerouteSession(r, dst, maxHops, packetLen, LoadedTopology.duration(wait, "-w"), 0,
                    net.registerFlow("traceroute"), out::println);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        r.schedule(s);
        long step = 100_000_000L;
        for (long t = step; !s.done(); t += step) {
            net.runUntil(t);
        }
        out.flush();
        return 0;
    }
}
