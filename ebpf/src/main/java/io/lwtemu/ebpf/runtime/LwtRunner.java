package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.ExecutionContext;

/**
 * Runs LWT programs on packets for one thread, the way {@code run_lwt_bpf} does: context and packet
 * regions installed, cb hidden from the program, the program's return code handed back unchanged for the
 * caller (the router) to interpret. Reuses its state across runs; not thread-safe.
 */
public final class LwtRunner {
    private final ExecutionContext ctx;
    private final LwtRun run;

    public LwtRunner() {
        this(new ExecutionContext());
    }

    public LwtRunner(ExecutionContext ctx) {
        this.ctx = ctx;
        this.run = new LwtRun(ctx);
    }

    /** The execution context: set {@code cpu}, {@code clock}, {@code random}, {@code trace} here. */
    public ExecutionContext context() {
        return ctx;
    }

    LwtRun lwtRun() {
        return run;
    }

    /**
     * Runs {@code program} on {@code skb}; effects (redirect, clones) are left in {@link #context()}.
     *
     * @param device egress ifindex for xmit, ingress ifindex for in, ignored for out
     * @return the program's r0
     * @throws io.lwtemu.ebpf.vm.BpfFault when the program faults (the caller drops the packet)
     */
    public long run(LoadedProgram program, SkBuff skb, int device) {
        long r1 = run.begin(skb, program.program().type(), device);
        try {
            return program.interpreter().run(ctx, r1);
        } finally {
            run.end();
        }
    }
}
