package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.vm.ExecutionContext;

/** The body of a BPF helper: arguments in r1..r5, result in r0. Throws {@code BpfFault} on misuse. */
@FunctionalInterface
public interface HelperFunction {
    long call(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5);
}
