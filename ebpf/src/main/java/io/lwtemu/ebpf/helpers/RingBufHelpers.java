package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.RingBufMap;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.List;

import static io.lwtemu.ebpf.helpers.ArgType.*;

/** bpf_ringbuf_* (kernel/bpf/ringbuf.c) on {@link RingBufMap}. */
public final class RingBufHelpers {
    private RingBufHelpers() {}

    public static final HelperProto RINGBUF_OUTPUT = new HelperProto(HelperIds.RINGBUF_OUTPUT, "ringbuf_output",
            RetType.INTEGER, List.of(CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, ANYTHING), RingBufHelpers::output);
    public static final HelperProto RINGBUF_RESERVE = new HelperProto(HelperIds.RINGBUF_RESERVE, "ringbuf_reserve",
            RetType.PTR_TO_ALLOC_MEM_OR_NULL, List.of(CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING),
            RingBufHelpers::reserve);
    public static final HelperProto RINGBUF_SUBMIT = new HelperProto(HelperIds.RINGBUF_SUBMIT, "ringbuf_submit",
            RetType.VOID, List.of(PTR_TO_ALLOC_MEM, ANYTHING), (c, p, f, a, b, d) -> commit(p, false));
    public static final HelperProto RINGBUF_DISCARD = new HelperProto(HelperIds.RINGBUF_DISCARD, "ringbuf_discard",
            RetType.VOID, List.of(PTR_TO_ALLOC_MEM, ANYTHING), (c, p, f, a, b, d) -> commit(p, true));
    public static final HelperProto RINGBUF_QUERY = new HelperProto(HelperIds.RINGBUF_QUERY, "ringbuf_query",
            RetType.INTEGER, List.of(CONST_MAP_PTR, ANYTHING), (c, m, f, a, b, d) -> ring(m).query(f));

    static RingBufMap ring(long handle) {
        BpfMap m = CommonHelpers.map(handle);
        if (!(m instanceof RingBufMap r)) {
            throw new BpfFault("map '" + m.name() + "' is not a ring buffer");
        }
        return r;
    }

    /** Flags other than BPF_RB_NO_WAKEUP / BPF_RB_FORCE_WAKEUP: -EINVAL; no room: -EAGAIN. */
    static long output(ExecutionContext ctx, long map, long data, long size, long flags, long r5) {
        RingBufMap ring = ring(map);
        if ((flags & ~(HelperIds.BPF_RB_NO_WAKEUP | HelperIds.BPF_RB_FORCE_WAKEUP)) != 0) {
            return CommonHelpers.EINVAL;
        }
        int n = (int) size;
        if (n == 0) {
            return ring.output(new byte[0], 0, 0);
        }
        MemoryRegion src = ctx.memory.resolve(data, n, false);
        return ring.output(src.bytes, Pointer.index(data), n);
    }

    /** Any flag: NULL (the kernel's reserve takes no flags). */
    static long reserve(ExecutionContext ctx, long map, long size, long flags, long r4, long r5) {
        RingBufMap ring = ring(map);
        if (flags != 0) {
            return 0;
        }
        return ring.reserve(size);
    }

    static long commit(long pointer, boolean discard) {
        RingBufMap ring = RingBufMap.ofRecord(pointer);
        if (ring == null) {
            throw new BpfFault("ringbuf " + (discard ? "discard" : "submit") + " of 0x" + Long.toHexString(pointer)
                    + ": not a reserved ring buffer record");
        }
        ring.commit(pointer, discard);
        return 0;
    }
}
