package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;

/**
 * Creates the maps an object declares, the step where libbpf calls {@code bpf_map_create} (or reuses a
 * pinned map). The loader calls it once per map, in object order, after the whole object has been parsed
 * and linked, so a malformed object creates no maps.
 */
@FunctionalInterface
public interface MapProvider {
    /**
     * @param definition   what the object declares; {@code pinning == PIN_BY_NAME} asks for a map shared
     *                     by name, and it is the provider's choice to reuse a pinned one
     * @param initialValue for global data maps ({@code .rodata}, {@code .data}, {@code .bss}) the value of
     *                     their single element (section contents, zeros for .bss), to be stored at key 0;
     *                     null for all other maps
     * @return the map; it must have the given definition's shape
     * @throws BpfLoadException when the map cannot be created (its message is shown to the user)
     */
    BpfMap create(MapDefinition definition, byte[] initialValue);
}
