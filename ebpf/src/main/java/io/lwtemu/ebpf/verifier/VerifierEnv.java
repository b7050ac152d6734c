package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.prog.LwtAccessRules;
import io.lwtemu.ebpf.prog.ProgramType;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What the verifier needs to know about the program's type (the kernel's {@code bpf_verifier_ops}).
 *
 * @param type              program type
 * @param helpers           helper lookup by id; null = unknown or not allowed for this type
 * @param ctxRules          __sk_buff access rules (LWT types), or null when r1 is plain memory
 * @param ctxMemSize        UNSPEC: size of the memory block r1 points to (0 = r1 holds nothing usable)
 * @param packetWritable    direct packet writes allowed (LWT xmit only)
 * @param allowUninitStack  reads of never-written stack allowed, as the kernel grants CAP_PERFMON loaders
 *                          since 5.x; false models the strict (unprivileged) rule
 */
public record VerifierEnv(ProgramType type, IntFunction<HelperProto> helpers, LwtAccessRules ctxRules,
                          int ctxMemSize, boolean packetWritable, boolean allowUninitStack) {

    /** The environment of an LWT type, or UNSPEC with no usable context. */
    public static VerifierEnv forType(ProgramType type, IntFunction<HelperProto> helpers) {
        if (type.isLwt()) {
            return new VerifierEnv(type, helpers, LwtAccessRules.forType(type), 0,
                    type == ProgramType.LWT_XMIT, false);
        }
        return new VerifierEnv(type, helpers, null, 0, false, false);
    }

    /** UNSPEC program whose r1 points to {@code memSize} readable and writable bytes. */
    public static VerifierEnv unspec(IntFunction<HelperProto> helpers, int memSize) {
        return new VerifierEnv(ProgramType.UNSPEC, helpers, null, memSize, false, false);
    }

    public VerifierEnv withAllowUninitStack(boolean allow) {
        return new VerifierEnv(type, helpers, ctxRules, ctxMemSize, packetWritable, allow);
    }

    /** A lookup over a fixed list of helper prototypes. */
    public static IntFunction<HelperProto> helperTable(Collection<HelperProto> protos) {
        Map<Integer, HelperProto> byId = new HashMap<>();
        for (HelperProto p : protos) {
            byId.put(p.id(), p);
        }
        return byId::get;
    }
}
