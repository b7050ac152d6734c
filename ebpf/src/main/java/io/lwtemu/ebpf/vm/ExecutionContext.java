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

    // ---- interpreter state (see Interpreter) ----
    /** Default {@link #instructionBudget}: far above any verified program, low enough to stop a runaway loop. */
    public static final long DEFAULT_INSTRUCTION_BUDGET = 1L << 30;
    /**
     * Work one run may do before it faults, so unverified bytecode cannot hang a thread. Counted where a
     * run can repeat itself: each backward jump taken costs the number of instructions it jumps back over,
     * each call and bpf_loop iteration costs 1 (straight code in between is bounded by the program's length).
     */
    public long instructionBudget = DEFAULT_INSTRUCTION_BUDGET;
    /** Register file r0..r10, reused by every run on this thread (padded to 16 so a 4-bit index is in range). */
    final long[] registers = new long[16];
    /** All call frames' stacks in one region registered at {@link AddressSpace#STACK}; frame 0 at the top. */
    final MemoryRegion stack = new MemoryRegion(MemoryRegion.Kind.STACK, "stack",
            new byte[Interpreter.STACK_SIZE], 0, Interpreter.STACK_SIZE, true);
    /** Budget left in the current run; synchronised with the interpreter loop at calls and exits. */
    long budgetLeft;
    /** Tail calls taken in the current run (kernel: tail_call_cnt). */
    int tailCalls;
    boolean exitRequested;

    public ExecutionContext() {
        this(new AddressSpace());
    }

    public ExecutionContext(AddressSpace memory) {
        this.memory = memory;
    }

    /**
     * Asks the interpreter to end the whole run as soon as the current helper returns, with r0 = the
     * helper's return value (the conformance suite's "unwind" helper).
     */
    public void requestExit() {
        exitRequested = true;
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
