package io.lwtemu.node.seg6;

import io.lwtemu.ebpf.vm.ExecutionContext;

/** What an {@link EndBpfProgram} run produced; one instance per seg6local state, reset before every run. */
public final class EndBpfRun {
    /** No routing decision: look up the packet's (new) destination. */
    public static final int NO_ROUTE_ACTION = -1;

    /** r0 (BPF_OK 0, BPF_DROP 2, BPF_REDIRECT 7, anything else is illegal). */
    public int ret;
    /** The program could not complete (runtime fault); {@link #faultMessage} says why. */
    public boolean fault;
    public String faultMessage;
    /** seg6_bpf_has_valid_srh after the run: false when the program left an SRH that no longer validates. */
    public boolean srhValid = true;
    /**
     * The SEG6_LOCAL_ACTION_* a bpf_lwt_seg6_action call asked for (END_X 2, END_T 3, END_DT6 9, B6 13/14) or
     * {@link ExecutionContext.Seg6Route#LOOKUP_NEXTHOP}, else {@link #NO_ROUTE_ACTION}. Only used with BPF_REDIRECT.
     */
    public int routeAction = NO_ROUTE_ACTION;
    public int routeTable;
    /** End.X next hop (16 bytes) when {@link #routeAction} is END_X. */
    public final byte[] nexthop = new byte[16];

    public void reset() {
        ret = 0;
        fault = false;
        faultMessage = null;
        srhValid = true;
        routeAction = NO_ROUTE_ACTION;
        routeTable = 0;
        java.util.Arrays.fill(nexthop, (byte) 0);
    }

    /** Copies the decision the eBPF helpers recorded ({@code ctx.seg6Route}, may be null). */
    public EndBpfRun route(ExecutionContext.Seg6Route r) {
        if (r == null) {
            routeAction = NO_ROUTE_ACTION;
            return this;
        }
        routeAction = r.action();
        routeTable = r.table();
        if (r.nexthop() != null) {
            System.arraycopy(r.nexthop(), 0, nexthop, 0, 16);
        }
        return this;
    }

    public EndBpfRun fault(String message) {
        fault = true;
        faultMessage = message;
        return this;
    }
}
