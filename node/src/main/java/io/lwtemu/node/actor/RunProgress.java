package io.lwtemu.node.actor;

/** What a running network has done so far, published by the {@link NetworkActor} after every tick. */
public final class RunProgress {
    public volatile long emulatedNs;
    public volatile long processed;
    public volatile long delivered;
    public volatile long dropped;
    public volatile long ticks;
    public volatile boolean finished;
}
