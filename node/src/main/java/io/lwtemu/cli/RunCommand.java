package io.lwtemu.cli;

import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.actor.RunProgress;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.AccountingException;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lwtemu run TOPOLOGY}: start every node as an actor, run the topology's traffic, report what happened. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a topology's traffic through the emulated network (one actor per router, emulated time)",
            "and prints per-flow, per-router and per-interface outcomes; every packet is delivered, dropped with a",
            "named reason, or still in flight."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPOLOGY", description = "topology YAML file")
    Path topologyFile;

    @Option(names = "--duration", paramLabel = "TIME", description = "emulated time to run (default: the file's duration)")
    String duration;

    @Option(names = "--report", paramLabel = "FILE", description = "write the JSON report here")
    Path report;

    @Option(names = "--sequential", description = "run all routers in this thread instead of actors (same result)")
    boolean sequential;

    @Option(names = "--trace", description = "print every packet outcome at every hop (verbose)")
    boolean trace;

    @Option(names = "--tun", paramLabel = "real|memory",
            description = "tun: interfaces use real Linux TUN devices (default; paced to the wall clock) or in-memory queues")
    String tun;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedTopology lt = LoadedTopology.load(topologyFile, err);
        Network net = lt.network();
        long until = duration != null ? LoadedTopology.duration(duration, "--duration") : lt.topology().durationNs();
        Traffic traffic;
        try {
            traffic = Traffic.install(net, lt.topology(), until, line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
        } catch (io.lwtemu.node.topology.TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
        net.setActionLog(line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        if (trace) {
            for (Router r : net.routers()) {
                r.setTracer(line -> {
                    synchronized (out) {
                        out.println(line);
                    }
                });
            }
        }
        out.printf(Locale.ROOT, "lwtemu: %s: %d nodes, %d links, %d flows, %d pings; running %.3fs of emulated time%n",
                net.name, net.routers().size(), net.links().size(), traffic.flows().size(), traffic.pings().size(),
                until / 1e9);
        out.flush();
        long wallStart = System.nanoTime();
        long cpuStart = processCpuNs();
        HostDevices host = HostDevices.open(net, lt.topology(), tun, err);
        if (host.paced()) {
            host.runPaced(net, until, sequential, out);
        } else if (sequential) {
            net.runUntil(until);
        } else {
            try (ActorDriver driver = new ActorDriver(net)) {
                CompletableFuture<?> done = driver.runUntil(until).toCompletableFuture();
                showProgress(done, driver.progress(), out, until);
            }
        }
        host.close();
        host.printCaptures(out);
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double cpu = (processCpuNs() - cpuStart) / 1e9;
        for (PingSession p : traffic.pings()) {
            p.finish();
        }
        RunReport rep = RunReport.of(net);
        rep.printSummary(new java.io.PrintStream(new WriterOutputStream(out), true));
        out.printf(Locale.ROOT, "%nwall time %.2fs, process CPU time %.2fs, %d packet events (%.0f/s of wall time)%n",
                wall, cpu, processed(net), processed(net) / Math.max(wall, 1e-9));
        out.flush();
        if (report != null) {
            try {
                rep.writeJson(report);
            } catch (IOException e) {
                throw new UserException("cannot write report " + report + ": " + e.getMessage());
            }
            out.println("report written to " + report);
        }
        try {
            rep.check();
        } catch (AccountingException e) {
            err.println("lwtemu: ACCOUNTING VIOLATED: " + e.getMessage());
            return 3;
        }
        return 0;
    }

    /** CPU time of the whole JVM (all threads), a steadier measure than wall time on a shared machine. */
    private static long processCpuNs() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static long processed(Network net) {
        long p = 0;
        for (Router r : net.routers()) {
            p += r.processed();
        }
        return p;
    }

    /** Once a second: emulated time, packet events and their rate, deliveries and drops. */
    private static void showProgress(CompletableFuture<?> done, RunProgress pr, PrintWriter out, long until)
            throws Exception {
        boolean tty = System.console() != null;
        long lastPackets = 0;
        long lastWall = System.nanoTime();
        while (true) {
            try {
                done.get(1, TimeUnit.SECONDS);
                break;
            } catch (TimeoutException e) {
                long nowWall = System.nanoTime();
                long p = pr.processed;
                double rate = (p - lastPackets) / ((nowWall - lastWall) / 1e9);
                lastPackets = p;
                lastWall = nowWall;
                String line = String.format(Locale.ROOT,
                        "t=%.3fs/%.3fs  packets %d (%.0f/s)  delivered %d  dropped %d", pr.emulatedNs / 1e9,
                        until / 1e9, p, rate, pr.delivered, pr.dropped);
                synchronized (out) {
                    if (tty) {
                        out.print("\r" + line + "   ");
                    } else {
                        out.println(line);
                    }
                    out.flush();
                }
            }
        }
        if (tty) {
            out.println();
        }
    }
}
