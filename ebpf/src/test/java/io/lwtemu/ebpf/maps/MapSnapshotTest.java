package io.lwtemu.ebpf.maps;

import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapSnapshotTest {
    @Test
    void shouldRestoreEveryMapTypeWithTheSameEntries() {
        BpfMap[] maps = {
                Maps.create(def("h", MapType.HASH, 4, 8, 16, 0), 2),
                Maps.create(def("ph", MapType.PERCPU_HASH, 4, 8, 16, 0), 2),
                Maps.create(def("lru", MapType.LRU_HASH, 4, 8, 16, 0), 2),
                Maps.create(def("a", MapType.ARRAY, 4, 8, 16, 0), 2),
                Maps.create(def("pa", MapType.PERCPU_ARRAY, 4, 8, 16, 0), 2),
        };
        for (BpfMap m : maps) {
            for (int i = 0; i < 10; i++) {
                m.updateElem(u32(i), 0, u64(i * 100 + 1), 0, BpfMap.BPF_ANY, i % 2);
            }
            MapSnapshot s = MapSnapshot.capture(m);
            BpfMap copy = s.restore();
            assertThat(copy).isNotSameAs(m);
            assertThat(MapDump.plain(copy)).isEqualTo(MapDump.plain(m));
            assertThat(MapSnapshot.capture(copy).size()).isEqualTo(s.size());
        }
    }

    @Test
    void shouldRestoreLpmTries() {
        BpfMap m = Maps.create(def("l", MapType.LPM_TRIE, 8, 4, 8, 1), 1);
        m.update(lpmKey(16, 10, 1, 0, 0), u32(16), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 10, 1, 2, 0), u32(24), BpfMap.BPF_ANY);
        BpfMap copy = MapSnapshot.capture(m).restore();
        assertThat(le32(copy.lookup(lpmKey(32, 10, 1, 2, 3)), 0)).isEqualTo(24);
        assertThat(MapDump.plain(copy)).isEqualTo(MapDump.plain(m));
    }

    @Test
    void shouldRefuseToRestoreIntoADifferentMap() {
        BpfMap m = Maps.create(def("h", MapType.HASH, 4, 8, 16, 0), 1);
        MapSnapshot s = MapSnapshot.capture(m);
        assertThatThrownBy(() -> s.restoreInto(Maps.create(def("h", MapType.HASH, 4, 8, 8, 0), 1)))
                .hasMessageContaining("does not match");
    }
}
