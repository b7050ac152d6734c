package io.lwtemu.ebpf;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.prog.ProgramType;

import java.util.List;

/**
 * A loaded program: self-contained bytecode (its {@code .text} subprograms linked behind the entry, call
 * offsets fixed, as libbpf does) plus the maps its {@code ld_imm64} instructions refer to.
 *
 * <p>Map references follow the kernel's convention: {@code ld_imm64} with src {@code BPF_PSEUDO_MAP_FD}
 * and imm = index into {@link #maps()}; src {@code BPF_PSEUDO_MAP_VALUE} with imm = index and the second
 * slot's imm = offset into the map's value.
 *
 * @param name    the function's symbol name (as bpftool shows it), or the section name if it has none
 * @param section ELF section the program came from
 * @param type    program type
 * @param insns   instructions, 8 bytes each
 * @param maps    maps referenced by index ("fd") from ld_imm64
 * @param license license string from the object's "license" section ("GPL", ...), or "" if none
 */
public record BpfProgram(String name, String section, ProgramType type, long[] insns, List<BpfMap> maps,
                         String license) {
    public BpfProgram {
        maps = List.copyOf(maps);
    }

    public int length() {
        return insns.length;
    }
}
