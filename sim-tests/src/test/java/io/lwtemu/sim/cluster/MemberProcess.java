package io.lwtemu.sim.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** A cluster member in its own JVM ({@code lwtemu node --config FILE}) started from the test classpath. */
final class MemberProcess implements AutoCloseable {
    final String name;
    final int port;
    private final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    private MemberProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
        Thread t = new Thread(this::pump, "out-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Starts member {@code name} on {@code port}, joining the seed on {@code seedPort}. */
    static MemberProcess start(Path dir, String name, int port, int seedPort) {
        try {
            Path conf = dir.resolve(name + ".conf");
            Files.writeString(conf, TestCluster.memberConfig(name, port, seedPort).root()
                    .render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true)));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "io.lwtemu.cli.Lwtemu", "node", "--config",
                    conf.toString());
            pb.redirectErrorStream(true);
            return new MemberProcess(name, port, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                TestCluster.LOG.add(name + "| " + line);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    void awaitLine(Predicate<String> p, String what) {
        TestCluster.await(name + ": " + what, () -> {
            synchronized (lines) {
                return lines.stream().anyMatch(p);
            }
        }, Duration.ofSeconds(90));
    }

    String address() {
        return "akka://lwtemu@127.0.0.1:" + port;
    }

    /** SIGKILL: no goodbye to the cluster. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: the member leaves the cluster gracefully (Akka's coordinated shutdown runs in the JVM hook). */
    void stop() {
        process.destroy();
        waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }
}
