package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashTableMapTest {
    private static BpfMap hash(int max) {
        return Maps.create(def("t", MapType.HASH, 4, 8, max, 0), 2);
    }

    @Test
    void shouldStoreAndLookUpValues() {
        BpfMap m = hash(4);
        assertThat(m.update(u32(1), u64(42), BpfMap.BPF_ANY)).isZero();
        assertThat(le64(m.lookup(u32(1)), 0)).isEqualTo(42);
        assertThat(m.lookup(u32(2))).isNull();
    }

    @Test
    void shouldFailWithE2bigWhenFullButStillReplaceExistingKeys() {
        BpfMap m = hash(2);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(u32(2), u64(2), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(u32(3), u64(3), BpfMap.BPF_ANY)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(u32(1), u64(11), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(u32(2), u64(22), BpfMap.BPF_EXIST)).isZero();
        assertThat(le64(m.lookup(u32(1)), 0)).isEqualTo(11);
        assertThat(le64(m.lookup(u32(2)), 0)).isEqualTo(22);
    }

    @Test
    void shouldApplyExistAndNoexistLikeTheKernel() {
        BpfMap m = hash(4);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_EXIST)).isEqualTo(-Errno.ENOENT);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_NOEXIST)).isZero();
        assertThat(m.update(u32(1), u64(2), BpfMap.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
        assertThat(le64(m.lookup(u32(1)), 0)).isEqualTo(1);
    }

    @Test
    void shouldRejectInvalidFlags() {
        BpfMap m = hash(4);
        assertThat(m.update(u32(1), u64(1), 3)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(u32(1), u64(1), 8)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(u32(1), u64(1), -1L)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldReturnEnoentWhenDeletingMissingKey() {
        BpfMap m = hash(4);
        m.update(u32(1), u64(1), BpfMap.BPF_ANY);
        assertThat(m.delete(u32(2))).isEqualTo(-Errno.ENOENT);
        assertThat(m.delete(u32(1))).isZero();
        assertThat(m.delete(u32(1))).isEqualTo(-Errno.ENOENT);
        assertThat(m.lookup(u32(1))).isNull();
    }

    @Test
    void shouldIterateEveryKeyOnceAndRestartFromMissingKey() {
        BpfMap m = hash(64);
        for (int i = 0; i < 50; i++) {
            m.update(u32(i * 7919), u64(i), BpfMap.BPF_ANY);
        }
        Set<Long> seen = new HashSet<>();
        List<Long> order = new ArrayList<>();
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            assertThat(seen.add(le32(k, 0))).isTrue();
            order.add(le32(k, 0));
        }
        assertThat(seen).hasSize(50);
        assertThat(le32(m.nextKey(u32(123456)), 0)).isEqualTo(order.get(0));
        assertThat(m.nextKey(u32(order.get(order.size() - 1)))).isNull();
        assertThat(hash(4).nextKey(null)).isNull();
    }

    @Test
    void shouldLetProgramsUpdateValuesInPlaceThroughTheReturnedPointer() {
        BpfMap m = hash(4);
        byte[] key = new byte[16];
        AddressSpace.put(key, 8, 4, 5);
        byte[] value = new byte[16];
        AddressSpace.put(value, 4, 8, 100);
        assertThat(m.updateElem(key, 8, value, 4, BpfMap.BPF_ANY, 0)).isZero();
        long p = m.lookupElem(key, 8, 0);
        assertThat(p).isNotZero();
        assertThat(p % 8).isZero();
        AddressSpace mem = new AddressSpace();
        assertThat(mem.load(p, 8)).isEqualTo(100);
        mem.store(p, 8, 101);
        assertThat(le64(m.lookup(u32(5)), 0)).isEqualTo(101);
        assertThat(m.lookupElem(u32(6), 0, 0)).isZero();
        assertThat(m.deleteElem(key, 8)).isZero();
        assertThat(m.lookupElem(key, 8, 0)).isZero();
    }

    @Test
    void shouldKeepValuesReadOnlyForProgramsWithRdonlyProgButWritableForUsers() {
        BpfMap m = Maps.create(def("ro", MapType.HASH, 4, 8, 4, MapDefinition.BPF_F_RDONLY_PROG), 1);
        assertThat(m.update(u32(1), u64(7), BpfMap.BPF_ANY)).isZero();
        long p = m.lookupElem(u32(1), 0, 0);
        AddressSpace mem = new AddressSpace();
        assertThat(mem.load(p, 8)).isEqualTo(7);
        assertThatThrownBy(() -> mem.store(p, 8, 8)).isInstanceOf(BpfFault.class).hasMessageContaining("read-only");
        assertThat(m.update(u32(1), u64(9), BpfMap.BPF_EXIST)).isZero();
        assertThat(le64(m.lookup(u32(1)), 0)).isEqualTo(9);
    }

    @Test
    void shouldRecycleValueMemoryOfDeletedElements() {
        HashTableMap m = (HashTableMap) hash(16);
        for (int round = 0; round < 1000; round++) {
            for (int i = 0; i < 16; i++) {
                assertThat(m.update(u32(round * 16 + i), u64(i), BpfMap.BPF_ANY)).isZero();
            }
            for (int i = 0; i < 16; i++) {
                assertThat(m.update(u32(round * 16 + i), u64(i + 1), BpfMap.BPF_EXIST)).isZero();
                assertThat(m.delete(u32(round * 16 + i))).isZero();
            }
        }
        assertThat(m.size()).isZero();
        assertThat(m.slotsAllocated()).isLessThanOrEqualTo(17);
    }

    @Test
    void shouldNeverLetAStalePointerReachAnotherMapsMemory() {
        BpfMap a = hash(4);
        a.update(u32(1), u64(1), BpfMap.BPF_ANY);
        long stale = a.lookupElem(u32(1), 0, 0);
        MemoryRegion aRegion = RegionTable.global().get(Pointer.region(stale));
        assertThat(a.delete(u32(1))).isZero();
        BpfMap b = hash(4);
        b.update(u32(1), u64(0xbbbb), BpfMap.BPF_ANY);
        long fresh = b.lookupElem(u32(1), 0, 0);
        assertThat(Pointer.region(fresh)).isNotEqualTo(Pointer.region(stale));
        MemoryRegion r = new AddressSpace().resolve(stale, 8, false);
        assertThat(r).isSameAs(aRegion);
        assertThat(r.name).isEqualTo("map value of 't'");
        // writing through the stale pointer stays inside map a
        new AddressSpace().store(stale, 8, 0xdead);
        assertThat(le64(b.lookup(u32(1)), 0)).isEqualTo(0xbbbb);
    }

    @Test
    void shouldFaultOnPointersIntoAClosedMap() {
        BpfMap a = hash(4);
        a.update(u32(1), u64(1), BpfMap.BPF_ANY);
        long p = a.lookupElem(u32(1), 0, 0);
        a.close();
        assertThatThrownBy(() -> new AddressSpace().load(p, 8)).isInstanceOf(BpfFault.class);
        BpfMap b = hash(4);
        a.close(); // a second close must not release regions that now belong to b
        assertThat(BpfMap.fromHandle(b.handle())).isSameAs(b);
        b.update(u32(1), u64(2), BpfMap.BPF_ANY);
        assertThat(new AddressSpace().load(b.lookupElem(u32(1), 0, 0), 8)).isEqualTo(2);
    }

    @Test
    void shouldHandleKeysOfOddSizes() {
        BpfMap m = Maps.create(def("k", MapType.HASH, 13, 3, 100, 0), 1);
        for (int i = 0; i < 100; i++) {
            byte[] k = new byte[13];
            k[0] = (byte) i;
            k[12] = (byte) (i * 3);
            assertThat(m.update(k, new byte[] {(byte) i, 1, 2}, BpfMap.BPF_NOEXIST)).isZero();
        }
        for (int i = 0; i < 100; i++) {
            byte[] k = new byte[13];
            k[0] = (byte) i;
            k[12] = (byte) (i * 3);
            assertThat(m.lookup(k)).containsExactly((byte) i, 1, 2);
        }
    }
}
