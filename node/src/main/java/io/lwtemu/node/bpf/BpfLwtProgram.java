package io.lwtemu.node.bpf;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.node.forward.HookContext;
import io.lwtemu.node.forward.LwtProgram;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.forward.NetDevices;

/**
 * A verified LWT program of the eBPF runtime as the forwarding pipeline runs it: the router's {@link LwtRunner}
 * executes the bytecode over the skb and the helpers' effects (bpf_redirect target, bpf_clone_redirect copies)
 * become the {@link LwtVerdict}. A {@link BpfFault} becomes a fault verdict (dropped as {@code bpf_fault}).
 *
 * <p>The runner is the router's: one thread runs all programs of a router, so they share it.
 */
public final class BpfLwtProgram implements LwtProgram {
    private final LoadedProgram program;
    private final LwtRunner runner;
    private final String displayName;
    private java.util.function.Consumer<String> tracer;

    public BpfLwtProgram(LoadedProgram program, LwtRunner runner) {
        this(program, runner, program.name());
    }

    /** @param displayName as {@code ip route} shows the program ({@code file.o:[section]}) */
    public BpfLwtProgram(LoadedProgram program, LwtRunner runner, String displayName) {
        this.program = program;
        this.runner = runner;
        this.displayName = displayName;
    }

    /** Receives one line per run (hook, program, r0, length change), or null for none. Tracing only. */
    public void setTracer(java.util.function.Consumer<String> tracer) {
        this.tracer = tracer;
    }

    public LoadedProgram program() {
        return program;
    }

    /** The runtime shows the program a cb of its own (LwtRun), so the skb's cb needs no saving. */
    @Override
    public boolean hidesCb() {
        return true;
    }

    @Override
    public LwtVerdict run(SkBuff skb, HookContext ctx) {
        LwtVerdict v = ctx.verdict;
        int device = switch (ctx.hook) {
            case XMIT -> ifindex(ctx.egress, 0);
            case IN -> ifindex(ctx.ingress, NetDevices.LOOPBACK_IFINDEX);
            case OUT -> 0;
        };
        long r0;
        int lenBefore = skb.len;
        try {
            r0 = runner.run(program, skb, device);
        } catch (BpfFault f) {
            v.fault(program.name() + (f.pc() >= 0 ? " insn " + f.pc() : "") + ": " + f.getMessage());
            if (tracer != null) {
                tracer.accept("lwt " + ctx.hook.name().toLowerCase(java.util.Locale.ROOT) + " " + displayName
                        + ": fault: " + v.faultMessage);
            }
            return v;
        }
        v.ret = (int) r0;
        if (tracer != null) {
            tracer.accept("lwt " + ctx.hook.name().toLowerCase(java.util.Locale.ROOT) + " " + displayName + " -> "
                    + retName((int) r0) + (skb.len != lenBefore ? " (len " + lenBefore + " -> " + skb.len + ")" : "")
                    + (runner.context().redirectIfindex != 0 ? " redirect ifindex " + runner.context().redirectIfindex
                    : ""));
        }
        ExecutionContext ec = runner.context();
        if (ec.redirectIfindex != 0 || ec.redirectFlags != 0) {
            v.redirect(ec.redirectIfindex, ec.redirectFlags);
        }
        if (!ec.clones.isEmpty()) {
            for (ExecutionContext.ClonedPacket c : ec.clones) {
                SkBuff copy = SkBuff.of(c.packet(), Math.max(skb.headroom(), 32));
                copy.protocol = c.protocol();
                copy.mark = c.mark();
                v.cloneRedirect(copy, c.ifindex(), c.flags());
            }
            ec.clones.clear();
        }
        return v;
    }

    private static String retName(int r0) {
        return switch (r0) {
            case LwtVerdict.BPF_OK -> "BPF_OK";
            case LwtVerdict.BPF_DROP -> "BPF_DROP";
            case LwtVerdict.BPF_REDIRECT -> "BPF_REDIRECT";
            case LwtVerdict.BPF_LWT_REROUTE -> "BPF_LWT_REROUTE";
            default -> "r0=" + Integer.toUnsignedString(r0);
        };
    }

    private static int ifindex(NetDevice d, int dflt) {
        return d == null ? dflt : d.ifindex;
    }
}
