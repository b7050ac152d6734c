package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Properties of the per-packet path: no allocation, value regions owned by their map. */
class MapHotPathTest {
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldNotAllocateOnProgramLookups() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        BpfMap hash = Maps.create(def("h", MapType.HASH, 12, 8, 128, 0), 2);
        BpfMap lru = Maps.create(def("l", MapType.LRU_PERCPU_HASH, 4, 8, 128, 0), 2);
        BpfMap array = Maps.create(def("a", MapType.PERCPU_ARRAY, 4, 8, 128, 0), 2);
        BpfMap lpm = Maps.create(def("t", MapType.LPM_TRIE, 20, 8, 128, 1), 2);
        byte[][] keys12 = new byte[128][12];
        byte[][] keys4 = new byte[128][];
        byte[][] keys20 = new byte[128][];
        for (int i = 0; i < 128; i++) {
            AddressSpace.put(keys12[i], 4, 4, i * 31);
            keys4[i] = u32(i);
            keys20[i] = lpmKey(24 + i % 100, 0x20, 1, i, i * 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i);
            hash.update(keys12[i], u64(i), BpfMap.BPF_ANY);
            lru.update(keys4[i], new byte[16], BpfMap.BPF_ANY);
            lpm.update(keys20[i], u64(i), BpfMap.BPF_ANY);
        }
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            long before = allocatedBytes();
            for (int n = 0; n < 20_000; n++) {
                int i = n & 127;
                sink += hash.lookupElem(keys12[i], 0, 0);
                sink += lru.lookupElem(keys4[i], 0, 1);
                sink += array.lookupElem(keys4[i], 0, 1);
                sink += lpm.lookupElem(keys20[i], 0, 0);
            }
            long allocated = allocatedBytes() - before;
            if (warm == 2) {
                // a few hundred bytes of slack for the measurement itself
                assertThat(allocated).as("bytes allocated by 80k lookups").isLessThan(1024);
            }
        }
        assertThat(sink).isNotZero();
    }

    @Test
    void shouldTagValueRegionsWithTheirMap() {
        BpfMap hash = Maps.create(def("h", MapType.HASH, 4, 8, 4, 0), 1);
        hash.update(u32(1), u64(1), BpfMap.BPF_ANY);
        MemoryRegion r = RegionTable.global().get(Pointer.region(hash.lookupElem(u32(1), 0, 0)));
        assertThat(r.kind).isEqualTo(MemoryRegion.Kind.MAP_VALUE);
        assertThat(r.owner).isSameAs(hash);
        BpfMap array = Maps.create(def("a", MapType.ARRAY, 4, 8, 4, 0), 1);
        assertThat(RegionTable.global().get(Pointer.region(array.lookupElem(u32(1), 0, 0))).owner).isSameAs(array);
    }

    @Test
    void shouldMatchPrefixesOfOddDataSizes() {
        BpfMap m = Maps.create(def("odd", MapType.LPM_TRIE, 4 + 3, 1, 8, 1), 1);
        assertThat(m.update(lpmKey(12, 0xab, 0xc0, 0), new byte[] {12}, BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(23, 0xab, 0xcd, 0xee), new byte[] {23}, BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(25, 0xab, 0xcd, 0xee), new byte[] {1}, BpfMap.BPF_ANY)).isEqualTo(-22);
        assertThat(m.lookup(lpmKey(24, 0xab, 0xcd, 0xef))).containsExactly(23);
        assertThat(m.lookup(lpmKey(24, 0xab, 0xcd, 0xf0))).containsExactly(12);
        assertThat(m.lookup(lpmKey(24, 0xab, 0xd0, 0))).isNull();
    }
}
