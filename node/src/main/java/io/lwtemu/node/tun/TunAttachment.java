package io.lwtemu.node.tun;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.net.TimerTask;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;

/**
 * One node interface backed by a {@link TunDevice}. Transmit: the router's {@link io.lwtemu.node.net.DeviceDriver}
 * for the interface writes the packet to the device (accepted = delivered to the host). Receive: a reader thread
 * per device queue moves packets from the device into a bounded queue (when it is full the reader waits, and the
 * host kernel's TUN queue fills and drops, as with any slow TUN reader); between ticks the pacer schedules the
 * {@link #injector} on the router, which feeds each packet to {@link Router#receiveFromDevice} at the emulated time
 * it was read (wall clock since the run started, not earlier than the router's clock), so a burst that came in
 * while the routers were busy keeps its spacing instead of entering at one instant.
 */
public final class TunAttachment {
    public static final int RX_QUEUE = 4096;

    public final Router router;
    public final NetDevice device;
    public final TunDevice tun;
    public final int flowId;
    private final ArrayBlockingQueue<Rx> rx = new ArrayBlockingQueue<>(RX_QUEUE);
    /** System.nanoTime() at emulated time 0, set by the pacer. */
    private volatile long origin = System.nanoTime();
    private final Injector injector = new Injector();
    private final Thread[] readers;
    private volatile boolean stopping;
    private volatile Runnable wakeup = () -> { };
    private final Consumer<String> log;

    TunAttachment(Router router, NetDevice device, TunDevice tun, int flowId, Consumer<String> log) {
        this.router = router;
        this.device = device;
        this.tun = tun;
        this.flowId = flowId;
        this.log = log;
        router.setDriver(device, (r, dev, skb, route) -> tun.write(skb.head, skb.data, skb.len));
        this.readers = new Thread[tun.queues()];
        for (int q = 0; q < readers.length; q++) {
            int queue = q;
            readers[q] = new Thread(() -> readLoop(queue), "tun-" + router.name + "-" + device.name + "-" + q);
            readers[q].setDaemon(true);
        }
    }

    void start() {
        for (Thread t : readers) {
            t.start();
        }
    }

    /** A packet read from the device and when (System.nanoTime()). */
    private record Rx(byte[] data, long readAt) {}

    /** The pacer's wall clock at emulated time 0. */
    void origin(long nanoTime) {
        this.origin = nanoTime;
    }

    /** Called by every reader after it queued a packet (the pacer wakes up). */
    void onReceive(Runnable r) {
        this.wakeup = r;
    }

    /** Packets read from the device and not yet in the network. */
    public int pending() {
        return rx.size();
    }

    /** Between ticks only: puts the injector on the router's timer queue when packets wait. */
    boolean scheduleIfPending() {
        if (rx.isEmpty() || injector.scheduled) {
            return false;
        }
        injector.scheduled = true;
        Rx head = rx.peek();
        injector.at = Math.max(router.now(), head == null ? 0 : head.readAt - origin);
        router.schedule(injector);
        return true;
    }

    private void readLoop(int queue) {
        byte[] buf = new byte[65536];
        while (!stopping) {
            int n;
            try {
                n = tun.read(queue, buf, 100);
            } catch (IOException e) {
                if (!stopping) {
                    log.accept("lwtemu: " + router.name + ":" + device.name + ": " + e.getMessage()
                            + "; no more packets from " + tun.name());
                }
                return;
            }
            if (n < 0) {
                return;
            }
            if (n == 0) {
                continue;
            }
            try {
                rx.put(new Rx(Arrays.copyOf(buf, n), System.nanoTime()));
            } catch (InterruptedException e) {
                return;
            }
            wakeup.run();
        }
    }

    /** Stops the readers (within their 100 ms poll) and closes the device. */
    void close() {
        stopping = true;
        for (Thread t : readers) {
            t.interrupt();
        }
        for (Thread t : readers) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tun.close();
    }

    @Override
    public String toString() {
        return router.name + ":" + device.name + " <-> " + tun.name();
    }

    /** Feeds the packets read by now into the router, then waits on the timer queue for the next one's time. */
    private final class Injector extends TimerTask {
        volatile boolean scheduled;

        @Override
        public boolean fire(Router r, long now) {
            for (Rx p; (p = rx.peek()) != null;) {
                long t = p.readAt - origin;
                if (t > now) {
                    at = t;
                    return true;
                }
                rx.poll();
                r.receiveFromDevice(device, p.data, 0, p.data.length, flowId);
            }
            scheduled = false;
            return false;
        }
    }
}
