package io.lwtemu.ebpf.loader;

/**
 * An initial entry of a prog array that the object declares ({@code .values = { [index] = &program }} in a
 * {@code .maps} definition). libbpf stores these after loading every program; so does
 * {@code io.lwtemu.ebpf.runtime.LoadedObject}.
 *
 * @param map     the PROG_ARRAY map's name
 * @param index   the slot
 * @param program the target program's function name
 */
public record ProgArraySlot(String map, int index, String program) {
}
