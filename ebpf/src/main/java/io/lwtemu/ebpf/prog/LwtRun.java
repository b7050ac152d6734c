package io.lwtemu.ebpf.prog;

import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

/**
 * Prepares an {@link ExecutionContext} for one LWT program run on a {@link SkBuff}, the way
 * {@code run_lwt_bpf} (net/core/lwt_bpf.c) does: the context region is the skb's {@code __sk_buff}
 * view, the packet region is {@code head[data, data+len)} (writable only for lwt_xmit), and
 * the program sees a cleared {@code cb} whose writes are discarded, as if cb were saved and cleared before the
 * run and restored after it (the program's cb is the context's own, see {@link SkBuffContext}; the skb's cb is
 * never touched).
 *
 * <pre>
 *   LwtRun run = new LwtRun(ctx);          // once per thread
 *   long r1 = run.begin(skb, LWT_XMIT, egressIfindex);
 *   long r0 = interpreter.run(prog, r1, ctx);
 *   run.end();                             // always, also after a fault
 * </pre>
 *
 * Helpers that change the packet layout call {@link #refreshPacket(ExecutionContext)} so the next
 * {@code data}/{@code data_end} load and every packet access see the new packet.
 */
public final class LwtRun {
    private final ExecutionContext ctx;
    private final SkBuffContext skbContext;
    private final MemoryRegion contextRegion;
    private final MemoryRegion packetRegion;
    /** Between begin() and end(). */
    private boolean running;

    public LwtRun(ExecutionContext ctx) {
        this.ctx = ctx;
        this.skbContext = new SkBuffContext(ctx);
        this.contextRegion = MemoryRegion.context("__sk_buff", skbContext);
        this.packetRegion = new MemoryRegion(MemoryRegion.Kind.PACKET, "packet", new byte[0], 0, 0, false);
    }

    /**
     * Starts a run: resets the context's effects, installs the regions and returns the context pointer
     * for r1.
     *
     * For lwt_seg6local (End.BPF) the SRH state is taken from the packet as it is now: advance the segment
     * (segments_left--, new destination) before calling this, as the kernel's input_action_end_bpf does,
     * and check {@code Seg6LocalHelpers.hasValidSrh} after the run.
     *
     * @param device for lwt_xmit the egress device, for lwt_in and lwt_seg6local the ingress device
     *               ({@code lo} = 1); ignored for lwt_out (the kernel shows 0 on out)
     */
    public long begin(SkBuff skb, ProgramType type, int device) {
        if (!type.isLwt()) {
            throw new IllegalArgumentException("LwtRun runs LWT programs, not " + type);
        }
        if (running) {
            throw new IllegalStateException("begin() without end() for the previous run");
        }
        ctx.reset();
        // reference fields are written only when they change: each store of a reference into these long-lived
        // objects costs a GC write barrier, and a router runs its programs on the same recycled skb
        if (ctx.type != type) {
            ctx.type = type;
        }
        if (ctx.skb != skb) {
            ctx.skb = skb;
        }
        switch (type) {
            case LWT_XMIT -> { skbContext.ifindex = device; skbContext.ingressIfindex = 0; }
            case LWT_IN, LWT_SEG6LOCAL -> { skbContext.ifindex = device; skbContext.ingressIfindex = device; }
            default -> { skbContext.ifindex = 0; skbContext.ingressIfindex = 0; }
        }
        skbContext.clearCb();
        running = true;
        MemoryRegion packet = packetRegion;
        packet.writable = type == ProgramType.LWT_XMIT;
        if (packet.bytes != skb.head) {
            packet.bytes = skb.head;
        }
        packet.start = skb.data;
        packet.end = skb.data + skb.len;
        AddressSpace memory = ctx.memory;
        if (memory.region(AddressSpace.CONTEXT) != contextRegion) {
            memory.set(AddressSpace.CONTEXT, contextRegion);
        }
        if (memory.region(AddressSpace.PACKET) != packet) {
            memory.set(AddressSpace.PACKET, packet);
        }
        if (type == ProgramType.LWT_SEG6LOCAL) {
            io.lwtemu.ebpf.helpers.Seg6LocalHelpers.prepare(ctx);
        }
        return Pointer.of(AddressSpace.CONTEXT, 0);
    }

    /** Ends the run (the program's cb writes are dropped with it). Safe to call twice. */
    public void end() {
        running = false;
    }

    /**
     * The cb[0..4] the program sees in the current run: BPF_PROG_TEST_RUN fills it with the caller's cb after
     * {@link #begin} and reads what the program left in it before {@link #end}. Changes must go through
     * {@link #setProgramCb}.
     */
    public int[] programCb() {
        return skbContext.cb;
    }

    /** Shows the program {@code cb} instead of zeros in the current run. */
    public void setProgramCb(int[] cb) {
        System.arraycopy(cb, 0, skbContext.cb, 0, 5);
        skbContext.cbDirty = true;
    }

    /**
     * Overrides the device indexes the program sees for this run, e.g. for a test run on loopback where
     * the kernel shows {@code ifindex} 1 on every hook.
     */
    public void setDevices(int ifindex, int ingressIfindex) {
        skbContext.ifindex = ifindex;
        skbContext.ingressIfindex = ingressIfindex;
    }

    /** The __sk_buff view of the current run (for tests and tools). */
    public SkBuffContext context() {
        return skbContext;
    }

    /** Points the PACKET region at the skb's current bytes; call after any change of head, data or len. */
    public static void refreshPacket(ExecutionContext ctx) {
        MemoryRegion r = ctx.memory.region(AddressSpace.PACKET);
        SkBuff skb = ctx.skb;
        if (r == null || skb == null) {
            throw new BpfFault("packet helper called without a packet");
        }
        if (r.bytes != skb.head) {
            r.bytes = skb.head;
        }
        r.start = skb.data;
        r.end = skb.data + skb.len;
    }
}
