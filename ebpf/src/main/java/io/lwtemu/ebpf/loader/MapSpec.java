package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.maps.MapDefinition;

/**
 * A map as declared in the object, before it is created: its definition plus where it lives in the ELF
 * file, which is how relocations find it.
 *
 * @param definition   the kernel-facing definition (name as libbpf names it)
 * @param sectionName  ELF section holding it (".maps", "maps", ".rodata", ...)
 * @param sectionIndex that section's index
 * @param offset       byte offset of the map's definition inside the section (0 for global data)
 * @param initialValue global data contents (zeros for .bss), null for other maps
 */
public record MapSpec(MapDefinition definition, String sectionName, int sectionIndex, long offset,
                      byte[] initialValue) {

    public boolean isGlobalData() {
        return initialValue != null;
    }

    public String name() {
        return definition.name();
    }
}
