package io.lwtemu.ebpf.helpers;

/** What a helper returns in r0, named after the kernel's {@code enum bpf_return_type}. */
public enum RetType {
    INTEGER,
    VOID,
    PTR_TO_MAP_VALUE_OR_NULL,
    PTR_TO_ALLOC_MEM_OR_NULL
}
