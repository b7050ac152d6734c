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
    /** Packets bpf_clone_redirect asked to send, in call order; the router transmits them after the run. */
    public final java.util.List<ClonedPacket> clones = new java.util.ArrayList<>();
    /**
     * Routing work a seg6 helper asked for (bpf_lwt_push_encap SEG6*, bpf_lwt_seg6_action), or null: the
     * kernel looks up the next hop and replaces the packet's route inside the helper; lwtemu hands that
     * decision to the router as data.
     */
    public Seg6Route seg6Route;

    // ---- per-run packet state helpers need but struct SkBuff does not carry ----
    /**
     * skb->ip_summed modelled as CHECKSUM_NONE (-1) or CHECKSUM_UNNECESSARY with csum_level 0..3
     * (bpf_csum_level). lwtemu packets always carry complete checksums, so runs start at CHECKSUM_NONE.
     */
    public int csumUnnecessaryLevel = -1;
    /**
     * seg6local End.BPF SRH state (the kernel's per-CPU {@code seg6_bpf_srh_state}): offset of the SRH from
     * the start of the packet or -1 when there is none, its length without the 8-byte fixed part as the
     * program changed it, and whether it still needs validation.
     */
    public int seg6SrhOffset = -1;
    public int seg6SrhHdrLen;
    public boolean seg6SrhValid;
    /**
     * Whether the skb's transport header is set, as on the forwarding and local output paths (it bounds
     * how far bpf_skb_change_tail may shrink). BPF_PROG_TEST_RUN leaves it unset: runs that mimic it set
     * false. Not cleared by {@link #reset()}.
     */
    public boolean transportHeaderSet = true;

    // ---- environment the router provides ----
    /** True when an interface index exists in the program's namespace (bpf_clone_redirect checks it). */
    public java.util.function.IntPredicate deviceExists = ifindex -> ifindex > 0;
    /** Source address for outer IPv6 headers pushed by seg6 encapsulation (seg6 tunsrc / device address). */
    public byte[] seg6TunnelSource = new byte[16];

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
        if (!clones.isEmpty()) {
            clones.clear();
        }
        seg6Route = null;
        csumUnnecessaryLevel = -1;
        seg6SrhOffset = -1;
        seg6SrhHdrLen = 0;
        seg6SrhValid = false;
    }

    /**
     * A copy of the packet that bpf_clone_redirect sent to {@code ifindex} (BPF_F_INGRESS in {@code flags}:
     * received on it instead of transmitted).
     */
    public record ClonedPacket(byte[] packet, int protocol, int mark, int ifindex, long flags) {
        public boolean ingress() {
            return (flags & 1) != 0;
        }
    }

    /**
     * What the router must do for a seg6 helper, as the kernel would inside it.
     *
     * @param action   {@link #LOOKUP_NEXTHOP} after an SRH push, or a SEG6_LOCAL_ACTION_* number from bpf_lwt_seg6_action
     * @param table    routing table for End.T / End.DT6 (0 = main / unused)
     * @param nexthop  16-byte IPv6 next hop for End.X, else null
     */
    public record Seg6Route(int action, int table, byte[] nexthop) {
        /** Look up the route of the packet's (new) destination address and use it. */
        public static final int LOOKUP_NEXTHOP = 0;
    }

    /** Where bpf_trace_printk lines go. */
    @FunctionalInterface
    public interface TraceSink {
        TraceSink NONE = line -> { };

        void print(String line);
    }
}
