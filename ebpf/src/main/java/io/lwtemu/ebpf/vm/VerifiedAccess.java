package io.lwtemu.ebpf.vm;

/**
 * What the verifier proved about the memory each load or store instruction touches (the kernel keeps the
 * same per instruction in {@code insn_aux_data.ptr_type} to rewrite context accesses and to let the JIT
 * drop checks). One byte per instruction: the kind of pointer the base register held on every path that
 * reached the instruction, {@link #MIXED} when paths disagreed, {@link #UNKNOWN} when no path reached it or
 * the instruction is no memory access.
 *
 * <p>An access of kind {@link #STACK}, {@link #MAP_VALUE} or {@link #PACKET} lies within its region: the
 * verifier checked the offset against the frame, the value size, or the range the program itself proved
 * with {@code data_end}. A {@link #CONTEXT} access is one the program type's context rules allow. The
 * {@link JitCompiler} uses this to access memory without the run-time region lookup and bounds checks; the
 * JVM's own array bounds checks stay as a safety net.
 */
public final class VerifiedAccess {
    public static final byte UNKNOWN = 0;
    public static final byte STACK = 1;
    public static final byte MAP_VALUE = 2;
    public static final byte PACKET = 3;
    public static final byte CONTEXT = 4;
    /** Plain memory of known size (ring buffer records, the raw input block). */
    public static final byte MEMORY = 5;
    public static final byte MIXED = 6;

    private VerifiedAccess() {
    }

    /** The kind of an instruction seen with {@code now} after it was seen with {@code before}. */
    public static byte merge(byte before, byte now) {
        return before == UNKNOWN || before == now ? now : MIXED;
    }

    public static String name(byte kind) {
        return switch (kind) {
            case STACK -> "stack";
            case MAP_VALUE -> "map_value";
            case PACKET -> "packet";
            case CONTEXT -> "ctx";
            case MEMORY -> "mem";
            case MIXED -> "mixed";
            default -> "unknown";
        };
    }
}
