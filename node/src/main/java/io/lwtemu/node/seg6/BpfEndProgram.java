package io.lwtemu.node.seg6;

import io.lwtemu.ebpf.helpers.Seg6LocalHelpers;
import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.node.config.ProgRef;

/**
 * {@link EndBpfProgram} over the eBPF runtime: runs a loaded LWT_SEG6LOCAL program the way
 * input_action_end_bpf does (bpf_prog_run_save_cb with the per-CPU SRH state set to the packet's SRH, valid),
 * then reports r0, whether the SRH still validates and the route bpf_lwt_seg6_action recorded. A runtime fault
 * becomes {@link EndBpfRun#fault}, never an exception.
 */
public final class BpfEndProgram implements EndBpfProgram {
    private final LoadedProgram program;
    private final ExecutionContext ctx;
    private final LwtRun lwtRun;

    /** @param ctx the router's execution context (one per thread; its trace sink, clock and CPU are used) */
    public BpfEndProgram(LoadedProgram program, ExecutionContext ctx) {
        if (program.program().type() != ProgramType.LWT_SEG6LOCAL) {
            throw new IllegalArgumentException("End.BPF needs an lwt_seg6local program, '" + program.name()
                    + "' is " + program.program().type());
        }
        this.program = program;
        this.ctx = ctx;
        this.lwtRun = new LwtRun(ctx);
    }

    /** Opens {@code endpoint obj F section S} as an LWT_SEG6LOCAL program in {@code runtime}. */
    public static BpfEndProgram load(BpfRuntime runtime, ProgRef ref, ExecutionContext ctx) {
        LoadedProgram p = runtime.open(ref.object(), ProgramType.LWT_SEG6LOCAL).prepare(ref.section());
        return new BpfEndProgram(p, ctx);
    }

    public String name() {
        return program.name();
    }

    @Override
    public void run(SkBuff skb, EndBpfRun run) {
        long r1 = lwtRun.begin(skb, ProgramType.LWT_SEG6LOCAL, skb.ingressIfindex);
        try {
            Seg6LocalHelpers.prepare(ctx);
            run.ret = (int) program.interpreter().run(ctx, r1);
        } catch (BpfFault e) {
            run.fault(e.getMessage());
            return;
        } finally {
            lwtRun.end();
        }
        run.srhValid = ctx.seg6SrhOffset < 0 || Seg6LocalHelpers.hasValidSrh(ctx);
        run.route(ctx.seg6Route);
    }
}
