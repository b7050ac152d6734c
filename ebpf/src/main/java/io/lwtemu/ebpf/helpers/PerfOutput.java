package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.PerfEventArrayMap;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import static io.lwtemu.ebpf.helpers.HelperIds.*;

/** bpf_perf_event_output for skb programs ({@code bpf_skb_event_output}, net/core/filter.c). */
final class PerfOutput {
    private PerfOutput() {}

    private static final byte[] NONE = new byte[0];

    /**
     * {@code flags}: the array index in the low 32 bits (BPF_F_CURRENT_CPU = this CPU's slot) and, in bits
     * 32..51, how many packet bytes to append after the {@code size} bytes at {@code data}. Other flag
     * bits → -EINVAL; more packet bytes than the packet has → -EFAULT; then the array's -E2BIG / -ENOENT /
     * -EOPNOTSUPP / -ENOSPC.
     */
    static long skbEventOutput(ExecutionContext ctx, long r1, long map, long flags, long data, long size) {
        SkBuff skb = SkbHelpers.skb(ctx);
        BpfMap m = CommonHelpers.map(map);
        if (!(m instanceof PerfEventArrayMap perf)) {
            throw new BpfFault("map '" + m.name() + "' is not a perf event array");
        }
        long skbSize = (flags & BPF_F_CTXLEN_MASK) >>> 32;
        if ((flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK)) != 0) {
            return CommonHelpers.EINVAL;
        }
        if (skbSize > skb.len) {
            return CommonHelpers.EFAULT;
        }
        long index = flags & BPF_F_INDEX_MASK;
        if (index == BPF_F_CURRENT_CPU) {
            index = ctx.cpu;
        }
        int n = (int) size;
        byte[] src = NONE;
        int off = 0;
        if (n > 0) {
            MemoryRegion r = ctx.memory.resolve(data, n, false);
            src = r.bytes;
            off = Pointer.index(data);
        }
        return perf.output(index, ctx.cpu, src, off, n, skb.head, skb.data, (int) skbSize);
    }
}
