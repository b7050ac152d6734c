package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * An LWT BPF program as the forwarding pipeline sees it. The eBPF runtime adapter implements it by running the
 * loaded bytecode over {@code skb}; tests use lambdas. The pipeline prepares the skb as the kernel does (cb
 * cleared and restored, ifindex/ingress_ifindex per hook) and applies the verdict with the kernel's semantics.
 */
@FunctionalInterface
public interface LwtProgram {
    /**
     * Runs the program. Return {@code ctx.verdict} (after setting {@code ret} and any effects) or another verdict.
     * Must not throw for faults in the program; report them with {@link LwtVerdict#fault}.
     */
    LwtVerdict run(SkBuff skb, HookContext ctx);

    /**
     * True when the program never sees {@code skb.cb} (it runs on a cb view of its own that starts cleared, as the
     * eBPF runtime's context does), so the pipeline need not save, clear and restore the skb's cb around it.
     */
    default boolean hidesCb() {
        return false;
    }
}
