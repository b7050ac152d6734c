package io.lwtemu.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster members of an experiment as local JVMs this process owns: each is {@code lwtemu node} started with
 * ProcessBuilder from the same Java and class path, on a free loopback port, with a configuration written into a
 * folder of the run (the settings of cluster-config/cluster-common.conf, the member's name as its
 * {@code lwtemu.cluster.member-name}, the first member as seed). Owning the processes is what makes
 * {@code member kill} a real SIGKILL and {@code member restart} a real new JVM; they are all stopped at the end.
 */
public final class MemberProcesses implements AutoCloseable {
    private final Path dir;
    private final Consumer<String> log;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<String> jvmOptions;

    /**
     * @param dir        folder for the members' configuration files and output ({@code NAME.log})
     * @param jvmOptions options for every member JVM (heap, GC)
     * @param log        receives one line per start and kill
     */
    public MemberProcesses(Path dir, List<String> jvmOptions, Consumer<String> log) {
        this.dir = dir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = log;
    }

    /** Starts {@code names} (the first is the seed the others join); returns the client's configuration. */
    public Config startAll(List<String> names) {
        for (String n : names) {
            ports.put(n, freePort());
        }
        for (String n : names) {
            start(n);
        }
        return clientConfig();
    }

    /** Configuration for a client joining the members that are running now. */
    public Config clientConfig() {
        // The client's view of a member it killed (unreachable, downed) is expected: keep Akka's warnings quiet.
        return ConfigFactory.parseString("akka.loglevel = ERROR").withFallback(config("client", 0));
    }

    /** Member names and their current port. */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    /** The cluster address of {@code member} (as Akka writes it), or null when it is not known. */
    public String address(String member) {
        Integer p = ports.get(member);
        return p == null ? null : "akka://" + ClusterMember.SYSTEM_NAME + "@127.0.0.1:" + p;
    }

    public boolean alive(String member) {
        Process p = processes.get(member);
        return p != null && p.isAlive();
    }

    /** SIGKILL of the member's JVM; returns once the process is gone. */
    public void kill(String member) {
        Process p = processes.get(member);
        if (p == null || !p.isAlive()) {
            throw new IllegalArgumentException("member " + member + " is not running");
        }
        long pid = p.pid();
        p.destroyForcibly(); // SIGKILL on Linux
        waitFor(p, 30);
        log.accept("lwtemu: member " + member + " (pid " + pid + ") killed with SIGKILL");
    }

    /**
     * Starts the member again, in a new JVM on a new free port (the killed incarnation's address may still be
     * known to the cluster as unreachable), joining the members that are up.
     */
    public void restart(String member) {
        if (alive(member)) {
            throw new IllegalArgumentException("member " + member + " is running");
        }
        ports.put(member, freePort());
        start(member);
    }

    private void start(String name) {
        try {
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, configText(name, ports.get(name)));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.lwtemu.cli.Lwtemu", "node",
                    "--config", conf.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.redirectErrorStream(true);
            Process p = pb.start();
            processes.put(name, p);
            Path out = dir.resolve(name + ".log");
            Thread t = new Thread(() -> pump(p, out), "member-" + name);
            t.setDaemon(true);
            t.start();
            log.accept("lwtemu: member " + name + " started (pid " + p.pid() + ", 127.0.0.1:" + ports.get(name)
                    + ", output in " + out + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start member " + name + ": " + e.getMessage(), e);
        }
    }

    private static void pump(Process p, Path out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                var w = Files.newBufferedWriter(out, StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
                w.flush();
            }
        } catch (IOException e) {
            // The member is gone.
        }
    }

    /**
     * Seed nodes: at the start only the first member (it forms the cluster, the others join it); for a member
     * started again, and for the client, every member that is running.
     */
    private String seeds(String self) {
        List<String> seeds = new ArrayList<>();
        boolean again = processes.containsKey(self);
        if (!again && !self.equals("client")) {
            seeds.add(address(ports.keySet().iterator().next()));
        } else {
            for (String m : ports.keySet()) {
                if (!m.equals(self) && alive(m)) {
                    seeds.add(address(m));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String s : seeds) {
            sb.append(sb.length() == 0 ? "" : ", ").append('"').append(s).append('"');
        }
        return sb.toString();
    }

    private Config config(String name, int port) {
        return ConfigFactory.parseString(configText(name, port));
    }

    /** cluster-common.conf's settings for a member on a loopback port, with failure detection for one machine. */
    private String configText(String name, int port) {
        return """
                # Written by lwtemu experiment for member %s (see cluster-config/cluster-common.conf).
                include required(classpath("lwtemu-node.conf"))
                akka {
                  loglevel = "WARNING"
                  loggers = ["akka.event.slf4j.Slf4jLogger"]
                  logging-filter = "akka.event.slf4j.Slf4jLoggingFilter"
                  logger-startup-timeout = 30s
                  actor {
                    provider = "cluster"
                    allow-java-serialization = off
                  }
                  remote.artery {
                    transport = tcp
                    canonical.hostname = "127.0.0.1"
                    canonical.port = %d
                  }
                  cluster {
                    seed-nodes = [%s]
                    downing-provider-class = "akka.cluster.sbr.SplitBrainResolverProvider"
                    split-brain-resolver {
                      active-strategy = keep-majority
                      stable-after = 5s
                      down-all-when-unstable = on
                    }
                    roles = ["%s"]
                    jmx.multi-mbeans-in-same-jvm = on
                  }
                  coordinated-shutdown.exit-jvm = %s
                }
                lwtemu.cluster.member-name = "%s"
                """.formatted(name, port, seeds(name), name, name.equals("client") ? "off" : "on", name);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port: " + e.getMessage(), e);
        }
    }

    private static void waitFor(Process p, int seconds) {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every member still running (SIGTERM: they leave the cluster; SIGKILL after 20 s). */
    @Override
    public void close() {
        for (Process p : processes.values()) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : processes.values()) {
            waitFor(p, 20);
        }
    }
}
