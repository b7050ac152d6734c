package io.lwtemu.ebpf.helpers;

/** Helper argument kinds the verifier checks, named after the kernel's {@code enum bpf_arg_type}. */
public enum ArgType {
    /** Register not used by the helper. */
    DONTCARE,
    /** Any initialised scalar or pointer. */
    ANYTHING,
    CONST_MAP_PTR,
    PTR_TO_MAP_KEY,
    PTR_TO_MAP_VALUE,
    /** Readable memory (stack, packet, map value) of the size in the next argument. */
    PTR_TO_MEM,
    /** Memory the helper writes (need not be initialised) of the size in the next argument. */
    PTR_TO_UNINIT_MEM,
    /** Like PTR_TO_MEM, but NULL (with size 0) is allowed. */
    PTR_TO_MEM_OR_NULL,
    /** Size of the previous memory argument, known at verification time, > 0. */
    CONST_SIZE,
    /** Size of the previous memory argument, known at verification time, >= 0. */
    CONST_SIZE_OR_ZERO,
    PTR_TO_CTX,
    /** Size for ringbuf_reserve, known at verification time. */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** Pointer returned by ringbuf_reserve. */
    PTR_TO_ALLOC_MEM,
    /** Read-only, NUL-terminated format string (trace_printk), typically in .rodata. */
    PTR_TO_CONST_STR,
    PTR_TO_FUNC,
    PTR_TO_STACK_OR_NULL
}
