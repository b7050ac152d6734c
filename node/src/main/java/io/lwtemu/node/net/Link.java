package io.lwtemu.node.net;

import io.lwtemu.node.impair.NetemSpec;
import java.util.SplittableRandom;

/**
 * A point-to-point link between two router ports; both directions go down and up together. Each direction
 * ({@link #aToB()}, {@link #bToA()}) may carry its own netem impairment.
 */
public final class Link {
    public final Port a;
    public final Port b;
    private volatile boolean up = true;

    Link(Port a, Port b) {
        this.a = a;
        this.b = b;
        setSeed(1);
    }

    /** The direction a sends on (a to b). */
    public LinkDirection aToB() {
        return a.out;
    }

    /** The direction b sends on (b to a). */
    public LinkDirection bToA() {
        return b.out;
    }

    /**
     * Seeds both directions' impairment streams from the experiment seed and the direction names
     * ("r1:eth1>r2:eth0"), so a direction's decisions do not depend on link order or on other links' traffic.
     */
    public void setSeed(long experimentSeed) {
        a.out.setSeed(directionSeed(experimentSeed, a + ">" + b));
        b.out.setSeed(directionSeed(experimentSeed, b + ">" + a));
    }

    static long directionSeed(long experimentSeed, String direction) {
        long h = 1125899906842597L;
        for (int i = 0; i < direction.length(); i++) {
            h = 31 * h + direction.charAt(i);
        }
        return new SplittableRandom(experimentSeed ^ h * 0x9E3779B97F4A7C15L).nextLong();
    }

    /** Sets the same netem impairment on both directions (null removes it); between ticks. */
    public void setNetem(NetemSpec spec) {
        a.out.setNetem(spec);
        b.out.setNetem(spec);
    }

    public void clearNetem() {
        setNetem(null);
    }

    /**
     * Changes the MTU of the link: both interfaces take it ({@code ip link set dev X mtu N} at both ends), so the
     * senders fragment or answer frag-needed and the receivers refuse bigger frames as {@code mtu}. Between ticks.
     */
    public void setMtu(int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("link MTU " + mtu + " out of range 68..65535");
        }
        a.device.mtu(mtu);
        b.device.mtu(mtu);
        a.out.setMtu(mtu);
        b.out.setMtu(mtu);
    }

    public boolean isUp() {
        return up;
    }

    /**
     * Takes the link down or up: the interfaces at both ends follow (carrier), and packets still travelling on
     * a down link are dropped as {@code link_down} when they reach the far end. Call from the owning routers'
     * thread or between runs.
     */
    public void setUp(boolean up) {
        this.up = up;
        a.device.setUp(up);
        b.device.setUp(up);
    }

    @Override
    public String toString() {
        return a + " <-> " + b;
    }
}
