package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuff;

import java.util.function.LongSupplier;

/**
 * Everything one program run touches besides its registers: memory, the packet, the CPU it runs on,
 * time, randomness, and the effects helpers record for the caller (redirect target, trace output).
 * Effects are data: the router acts on them after the program returns.
 *
 * <p>One instance per executing thread, reset before each run with {@link #reset()}.
 */
public class ExecutionContext {
    public final AddressSpace memory;
    public ProgramType type = ProgramType.UNSPEC;
    /** The packet, or null for runs without one. */
    public SkBuff skb;
    /** Emulated CPU this run is on (per-CPU maps, get_smp_processor_id). */
    public int cpu;
    /** Monotonic nanoseconds for bpf_ktime_get_ns. */
    public LongSupplier clock = System::nanoTime;
    /** Seedable source for bpf_get_prandom_u32. */
    public java.util.random.RandomGenerator random = new java.util.SplittableRandom(0);
    /** Receives bpf_trace_printk output. */
    public TraceSink trace = TraceSink.NONE;

    // ---- effects set by helpers during the run ----
    /** Interface index set by bpf_redirect, or 0. */
    public int redirectIfindex;
    /** Flags of bpf_redirect (BPF_F_INGRESS). */
    public long redirectFlags;

    public ExecutionContext() {
        this(new AddressSpace());
    }

    public ExecutionContext(AddressSpace memory) {
        this.memory = memory;
    }

    /** Clears the effects of the previous run. */
    public void reset() {
        redirectIfindex = 0;
        redirectFlags = 0;
    }

    /** Where bpf_trace_printk lines go. */
    @FunctionalInterface
    public interface TraceSink {
        TraceSink NONE = line -> { };

        void print(String line);
    }
}
