package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

class PerCpuAndLruHashTest {
    @Test
    void shouldKeepOneValuePerCpuAndShowOnlyTheRunningCpusSlotToPrograms() {
        BpfMap m = Maps.create(def("pc", MapType.PERCPU_HASH, 4, 4, 8, 0), 3);
        byte[] v = new byte[] {5, 0, 0, 0};
        assertThat(m.updateElem(u32(1), 0, v, 0, BpfMap.BPF_ANY, 1)).isZero();
        byte[] all = m.lookup(u32(1));
        assertThat(all).hasSize(3 * 8);
        assertThat(le32(all, 0)).isZero();
        assertThat(le32(all, 8)).isEqualTo(5);
        assertThat(le32(all, 16)).isZero();

        AddressSpace mem = new AddressSpace();
        long p0 = m.lookupElem(u32(1), 0, 0);
        long p2 = m.lookupElem(u32(1), 0, 2);
        assertThat(p0 % 8).isZero();
        assertThat(p2 - p0).isEqualTo(16);
        mem.store(p2, 4, 77);
        assertThat(mem.load(m.lookupElem(u32(1), 0, 1), 4)).isEqualTo(5);
        assertThat(le32(m.lookup(u32(1)), 16)).isEqualTo(77);

        // program-side update of an existing key touches only its CPU
        assertThat(m.updateElem(u32(1), 0, new byte[] {9, 0, 0, 0}, 0, BpfMap.BPF_EXIST, 0)).isZero();
        all = m.lookup(u32(1));
        assertThat(le32(all, 0)).isEqualTo(9);
        assertThat(le32(all, 8)).isEqualTo(5);
        assertThat(le32(all, 16)).isEqualTo(77);
    }

    @Test
    void shouldWriteAllCpusFromTheUserSide() {
        BpfMap m = Maps.create(def("pc", MapType.PERCPU_HASH, 4, 4, 1, 0), 2);
        byte[] all = new byte[16];
        AddressSpace.put(all, 0, 4, 1);
        AddressSpace.put(all, 8, 4, 2);
        assertThat(m.update(u32(7), all, BpfMap.BPF_ANY)).isZero();
        assertThat(m.lookup(u32(7))).isEqualTo(all);
        assertThat(m.update(u32(8), all, BpfMap.BPF_ANY)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(u32(7), new byte[8], BpfMap.BPF_ANY)).isEqualTo(-Errno.EFAULT);
        assertThat(m.update(u32(7), all, BpfMap.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedElementWhenFull() {
        BpfMap m = Maps.create(def("lru", MapType.LRU_HASH, 4, 8, 3, 0), 1);
        m.update(u32(1), u64(1), BpfMap.BPF_ANY);
        m.update(u32(2), u64(2), BpfMap.BPF_ANY);
        m.update(u32(3), u64(3), BpfMap.BPF_ANY);
        assertThat(m.update(u32(4), u64(4), BpfMap.BPF_ANY)).isZero();
        assertThat(m.lookup(u32(1))).isNull();
        assertThat(m.lookup(u32(2))).isNotNull();
        assertThat(m.update(u32(5), u64(5), BpfMap.BPF_ANY)).isZero();
        assertThat(m.lookup(u32(2))).isNull();
        assertThat(((HashTableMap) m).size()).isEqualTo(3);
    }

    @Test
    void shouldSpareElementsProgramsLookedUpSinceTheLastEviction() {
        BpfMap m = Maps.create(def("lru", MapType.LRU_HASH, 4, 8, 3, 0), 1);
        m.update(u32(1), u64(1), BpfMap.BPF_ANY);
        m.update(u32(2), u64(2), BpfMap.BPF_ANY);
        m.update(u32(3), u64(3), BpfMap.BPF_ANY);
        assertThat(m.lookupElem(u32(1), 0, 0)).isNotZero(); // program touches the oldest
        m.update(u32(4), u64(4), BpfMap.BPF_ANY);
        assertThat(m.lookup(u32(1))).isNotNull();
        assertThat(m.lookup(u32(2))).isNull();
        // user-side lookups do not count as use (kernel: lookup from the syscall does not set the ref bit)
        m.lookup(u32(3));
        m.update(u32(5), u64(5), BpfMap.BPF_ANY);
        assertThat(m.lookup(u32(3))).isNull();
    }

    @Test
    void shouldMakeUpdatedKeysMostRecent() {
        BpfMap m = Maps.create(def("lru", MapType.LRU_HASH, 4, 8, 2, 0), 1);
        m.update(u32(1), u64(1), BpfMap.BPF_ANY);
        m.update(u32(2), u64(2), BpfMap.BPF_ANY);
        m.update(u32(1), u64(10), BpfMap.BPF_EXIST);
        m.update(u32(3), u64(3), BpfMap.BPF_ANY);
        assertThat(m.lookup(u32(2))).isNull();
        assertThat(le64(m.lookup(u32(1)), 0)).isEqualTo(10);
        assertThat(m.update(u32(9), u64(9), BpfMap.BPF_EXIST)).isEqualTo(-Errno.ENOENT);
        assertThat(m.update(u32(1), u64(9), BpfMap.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
    }

    @Test
    void shouldEvictFromLruPerCpuMapsToo() {
        BpfMap m = Maps.create(def("lrupc", MapType.LRU_PERCPU_HASH, 4, 8, 2, 0), 2);
        for (int i = 0; i < 10; i++) {
            assertThat(m.updateElem(u32(i), 0, u64(i), 0, BpfMap.BPF_ANY, i % 2)).isZero();
        }
        assertThat(((HashTableMap) m).size()).isEqualTo(2);
        assertThat(le64(m.lookup(u32(9)), 8)).isEqualTo(9);
        assertThat(le64(m.lookup(u32(8)), 0)).isEqualTo(8);
        assertThat(m.lookup(u32(7))).isNull();
        assertThat(((HashTableMap) m).slotsAllocated()).isLessThanOrEqualTo(3);
    }
}
