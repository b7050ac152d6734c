package io.lwtemu.node.fault;

import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import java.util.ArrayList;
import java.util.List;

/**
 * Installed on the neighbours of a crashed router: packets it had queued on its links but not yet put on the
 * wire die with it. A link direction is FIFO with a known delay, so those are the packets that arrive at the
 * neighbour later than crash time + delay; packets sent after the restart arrive after restart time + delay.
 */
final class CrashWindows implements Router.ArrivalFilter {
    private static final class Window {
        final Port port;
        final long from;
        final long delay;
        long until = Long.MAX_VALUE;
        final Router crashed;

        Window(Port port, long crashNs, long delay, Router crashed) {
            this.port = port;
            this.from = crashNs + delay;
            this.delay = delay;
            this.crashed = crashed;
        }
    }

    private final List<Window> windows = new ArrayList<>();

    /** {@code port} receives from {@code crashed} over a direction with {@code delayNs}. */
    void open(Port port, long crashNs, long delayNs, Router crashed) {
        windows.add(new Window(port, crashNs, delayNs, crashed));
    }

    /** The crashed router is back at {@code restartNs}: its later packets pass. */
    void close(Router crashed, long restartNs) {
        for (Window w : windows) {
            if (w.crashed == crashed && w.until == Long.MAX_VALUE) {
                w.until = restartNs + w.delay;
            }
        }
    }

    @Override
    public DropReason check(Port port, Frame f) {
        long t = port.lastArrival(); // its arrival, the link's serialisation included
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            if (w.port == port && t > w.from && t < w.until) {
                return DropReason.ROUTER_DOWN;
            }
        }
        return null;
    }
}
