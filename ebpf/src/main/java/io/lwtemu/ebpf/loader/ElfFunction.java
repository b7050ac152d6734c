package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.elf.ElfSymbol;

/**
 * A function inside an executable section: a program entry or a subprogram, spanning instructions
 * {@code [start, start + count)} of its section.
 *
 * @param section the executable section
 * @param name    symbol name, or the section name when the section has no function symbol
 * @param symbol  the STT_FUNC symbol, or null
 * @param start   first instruction index in the section
 * @param count   number of instructions
 */
record ElfFunction(ElfSection section, String name, ElfSymbol symbol, int start, int count) {

    boolean contains(int insnIndex) {
        return insnIndex >= start && insnIndex < start + count;
    }

    @Override
    public String toString() {
        return "function '" + name + "' of section '" + section.name() + "'";
    }
}
