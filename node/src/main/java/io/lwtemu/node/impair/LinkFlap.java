package io.lwtemu.node.impair;

import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.Network;

/**
 * A flapping link: down for {@code downNs} every {@code periodNs}, from {@code startNs} until {@code endNs}, then
 * left up. Each down action schedules its up and the next down on the network's timeline, so a long run does
 * not queue all its flaps up front.
 */
public final class LinkFlap {
    private LinkFlap() {
    }

    /** Schedules the flapping of {@code link} on {@code net}'s timeline ({@link Network#at}). */
    public static void schedule(Network net, Link link, long startNs, long downNs, long periodNs, long endNs) {
        if (downNs <= 0 || periodNs <= downNs) {
            throw new IllegalArgumentException("flap needs 0 < down (" + downNs + "ns) < period (" + periodNs
                    + "ns)");
        }
        if (startNs < endNs) {
            net.at(startNs, "link " + link + " down (flap)", () -> down(net, link, startNs, downNs, periodNs,
                    endNs));
        }
    }

    private static void down(Network net, Link link, long at, long downNs, long periodNs, long endNs) {
        link.setUp(false);
        long up = Math.min(at + downNs, endNs);
        net.at(up, "link " + link + " up (flap)", () -> link.setUp(true));
        long next = at + periodNs;
        if (next < endNs) {
            net.at(next, "link " + link + " down (flap)", () -> down(net, link, next, downNs, periodNs, endNs));
        }
    }
}
