package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.BpfObject;
import io.lwtemu.ebpf.loader.LoadOptions;
import io.lwtemu.ebpf.loader.ObjectLoader;
import io.lwtemu.ebpf.loader.ProgArraySlot;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.Maps;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libbpf's {@code .values} initialiser of prog arrays, read by the loader. */
class ProgArrayValuesTest {
    private static BpfObject load(String relative) {
        return ObjectLoader.load(E2e.object(relative), LoadOptions.of((def, init) -> Maps.create(def, 1)));
    }

    @Test
    void shouldRecordTheSlotsAndGiveTheMapFourByteValues() {
        BpfObject obj = load("lwt/tail_call.o");
        assertThat(obj.progArraySlots()).containsExactly(new ProgArraySlot("jmp", 0, "stage2"));
        assertThat(obj.maps().get("jmp").type()).isEqualTo(MapType.PROG_ARRAY);
        assertThat(obj.maps().get("jmp").definition().valueSize()).isEqualTo(4);
    }

    @Test
    void shouldAllowAProgramInItsOwnProgArray() {
        assertThat(load("e2e/tail_loop.o").progArraySlots()).containsExactly(new ProgArraySlot("jmp", 0, "loop"));
    }

    @Test
    void shouldRecordNoSlotsForObjectsWithoutValues() {
        assertThat(load("lwt/counters.o").progArraySlots()).isEmpty();
    }

    @Test
    void shouldRefuseValuesOnOtherMapTypes() {
        assertThatThrownBy(() -> load("e2e/values_not_prog_array.o"))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not_jmp")
                .hasMessageContaining("only supported for prog arrays");
    }

    @Test
    void shouldRefuseASlotBeyondMaxEntries() {
        assertThatThrownBy(() -> load("e2e/values_out_of_range.o"))
                .isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("map 'jmp'")
                .hasMessageContaining("[3] is beyond max_entries 2");
    }
}
