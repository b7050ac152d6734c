package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.prog.ProgramType;

import java.util.Objects;

/**
 * How to load an object.
 *
 * @param mapProvider creates (or reuses pinned) maps
 * @param programType type for every program, overriding what the section names imply (as
 *                    {@code bpftool prog load ... type T} or {@code ip route ... encap bpf xmit} do); null to
 *                    infer each program's type from its section name
 */
public record LoadOptions(MapProvider mapProvider, ProgramType programType) {
    public LoadOptions {
        Objects.requireNonNull(mapProvider, "mapProvider");
    }

    /** Types inferred from section names. */
    public static LoadOptions of(MapProvider mapProvider) {
        return new LoadOptions(mapProvider, null);
    }

    public LoadOptions withProgramType(ProgramType type) {
        return new LoadOptions(mapProvider, type);
    }
}
