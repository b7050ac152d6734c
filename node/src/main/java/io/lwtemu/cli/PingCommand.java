package io.lwtemu.cli;

import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.traffic.PingSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lwtemu ping TOPOLOGY --from HOST DEST}: iputils ping from a node of the topology (its traffic is not run). */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Sends ICMP echo requests from a node through the emulated network, like iputils ping.")
final class PingCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPOLOGY")
    Path topologyFile;

    @Parameters(index = "1", paramLabel = "DEST", description = "destination address")
    String dest;

    @Option(names = "--from", required = true, paramLabel = "NODE", description = "node to ping from")
    String from;

    @Option(names = "-c", paramLabel = "COUNT", defaultValue = "3", description = "requests to send (default 3)")
    int count;

    @Option(names = "-s", paramLabel = "SIZE", defaultValue = "56", description = "payload bytes (default 56)")
    int size;

    @Option(names = "-i", paramLabel = "INTERVAL", defaultValue = "1s", description = "interval (default 1s)")
    String interval;

    @Option(names = "-M", paramLabel = "PMTUDISC", defaultValue = "do",
            description = "do | want: set DF (default); dont: allow fragmentation")
    String pmtudisc;

    @Option(names = "--trace", description = "print every packet outcome at every hop")
    boolean trace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        LoadedTopology lt = LoadedTopology.load(topologyFile, spec.commandLine().getErr());
        Router r = lt.router(from);
        IpAddress dst = parse(dest);
        if (count < 1 || size < 0 || size > 65507) {
            throw new UserException("bad -c or -s value");
        }
        boolean df = switch (pmtudisc) {
            case "do", "want", "probe" -> true;
            case "dont" -> false;
            default -> throw new UserException("-M: expected do, want, probe or dont, got '" + pmtudisc + "'");
        };
        Network net = lt.network();
        if (trace) {
            net.routers().forEach(x -> x.setTracer(out::println));
        }
        int flow = net.registerFlow("ping");
        PingSession s;
        try {
            s = new PingSession(r, dst, count, size, LoadedTopology.duration(interval, "-i"), 0, df, flow,
                    out::println);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        r.schedule(s);
        long deadline = s.deadline();
        long step = 10_000_000L;
        for (long t = step; !s.done(net.now()) && net.now() < deadline; t += step) {
            net.runUntil(t);
        }
        s.finish();
        out.flush();
        return s.received() > 0 ? 0 : 1;
    }

    static IpAddress parse(String s) {
        try {
            return IpAddress.parse(s);
        } catch (RuntimeException e) {
            throw new UserException("bad destination '" + s + "', expected an IPv4 or IPv6 address");
        }
    }
}
