package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.ProgramType;

/** Where a route's BPF programs run: net/core/lwt_bpf.c bpf_input/bpf_output/bpf_xmit, and seg6local End.BPF. */
public enum LwtHook {
    IN(ProgramType.LWT_IN),
    OUT(ProgramType.LWT_OUT),
    XMIT(ProgramType.LWT_XMIT),
    /** End.BPF of a seg6local route (net/ipv6/seg6_local.c input_action_end_bpf). */
    SEG6LOCAL(ProgramType.LWT_SEG6LOCAL);

    public final ProgramType programType;

    LwtHook(ProgramType programType) {
        this.programType = programType;
    }

    /** Only xmit may redirect (run_lwt_bpf's can_redirect). */
    public boolean canRedirect() {
        return this == XMIT;
    }
}
