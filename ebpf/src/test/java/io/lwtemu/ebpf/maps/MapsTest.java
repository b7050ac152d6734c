package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.maps.MapTestSupport.def;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MapsTest {
    @ParameterizedTest
    @CsvSource({
            // type, key, value, max, flags, errno, message part
            "HASH, 0, 8, 4, 0, 22, key_size is 0",
            "HASH, 4, 0, 4, 0, 22, value_size is 0",
            "HASH, 4, 8, 0, 0, 22, max_entries is 0",
            "HASH, 513, 8, 4, 0, 7, BPF stack",
            "HASH, 4, 8, 4, 2, 22, BPF_F_NO_COMMON_LRU",
            "HASH, 4, 8, 4, 1024, 22, map_flags 0x400",
            "LRU_HASH, 4, 8, 4, 1, 524, BPF_F_NO_PREALLOC",
            "PERCPU_HASH, 4, 40000, 4, 0, 7, per-CPU value_size",
            "ARRAY, 8, 8, 4, 0, 22, key_size must be 4",
            "ARRAY, 4, 0, 4, 0, 22, value_size is 0",
            "ARRAY, 4, 8, 0, 0, 22, max_entries is 0",
            "ARRAY, 4, 8, 4, 1, 22, map_flags 0x1",
            "PERCPU_ARRAY, 4, 8, 4, 1024, 22, BPF_F_MMAPABLE",
            "LPM_TRIE, 8, 4, 4, 0, 22, BPF_F_NO_PREALLOC",
            "LPM_TRIE, 4, 4, 4, 1, 22, key_size must be 4 (prefixlen)",
            "LPM_TRIE, 261, 4, 4, 1, 22, key_size must be",
            "LPM_TRIE, 8, 0, 4, 1, 22, value_size 0",
            "LPM_TRIE, 8, 4, 0, 1, 22, max_entries is 0",
            "HASH, 4, 8, 4, 384, 22, BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG",
    })
    void shouldRefuseDefinitionsTheKernelRefuses(MapType type, int key, int value, int max, int flags, int errno,
                                                 String reason) {
        MapCreateException e = catchThrowableOfType(MapCreateException.class,
                () -> Maps.create(def("bad_map", type, key, value, max, flags), 2));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(errno);
        assertThat(e).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad_map'")
                .hasMessageContaining(reason)
                .hasMessageContaining("-E");
    }

    @Test
    void shouldCreateTheRightImplementationForEachType() {
        assertThat(Maps.create(def("h", MapType.HASH, 4, 8, 4, MapDefinition.BPF_F_NO_PREALLOC), 2))
                .isInstanceOf(HashTableMap.class);
        assertThat(Maps.create(def("h", MapType.LRU_PERCPU_HASH, 4, 8, 4, 2), 2)).isInstanceOf(HashTableMap.class);
        assertThat(Maps.create(def("a", MapType.PERCPU_ARRAY, 4, 8, 4, 0), 2)).isInstanceOf(ArrayMap.class);
        assertThat(Maps.create(def("l", MapType.LPM_TRIE, 8, 8, 4, 1), 2)).isInstanceOf(LpmTrieMap.class);
        assertThat(((PerCpuMap) Maps.create(def("a", MapType.PERCPU_ARRAY, 4, 8, 4, 0), 3)).cpus()).isEqualTo(3);
    }

    @Test
    void shouldCreateProgArraysRingBuffersAndPerfEventArrays() {
        assertThat(Maps.create(def("p", MapType.PROG_ARRAY, 4, 4, 4, 0), 1)).isInstanceOf(ProgArrayMap.class);
        assertThat(Maps.create(def("r", MapType.RINGBUF, 0, 0, 4096, 0), 1)).isInstanceOf(RingBufMap.class);
        assertThat(Maps.create(def("e", MapType.PERF_EVENT_ARRAY, 4, 4, 4, 0), 1))
                .isInstanceOf(PerfEventArrayMap.class);
    }

    @Test
    void shouldGiveEachMapADistinctHandle() {
        BpfMap a = Maps.create(def("a", MapType.HASH, 4, 8, 4, 0), 1);
        BpfMap b = Maps.create(def("b", MapType.ARRAY, 4, 8, 4, 0), 1);
        assertThat(a.handle()).isNotEqualTo(b.handle());
        assertThat(BpfMap.fromHandle(a.handle())).isSameAs(a);
        assertThat(Errno.EINVAL).isEqualTo(22);
    }
}
