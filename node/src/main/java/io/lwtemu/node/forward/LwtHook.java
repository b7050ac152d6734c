package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.ProgramType;

/** The three places a route's BPF LWT programs run (net/core/lwt_bpf.c: bpf_input, bpf_output, bpf_xmit). */
public enum LwtHook {
    IN(ProgramType.LWT_IN),
    OUT(ProgramType.LWT_OUT),
    XMIT(ProgramType.LWT_XMIT);

    public final ProgramType programType;

    LwtHook(ProgramType programType) {
        this.programType = programType;
    }

    /** Only xmit may redirect (run_lwt_bpf's can_redirect). */
    public boolean canRedirect() {
        return this == XMIT;
    }
}
