package io.lwtemu.ebpf.verifier;

/** What the verifier knows a register holds (the kernel's {@code enum bpf_reg_type}), with its log name. */
public enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    CONST_PTR_TO_MAP("map_ptr"),
    PTR_TO_MAP_VALUE("map_value"),
    PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"),
    PTR_TO_STACK("fp"),
    PTR_TO_PACKET("pkt"),
    PTR_TO_PACKET_END("pkt_end"),
    /** Plain memory of known size: ringbuf records, the UNSPEC program's input block. */
    PTR_TO_MEM("mem"),
    PTR_TO_MEM_OR_NULL("ringbuf_mem_or_null"),
    PTR_TO_SOCK_COMMON_OR_NULL("sock_common_or_null"),
    PTR_TO_FUNC("func");

    /** Name the kernel prints in its log ({@code reg_type_str}). */
    public final String logName;

    RegType(String logName) {
        this.logName = logName;
    }

    public boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    public boolean maybeNull() {
        return this == PTR_TO_MAP_VALUE_OR_NULL || this == PTR_TO_MEM_OR_NULL || this == PTR_TO_SOCK_COMMON_OR_NULL;
    }

    /** The type a null-checked pointer becomes on its non-NULL branch. */
    public RegType nonNull() {
        switch (this) {
            case PTR_TO_MAP_VALUE_OR_NULL: return PTR_TO_MAP_VALUE;
            case PTR_TO_MEM_OR_NULL: return PTR_TO_MEM;
            default: return this;
        }
    }
}
