package io.lwtemu.ebpf.helpers;

import java.util.List;

/**
 * A helper's signature ({@code struct bpf_func_proto}) and its body.
 *
 * @param id   kernel helper number ({@code BPF_FUNC_*})
 * @param name name without the {@code bpf_} prefix, as in the kernel's {@code FN(name)} list
 * @param ret  return kind
 * @param args up to five argument kinds
 * @param body implementation
 */
public record HelperProto(int id, String name, RetType ret, List<ArgType> args, HelperFunction body) {
    public HelperProto {
        if (args.size() > 5) {
            throw new IllegalArgumentException(name + ": at most 5 arguments");
        }
        args = List.copyOf(args);
    }

    public ArgType arg(int i) {
        return i < args.size() ? args.get(i) : ArgType.DONTCARE;
    }
}
