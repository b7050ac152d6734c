package io.lwtemu.ebpf.prog;

import java.util.Locale;
import java.util.Optional;

/**
 * Program types lwtemu runs, with the kernel's {@code enum bpf_prog_type} numbers and the ELF section
 * prefixes libbpf uses to infer them.
 */
public enum ProgramType {
    /** No type: raw bytecode with a memory block in r1 (conformance vectors, {@code bpf run} on .bin). */
    UNSPEC(0, null),
    LWT_IN(10, "lwt_in"),
    LWT_OUT(11, "lwt_out"),
    LWT_XMIT(12, "lwt_xmit"),
    LWT_SEG6LOCAL(18, "lwt_seg6local");

    public final int kernelId;
    /** libbpf section prefix ("lwt_xmit" matches "lwt_xmit" and "lwt_xmit/anything"), or null. */
    public final String sectionPrefix;

    ProgramType(int kernelId, String sectionPrefix) {
        this.kernelId = kernelId;
        this.sectionPrefix = sectionPrefix;
    }

    /** True for the LWT types that take a {@code struct __sk_buff} context. */
    public boolean isLwt() {
        return this != UNSPEC;
    }

    /** The type libbpf would infer from a section name, if any. */
    public static Optional<ProgramType> fromSection(String section) {
        for (ProgramType t : values()) {
            if (t.sectionPrefix != null
                    && (section.equals(t.sectionPrefix) || section.startsWith(t.sectionPrefix + "/"))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Parses a CLI/topology name such as "lwt_xmit" or "xmit". */
    public static ProgramType parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ProgramType t : values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(n) || ("lwt_" + n).equals(t.sectionPrefix)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown program type '" + name
                + "', expected one of lwt_in, lwt_out, lwt_xmit, lwt_seg6local");
    }
}
