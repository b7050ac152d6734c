package io.lwtemu.cli;

import io.lwtemu.node.actor.ActorDriver;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.pcap.Captures;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.tun.TunAttachments;
import io.lwtemu.node.tun.TunException;
import io.lwtemu.node.tun.WallClockPacer;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * What a run attaches outside the emulated network: the topology's pcap captures and its TUN devices. With real
 * TUN devices the run is paced to the wall clock ({@link WallClockPacer}); without, it runs as fast as it can.
 */
final class HostDevices implements AutoCloseable {
    final Captures captures;
    final TunAttachments tuns;

    /** Closes everything when the JVM exits early (Ctrl-C, an error): no namespace or device is left behind. */
    private final Thread cleanup = new Thread(this::close, "lwtemu-host-devices-cleanup");

    private HostDevices(Captures captures, TunAttachments tuns) {
        this.captures = captures;
        this.tuns = tuns;
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Opens the captures of {@code topo} and, when it has {@code tun:} interfaces, their devices.
     *
     * @param tunMode "real" (default) or "memory", from {@code --tun}
     */
    static HostDevices open(Network net, Topology topo, String tunMode, PrintWriter err) {
        TunAttachments.Mode mode = switch (tunMode == null ? "real" : tunMode) {
            case "real" -> TunAttachments.Mode.REAL;
            case "memory" -> TunAttachments.Mode.MEMORY;
            default -> throw new UserException("--tun: expected real or memory, got '" + tunMode + "'");
        };
        Captures caps = new Captures(line -> log(err, line));
        try {
            for (Topology.CaptureSpec c : topo.captures()) {
                try {
                    caps.add(net, c.node(), c.iface(), c.point(), c.file());
                } catch (IllegalArgumentException | UncheckedIOException e) {
                    throw new UserException(topo.file() + ":" + c.loc().line() + ":" + c.loc().column() + ": "
                            + e.getMessage());
                }
            }
            TunAttachments tuns = null;
            if (TunAttachments.any(topo)) {
                try {
                    tuns = TunAttachments.attach(net, topo, mode, line -> log(err, line));
                } catch (TopologyException | TunException e) {
                    throw new UserException(e.getMessage(), e);
                }
            }
            return new HostDevices(caps, tuns);
        } catch (RuntimeException e) {
            caps.close();
            throw e;
        }
    }

    /** True when real TUN devices are attached: the run must follow the wall clock. */
    boolean paced() {
        return tuns != null && tuns.mode() == TunAttachments.Mode.REAL;
    }

    /** Runs {@code net} up to {@code until} in step with the wall clock (one thread, or the actors). */
    void runPaced(Network net, long until, boolean sequential, PrintWriter out) {
        out.printf(Locale.ROOT, "lwtemu: real TUN devices attached (%s): running in real time for %.3fs, Ctrl-C stops%n",
                String.join(", ", tuns.attachments().stream().map(Object::toString).toList()), until / 1e9);
        out.flush();
        if (sequential) {
            pace(net, until, net::runUntil);
            return;
        }
        try (ActorDriver driver = new ActorDriver(net)) {
            pace(net, until, t -> driver.runUntil(t).toCompletableFuture().join());
        }
    }

    private void pace(Network net, long until, java.util.function.LongConsumer advance) {
        WallClockPacer pacer = new WallClockPacer(net, tuns.attachments(), advance);
        // Ctrl-C: stop pacing (the cleanup hook then removes the devices and namespaces).
        Thread hook = new Thread(pacer::stop, "lwtemu-tun-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            pacer.run(until);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook cleans up
            }
        }
    }

    /** Lines saying how many packets each capture wrote. */
    void printCaptures(PrintWriter out) {
        for (Captures.Capture c : captures.captures()) {
            out.printf(Locale.ROOT, "capture %s:%s (%s): %d packets written to %s%n", c.router.name, c.device.name,
                    Captures.pointName(c.point), c.packets(), c.file);
        }
        out.flush();
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != cleanup) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs anyway
            }
        }
        if (tuns != null) {
            tuns.close();
        }
        captures.close();
    }

    private static void log(PrintWriter err, String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
