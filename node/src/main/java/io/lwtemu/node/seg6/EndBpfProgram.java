package io.lwtemu.node.seg6;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * An LWT_SEG6LOCAL program as {@code End.BPF} runs it (input_action_end_bpf). The eBPF runtime adapter implements
 * it: reset its ExecutionContext, point it at {@code skb}, {@code Seg6LocalHelpers.prepare(ctx)} (the SRH state:
 * the SRH is already advanced, valid), run the bytecode, then report through {@link EndBpfRun}: r0, whether the
 * SRH is still valid ({@code ctx.seg6SrhOffset < 0 || Seg6LocalHelpers.hasValidSrh(ctx)}) and the routing decision
 * bpf_lwt_seg6_action recorded ({@link EndBpfRun#route(io.lwtemu.ebpf.vm.ExecutionContext.Seg6Route)}).
 * The packet is changed in place in {@code skb} (data/len may move).
 */
@FunctionalInterface
public interface EndBpfProgram {
    /** Runs the program; {@code run} was reset before the call. Must not throw for program faults. */
    void run(SkBuff skb, EndBpfRun run);
}
