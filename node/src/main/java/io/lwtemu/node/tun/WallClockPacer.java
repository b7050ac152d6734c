package io.lwtemu.node.tun;

import io.lwtemu.node.net.Network;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Runs a network in step with the wall clock, as real TUN devices need: emulated time = wall time since the run
 * started. Each round it moves the packets read from the devices into their routers (they enter at the current
 * emulated time), lets the driver run every router up to "now" ({@link Network#runUntil} or the actor driver),
 * and then sleeps until the next emulated event is due or a device has a packet. Packets the routers send out of
 * TUN-backed interfaces are written to the devices during the run.
 */
public final class WallClockPacer {
    /** Longest sleep: a device reader or a stop request wakes the pacer earlier. */
    private static final long MAX_SLEEP_NS = 50_000_000;

    private final Network net;
    private final List<TunAttachment> tuns;
    private final LongConsumer advance;
    private volatile boolean stop;
    private volatile Thread thread;
    private long rounds;

    /**
     * @param advance runs every router up to the given emulated time; the network is quiescent when it returns
     */
    public WallClockPacer(Network net, List<TunAttachment> tuns, LongConsumer advance) {
        this.net = net;
        this.tuns = tuns;
        this.advance = advance;
    }

    /** Runs until emulated (= wall) time {@code untilNs} or {@link #stop()}; returns the emulated time reached. */
    public long run(long untilNs) {
        thread = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(thread);
        for (TunAttachment a : tuns) {
            a.onReceive(wake);
        }
        long origin = System.nanoTime() - net.now();
        for (TunAttachment a : tuns) {
            a.origin(origin);
        }
        try {
            while (!stop) {
                long t = Math.min(untilNs, System.nanoTime() - origin);
                for (TunAttachment a : tuns) {
                    a.scheduleIfPending();
                }
                if (t > net.now()) {
                    advance.accept(t);
                    rounds++;
                }
                if (t >= untilNs) {
                    break;
                }
                long next = Math.min(Math.min(net.nextEventTime(), net.nextActionTime()), untilNs);
                long sleep = Math.min(MAX_SLEEP_NS, next - (System.nanoTime() - origin));
                if (sleep > 0) {
                    LockSupport.parkNanos(this, sleep);
                }
            }
        } finally {
            for (TunAttachment a : tuns) {
                a.onReceive(() -> { });
            }
        }
        return net.now();
    }

    /** Ends {@link #run} at its next round (from any thread). */
    public void stop() {
        stop = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Driver rounds so far (each ran the routers up to the wall clock). */
    public long rounds() {
        return rounds;
    }
}
