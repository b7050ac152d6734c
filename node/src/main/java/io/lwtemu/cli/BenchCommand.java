package io.lwtemu.cli;

import io.lwtemu.ebpf.runtime.ProgramCache;
import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.report.AccountingException;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.FlowSource;
import io.lwtemu.node.traffic.Traffic;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lwtemu bench}: forwarding throughput of a router chain and start-up time of a large topology, measured
 * the way {@code lwtemu run} runs (same loader, builder, engines), with the JVM's own counters for CPU time,
 * allocation and garbage collection, so a figure can be checked against the kernel's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks the emulator: packets/s through a router chain with BPF IPIP encap/decap,",
            "and the start-up time of a large topology. Wall-clock figures; run on a quiet machine."},
        subcommands = {BenchCommand.Chain.class, BenchCommand.Startup.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    enum Engine { actors, sequential }

    enum Encap { ipip, none }

    /** {@code lwtemu bench chain}: one UDP flow h1 -> h2 through N routers. */
    @Command(name = "chain", mixinStandardHelpOptions = true,
            description = {"Forwards one UDP flow h1 -> r1 -> ... -> rN -> h2 (IPIP encap by the ipip-3hop example's",
                "LWT xmit program at r1, decap at rN) and reports delivered packets per second of wall time."})
    static final class Chain implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--hops", defaultValue = "3", description = "routers in the chain (>= 3; default ${DEFAULT-VALUE})")
        int hops;

        @Option(names = "--encap", defaultValue = "ipip", description = "ipip (BPF encap at r1, decap at rN) or none")
        Encap encap;

        @Option(names = "--size", defaultValue = "64", description = "IP packet size in bytes (default ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--packets", defaultValue = "5000000", description = "packets measured (default ${DEFAULT-VALUE})")
        long packets;

        @Option(names = "--warmup", defaultValue = "1000000", description = "packets sent before measuring (default ${DEFAULT-VALUE})")
        long warmup;

        @Option(names = "--engine", defaultValue = "actors", description = "actors (one actor per router, as lwtemu run) or sequential (one thread)")
        Engine engine;

        @Option(names = "--rate", defaultValue = "1Mpps", description = {"emulated flow rate; with --delay it sets the packets per tick",
            "(default ${DEFAULT-VALUE}: ~1000 per tick, whose packets stay in the CPU caches between hops)"})
        String rate;

        @Option(names = "--delay", defaultValue = "1ms", description = "delay of every link, the tick length (default ${DEFAULT-VALUE})")
        String delay;

        @Option(names = "--bandwidth", description = "bandwidth of every link (default unlimited)")
        String bandwidth;

        @Option(names = "--obj", description = "the IPIP encap object (default " + BenchTopology.ENCAP_OBJECT + ")")
        Path obj;

        @Option(names = "--keep", description = "write the generated topology here instead of a temporary directory")
        Path keep;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (size < 28 || size > 1480) {
                throw new UserException("--size " + size + ": expected 28..1480 bytes (UDP over IPv4, room for IPIP)");
            }
            if (packets <= 0 || warmup < 0) {
                throw new UserException("--packets must be > 0 and --warmup >= 0");
            }
            double pps = ratePps(rate);
            long delayNs = LoadedTopology.duration(delay, "--delay");
            if (delayNs <= 0) {
                throw new UserException("--delay must be > 0");
            }
            long bps = bandwidth == null ? 0 : bitRate(bandwidth);
            BenchTopology.Spec s = new BenchTopology.Spec(hops, encap == Encap.ipip, false, size, pps,
                    warmup + packets, delayNs, bps);
            Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("lwtemu-bench");
            try {
                Path file = BenchTopology.write(s, dir,
                        encap == Encap.ipip ? BenchTopology.findEncapObject(obj) : null);
                return run(out, file, pps, delayNs);
            } finally {
                if (keep == null) {
                    deleteTree(dir);
                }
            }
        }

        private int run(PrintWriter out, Path file, double pps, long delayNs) throws Exception {
            long t0 = System.nanoTime();
            Topology topo = load(file);
            Network net = build(topo, spec.commandLine().getErr());
            Traffic traffic = Traffic.install(net, topo, Long.MAX_VALUE, line -> { });
            FlowSource flow = traffic.flows().get(0);
            Router h2 = net.router("h2");
            double startup = (System.nanoTime() - t0) / 1e9;
            // Nodes that handle each packet: h1, every router, h2, and rN once more for the inner packet.
            int events = hops + 2 + (encap == Encap.ipip ? 1 : 0);
            long perTick = Math.max(1, Math.round(pps * delayNs / 1e9));
            out.printf(Locale.ROOT, "lwtemu bench chain: h1 - %s - h2, %s%n", chainName(),
                    encap == Encap.ipip ? "BPF IPIP encap at r1 (lwt_xmit, bpf_lwt_push_encap), ipip decap at r" + hops
                            : "plain IPv4 forwarding");
            out.printf(Locale.ROOT, "  engine %s, %d CPUs, %s, GC %s%n", engine,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), collectors());
            if (collectors().contains("G1")) {
                out.printf(Locale.ROOT, "  (G1's write barrier costs ~17%% CPU per packet here; ./lwtemu runs with "
                        + "-XX:+UseParallelGC unless LWTEMU_JAVA_OPTS names a collector)%n");
            }
            out.printf(Locale.ROOT, "  %d-byte UDP packets, %.0f pps emulated, links %s delay%s: ~%d packets per tick%n",
                    size, pps, delay, bandwidth == null ? "" : ", " + bandwidth, perTick);
            out.printf(Locale.ROOT, "  topology loaded and built in %.3f s%n", startup);
            out.flush();
            long warmEnd = (long) Math.ceil(warmup * 1e9 / pps);
            // The last packet leaves at (count - 1) / rate and needs one link delay per hop (plus one tick) to land.
            long end = (long) Math.ceil((warmup + packets) * 1e9 / pps) + (hops + 3) * delayNs;
            Measure m;
            try (Runner runner = engine == Engine.actors ? new ActorRunner(net) : new SequentialRunner(net)) {
                if (warmup > 0) {
                    long w0 = System.nanoTime();
                    runner.runUntil(warmEnd);
                    out.printf(Locale.ROOT, "  warmup: %d packets sent in %.2f s%n", flow.sent(),
                            (System.nanoTime() - w0) / 1e9);
                    out.flush();
                }
                long deliveredBefore = h2.flows().delivered(flow.flowId);
                m = Measure.start();
                runner.runUntil(end);
                m.stop();
                long delivered = h2.flows().delivered(flow.flowId) - deliveredBefore;
                report(out, m, delivered, events, end - warmEnd, net);
            }
            RunReport rep = RunReport.of(net);
            io.lwtemu.node.report.Tally tot = rep.totals;
            out.printf(Locale.ROOT, "  accounting: sent %d = delivered %d + dropped %d + in flight %d%n", tot.sent,
                    tot.delivered, tot.droppedTotal(), tot.inFlight);
            try {
                rep.check();
            } catch (AccountingException e) {
                spec.commandLine().getErr().println("lwtemu bench: ACCOUNTING VIOLATED: " + e.getMessage());
                return 3;
            }
            if (tot.delivered != flow.sent() || tot.droppedTotal() != 0) {
                spec.commandLine().getErr().printf(Locale.ROOT,
                        "lwtemu bench: %d of %d packets were not delivered (drops: %s); the figures above are not "
                                + "forwarding figures%n", flow.sent() - tot.delivered, flow.sent(), tot.dropsByLabel());
                return 4;
            }
            return 0;
        }

        /** The garbage collectors in use (their write barriers cost per packet: G1's much more than Parallel's). */
        private static String collectors() {
            return String.join(" + ", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
        }

        private String chainName() {
            if (hops <= 5) {
                StringBuilder b = new StringBuilder("r1");
                for (int i = 2; i <= hops; i++) {
                    b.append(" - r").append(i);
                }
                return b.toString();
            }
            return "r1 - ... - r" + hops;
        }

        private void report(PrintWriter out, Measure m, long delivered, int events, long emulatedNs, Network net) {
            double wall = m.wallNs / 1e9;
            out.printf(Locale.ROOT, "  measured: %d packets delivered to h2 in %.3f s of wall time (%.3f s emulated)%n",
                    delivered, wall, emulatedNs / 1e9);
            out.printf(Locale.ROOT, "    %.3f M packets/s   %.0f ns/packet wall   %.0f ns/packet CPU (process, %.2f cores busy)%n",
                    delivered / wall / 1e6, m.wallNs / (double) delivered, m.cpuNs / (double) delivered,
                    m.cpuNs / (double) m.wallNs);
            out.printf(Locale.ROOT, "    %.3f M packet events/s (%d nodes handle each packet)%n",
                    delivered * events / wall / 1e6, events);
            out.printf(Locale.ROOT, "    allocated %.1f B/packet (%.1f B per node visit), %d GCs, %d ms in GC%s%n",
                    m.allocBytes / (double) delivered, m.allocBytes / (double) delivered / events, m.gcCount, m.gcMs,
                    m.jitMs < 0 ? "" : ", JIT compiling " + m.jitMs + " ms");
            out.flush();
        }
    }

    /** {@code lwtemu bench startup}: load, build and start the actors of a big chain, until every router answers. */
    @Command(name = "startup", mixinStandardHelpOptions = true,
            description = {"Generates a chain of N routers (every router loads and verifies the IPIP encap program",
                "on one route) and times loading, building and starting one actor per router until all answer."})
    static final class Startup implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--routers", defaultValue = "1000", description = "routers (default ${DEFAULT-VALUE})")
        int routers;

        @Option(names = "--programs", defaultValue = "all", description = "all (every router loads the BPF object) or ends (only r1)")
        String programs;

        @Option(names = "--obj", description = "the IPIP encap object (default " + BenchTopology.ENCAP_OBJECT + ")")
        Path obj;

        @Option(names = "--no-overlap", description = "start the actor system only after the topology is built "
                + "(by default it starts on another thread while the topology loads, as lwtemu run does)")
        boolean noOverlap;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!programs.equals("all") && !programs.equals("ends")) {
                throw new UserException("--programs '" + programs + "': expected all or ends");
            }
            BenchTopology.Spec s = new BenchTopology.Spec(routers, true, programs.equals("all"), 64, 1000, 0,
                    1_000_000, 0);
            Path dir = Files.createTempDirectory("lwtemu-bench");
            CompletableFuture<ActorDriver> ahead = null;
            ActorDriver driver = null;
            try {
                Path file = BenchTopology.write(s, dir, BenchTopology.findEncapObject(obj));
                Measure m = Measure.start();
                long t0 = System.nanoTime();
                long c0 = Measure.processCpuNs();
                long[] aheadAlloc = new long[1];
                if (!noOverlap) {
                    CompletableFuture<ActorDriver> started = new CompletableFuture<>();
                    Thread t = new Thread(() -> {
                        try {
                            started.complete(ActorDriver.withoutNetwork());
                        } catch (Throwable e) {
                            started.completeExceptionally(e);
                        } finally {
                            aheadAlloc[0] = Measure.currentThreadAllocatedBytes(); // counted here: the thread ends
                        }
                    }, "lwtemu-actor-system-start");
                    t.setDaemon(true);
                    t.start();
                    ahead = started;
                }
                Topology topo = load(file);
                long t1 = System.nanoTime();
                long c1 = Measure.processCpuNs();
                Network net = build(topo, spec.commandLine().getErr());
                long t2 = System.nanoTime();
                long c2 = Measure.processCpuNs();
                driver = ahead != null ? ahead.get(1, TimeUnit.HOURS).attach(net) : new ActorDriver(net);
                long ta = System.nanoTime();
                long ca = Measure.processCpuNs();
                driver.runUntil(0).toCompletableFuture().get(1, TimeUnit.HOURS);
                long t3 = System.nanoTime();
                long c3 = Measure.processCpuNs();
                m.stop();
                m.allocBytes += aheadAlloc[0];
                out.printf(Locale.ROOT, "lwtemu bench startup: %d routers + 2 hosts, %d links, %s%s%n", routers,
                        net.links().size(), programs.equals("all") ? "a BPF object on every router"
                                : "BPF encap at r1 only", noOverlap ? ", actor system started after the build" : "");
                out.printf(Locale.ROOT, "                            wall      CPU (process)%n");
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s%n", "load (YAML, " + Files.size(file) / 1000
                        + " kB)", (t1 - t0) / 1e9, (c1 - c0) / 1e9);
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s%n", "build (FIBs, BPF)", (t2 - t1) / 1e9,
                        (c2 - c1) / 1e9);
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s%n", "actors up, all ticked", (t3 - t2) / 1e9,
                        (c3 - c2) / 1e9);
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s%n", noOverlap ? "  actor system started"
                        : "  actor system (waited)", (ta - t2) / 1e9, (ca - c2) / 1e9);
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s%n", "  spawned, one tick", (t3 - ta) / 1e9,
                        (c3 - ca) / 1e9);
                out.printf(Locale.ROOT, "  %-24s %7.3f s %7.3f s  (allocated %.0f MB, %d GCs)%n", "total",
                        (t3 - t0) / 1e9, (c3 - c0) / 1e9, m.allocBytes / 1e6, m.gcCount);
                ProgramCache cache = ProgramCache.shared();
                out.printf(Locale.ROOT, "  BPF objects parsed %d, programs verified %d, JIT-compiled %d (every other "
                        + "load came from the program cache)%n", cache.parses(), cache.verifications(),
                        cache.compilations());
                return 0;
            } finally {
                if (driver != null) {
                    driver.close();
                } else if (ahead != null) {
                    ahead.thenAccept(ActorDriver::close);
                }
                deleteTree(dir);
            }
        }
    }

    // ------------------------------------------------------------------ shared

    static Topology load(Path file) {
        try {
            return TopologyLoader.load(file);
        } catch (TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    static Network build(Topology topo, PrintWriter err) {
        try {
            return TopologyBuilder.build(topo, line -> {
                synchronized (err) {
                    err.println(line);
                    err.flush();
                }
            });
        } catch (TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    static double ratePps(String text) {
        double v = io.lwtemu.node.topology.Units.packetRate(text);
        if (v <= 0) {
            throw new UserException("--rate '" + text + "': expected e.g. 10Mpps, 500kpps, 1000pps");
        }
        return v;
    }

    static long bitRate(String text) {
        long v = io.lwtemu.node.topology.Units.bitRate(text);
        if (v <= 0) {
            throw new UserException("--bandwidth '" + text + "': expected e.g. 10Gbit, 100Mbit");
        }
        return v;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; leave it
        }
    }

    /** Runs a network to a time, in this thread or on the actors. */
    interface Runner extends AutoCloseable {
        void runUntil(long ns) throws Exception;

        @Override
        void close();
    }

    static final class SequentialRunner implements Runner {
        private final Network net;

        SequentialRunner(Network net) {
            this.net = net;
        }

        @Override
        public void runUntil(long ns) {
            net.runUntil(ns);
        }

        @Override
        public void close() {
        }
    }

    static final class ActorRunner implements Runner {
        private final ActorDriver driver;

        ActorRunner(Network net) {
            this.driver = new ActorDriver(net);
        }

        @Override
        public void runUntil(long ns) throws Exception {
            driver.runUntil(ns).toCompletableFuture().get(1, TimeUnit.HOURS);
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /** Wall time, process CPU time, bytes allocated by all threads, and GCs between start and stop. */
    static final class Measure {
        long wallNs;
        long cpuNs;
        long allocBytes;
        long gcCount;
        long gcMs;
        /** Time the JIT compilers spent compiling (-1: unknown): still compiling hot code means a short warmup. */
        long jitMs;

        static Measure start() {
            Measure m = new Measure();
            m.wallNs = System.nanoTime();
            m.cpuNs = processCpuNs();
            m.allocBytes = allocatedBytes();
            m.gcCount = gcCount();
            m.gcMs = gcMs();
            m.jitMs = jitMs();
            return m;
        }

        void stop() {
            wallNs = System.nanoTime() - wallNs;
            cpuNs = processCpuNs() - cpuNs;
            allocBytes = allocatedBytes() - allocBytes;
            gcCount = gcCount() - gcCount;
            gcMs = gcMs() - gcMs;
            jitMs = jitMs < 0 ? -1 : jitMs() - jitMs;
        }

        private static long jitMs() {
            java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
            return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
        }

        static long processCpuNs() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
        }

        /** Bytes the calling thread allocated so far (0 when the JVM cannot tell). */
        static long currentThreadAllocatedBytes() {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            return t instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()
                    ? sun.getCurrentThreadAllocatedBytes() : 0;
        }

        /** Sum over live threads (threads that end in between are missed; the engines' threads live throughout). */
        private static long allocatedBytes() {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            if (!(t instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
                return 0;
            }
            long sum = 0;
            for (long b : sun.getThreadAllocatedBytes(t.getAllThreadIds())) {
                if (b > 0) {
                    sum += b;
                }
            }
            return sum;
        }

        private static long gcCount() {
            long n = 0;
            for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, g.getCollectionCount());
            }
            return n;
        }

        private static long gcMs() {
            long n = 0;
            for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, g.getCollectionTime());
            }
            return n;
        }
    }
}
