package io.lwtemu.node.net;

/** A point-to-point link between two router ports; both directions go down and up together. */
public final class Link {
    public final Port a;
    public final Port b;
    private volatile boolean up = true;

    Link(Port a, Port b) {
        this.a = a;
        this.b = b;
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
