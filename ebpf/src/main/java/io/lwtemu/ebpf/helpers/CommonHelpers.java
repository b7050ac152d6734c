package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.List;

import static io.lwtemu.ebpf.helpers.ArgType.*;

/**
 * Helpers every program type gets ({@code bpf_base_func_proto}, kernel/bpf/helpers.c): map access, time,
 * randomness, CPU id, trace_printk, and the two the interpreter implements itself (tail_call, loop).
 */
public final class CommonHelpers {
    private CommonHelpers() {}

    /** Nanoseconds per jiffy at HZ=250, the common distribution setting. */
    static final long NSEC_PER_JIFFY = 4_000_000L;

    public static final HelperProto MAP_LOOKUP_ELEM = new HelperProto(HelperIds.MAP_LOOKUP_ELEM, "map_lookup_elem",
            RetType.PTR_TO_MAP_VALUE_OR_NULL, List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), CommonHelpers::mapLookupElem);
    public static final HelperProto MAP_UPDATE_ELEM = new HelperProto(HelperIds.MAP_UPDATE_ELEM, "map_update_elem",
            RetType.INTEGER, List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING),
            CommonHelpers::mapUpdateElem);
    public static final HelperProto MAP_DELETE_ELEM = new HelperProto(HelperIds.MAP_DELETE_ELEM, "map_delete_elem",
            RetType.INTEGER, List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), CommonHelpers::mapDeleteElem);
    public static final HelperProto KTIME_GET_NS = new HelperProto(HelperIds.KTIME_GET_NS, "ktime_get_ns",
            RetType.INTEGER, List.of(), (c, a, b, d, e, f) -> c.clock.getAsLong());
    public static final HelperProto KTIME_GET_BOOT_NS = new HelperProto(HelperIds.KTIME_GET_BOOT_NS,
            "ktime_get_boot_ns", RetType.INTEGER, List.of(), (c, a, b, d, e, f) -> c.clock.getAsLong());
    public static final HelperProto KTIME_GET_COARSE_NS = new HelperProto(HelperIds.KTIME_GET_COARSE_NS,
            "ktime_get_coarse_ns", RetType.INTEGER, List.of(),
            (c, a, b, d, e, f) -> c.clock.getAsLong() / NSEC_PER_JIFFY * NSEC_PER_JIFFY);
    public static final HelperProto JIFFIES64 = new HelperProto(HelperIds.JIFFIES64, "jiffies64", RetType.INTEGER,
            List.of(), (c, a, b, d, e, f) -> c.clock.getAsLong() / NSEC_PER_JIFFY);
    public static final HelperProto GET_PRANDOM_U32 = new HelperProto(HelperIds.GET_PRANDOM_U32, "get_prandom_u32",
            RetType.INTEGER, List.of(), (c, a, b, d, e, f) -> c.random.nextInt() & 0xffffffffL);
    public static final HelperProto GET_SMP_PROCESSOR_ID = new HelperProto(HelperIds.GET_SMP_PROCESSOR_ID,
            "get_smp_processor_id", RetType.INTEGER, List.of(), (c, a, b, d, e, f) -> c.cpu);
    /** One NUMA node. */
    public static final HelperProto GET_NUMA_NODE_ID = new HelperProto(HelperIds.GET_NUMA_NODE_ID,
            "get_numa_node_id", RetType.INTEGER, List.of(), (c, a, b, d, e, f) -> 0);
    /** Arguments 3..5 are not checked by the kernel's verifier (no arg types declared). */
    public static final HelperProto TRACE_PRINTK = new HelperProto(HelperIds.TRACE_PRINTK, "trace_printk",
            RetType.INTEGER, List.of(PTR_TO_MEM, CONST_SIZE), TracePrintk::call);
    /** The interpreter performs tail calls itself (the jump replaces the program); the body must never run. */
    public static final HelperProto TAIL_CALL = new HelperProto(HelperIds.TAIL_CALL, "tail_call", RetType.VOID,
            List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), (c, a, b, d, e, f) -> {
                throw new IllegalStateException("bpf_tail_call must be handled by the interpreter");
            });
    /** The interpreter runs the callback itself; the body must never run. */
    public static final HelperProto LOOP = new HelperProto(HelperIds.LOOP, "loop", RetType.INTEGER,
            List.of(ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), (c, a, b, d, e, f) -> {
                throw new IllegalStateException("bpf_loop must be handled by the interpreter");
            });

    static long mapLookupElem(ExecutionContext ctx, long map, long key, long r3, long r4, long r5) {
        BpfMap m = map(map);
        MemoryRegion k = ctx.memory.resolve(key, m.definition().keySize(), false);
        return m.lookupElem(k.bytes, Pointer.index(key), ctx.cpu);
    }

    static long mapUpdateElem(ExecutionContext ctx, long map, long key, long value, long flags, long r5) {
        BpfMap m = map(map);
        MemoryRegion k = ctx.memory.resolve(key, m.definition().keySize(), false);
        MemoryRegion v = ctx.memory.resolve(value, m.definition().valueSize(), false);
        return m.updateElem(k.bytes, Pointer.index(key), v.bytes, Pointer.index(value), flags, ctx.cpu);
    }

    static long mapDeleteElem(ExecutionContext ctx, long map, long key, long r3, long r4, long r5) {
        BpfMap m = map(map);
        MemoryRegion k = ctx.memory.resolve(key, m.definition().keySize(), false);
        return m.deleteElem(k.bytes, Pointer.index(key));
    }

    /** The map behind a CONST_PTR_TO_MAP argument, or a fault. */
    static BpfMap map(long handle) {
        BpfMap m = BpfMap.fromHandle(handle);
        if (m == null) {
            throw new BpfFault("helper argument 0x" + Long.toHexString(handle) + " is not a map");
        }
        return m;
    }

    static long errno(int e) {
        return -(long) e;
    }

    static final long EINVAL = errno(Errno.EINVAL);
    static final long EFAULT = errno(Errno.EFAULT);
}
