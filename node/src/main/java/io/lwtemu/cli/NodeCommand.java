package io.lwtemu.cli;

import com.typesafe.config.Config;
import io.lwtemu.node.cluster.ClusterMember;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lwtemu node --config member-a.conf}: a cluster member that hosts routers of submitted topologies. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Starts a cluster member that hosts routers of topologies submitted with 'lwtemu run",
            "--cluster'. Stays up and prints members joining and leaving and the routers it takes; Ctrl-C leaves",
            "the cluster gracefully (its routers move to the other members)."})
final class NodeCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "the member's HOCON file, e.g. cluster-config/member-a.conf")
    Path config;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE",
            description = "extra cluster roles, for 'placement: {r1: role:NAME}' in topologies")
    List<String> roles = List.of();

    @Option(names = "--name", paramLabel = "NAME",
            description = "member name for 'placement:' (default: lwtemu.cluster.member-name, else the file name)")
    String name;

    @Option(names = "--port", paramLabel = "PORT",
            description = "listen on this port instead of the file's (a further member from the same file)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Config c = MemberConfig.load(config, "--config");
        if (name != null) {
            c = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("lwtemu.cluster.member-name", name))
                    .withFallback(c);
        }
        if (port != null) {
            if (port < 1 || port > 65535) {
                throw new UserException("bad --port " + port + ", expected 1-65535");
            }
            c = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("akka.remote.artery.canonical.port", port))
                    .withFallback(c);
        }
        portFree(c);
        ClusterMember m;
        try {
            m = ClusterMember.startHost(c, MemberConfig.stem(config), roles, line -> print(out, line));
        } catch (RuntimeException e) {
            throw new UserException("cannot start member from " + config + ": " + e.getMessage(), e);
        }
        print(out, String.format(Locale.ROOT, "lwtemu node %s at %s%s; waiting for topologies (Ctrl-C leaves)",
                m.name(), m.address(), roles.isEmpty() ? "" : " roles " + roles));
        m.system().getWhenTerminated().toCompletableFuture().get();
        print(out, "lwtemu node " + m.name() + " stopped");
        return 0;
    }

    /** A second member on the same port would fail deep inside Artery with a stack trace; say it plainly. */
    private void portFree(Config c) {
        Config full = ClusterMember.complete(c);
        String host = full.getString("akka.remote.artery.canonical.hostname");
        int port = full.getInt("akka.remote.artery.canonical.port");
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new UserException("--config " + config + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); is this member already running?");
        }
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
