package io.lwtemu.node.forward;

import io.lwtemu.node.fib.Route;

/**
 * What a program run may want to know besides the packet: which hook, which route (realm, name), which
 * devices, and the verdict object to fill. Reused by the pipeline for every run.
 */
public final class HookContext {
    public LwtHook hook;
    public Route route;
    /** Name of the program as the route shows it. */
    public String programName;
    /** Device the packet came in on, or null for locally generated packets. */
    public NetDevice ingress;
    /** Device the route sends to, or null. */
    public NetDevice egress;
    /** Pipeline-owned verdict, reset before the run; programs may fill and return it. */
    public final LwtVerdict verdict = new LwtVerdict();
}
