package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.Pointer;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArrayMapTest {
    private static BpfMap array(int value, int max) {
        return Maps.create(def("a", MapType.ARRAY, 4, value, max, 0), 2);
    }

    @Test
    void shouldStartZeroedAndUpdateInPlace() {
        BpfMap m = array(12, 3);
        assertThat(m.lookup(u32(2))).containsOnly(0).hasSize(12);
        byte[] v = new byte[12];
        v[0] = 42;
        v[11] = 1;
        assertThat(m.update(u32(2), v, BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(u32(2), v, BpfMap.BPF_EXIST)).isZero();
        assertThat(m.lookup(u32(2))).isEqualTo(v);
    }

    @Test
    void shouldReturnTheKernelsErrnoForArrayUpdatesAndDeletes() {
        BpfMap m = array(8, 2);
        assertThat(m.update(u32(2), u64(1), BpfMap.BPF_ANY)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(u32(-1), u64(1), BpfMap.BPF_ANY)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
        assertThat(m.update(u32(1), u64(1), 3)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(u32(1), u64(1), BpfMap.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL);
        assertThat(m.delete(u32(0))).isEqualTo(-Errno.EINVAL);
        assertThat(m.deleteElem(u32(0), 0)).isEqualTo(-Errno.EINVAL);
        assertThat(m.lookup(u32(2))).isNull();
        assertThat(m.lookupElem(u32(2), 0, 0)).isZero();
    }

    @Test
    void shouldPlaceValuesAtEightByteAlignedOffsetsOfOneRegion() {
        BpfMap m = array(12, 4);
        long p0 = m.lookupElem(u32(0), 0, 0);
        long p3 = m.lookupElem(u32(3), 0, 0);
        assertThat(Pointer.region(p3)).isEqualTo(Pointer.region(p0));
        assertThat(p3 - p0).isEqualTo(3 * 16);
        new AddressSpace().store(p3 + 8, 4, 0xabcd);
        assertThat(le32(m.lookup(u32(3)), 8)).isEqualTo(0xabcd);
        byte[] v = new byte[12];
        v[4] = 9;
        assertThat(m.updateElem(u32(1), 0, v, 0, BpfMap.BPF_ANY, 1)).isZero();
        assertThat(new AddressSpace().load(m.lookupElem(u32(1), 0, 0) + 4, 1)).isEqualTo(9);
    }

    @Test
    void shouldIterateIndicesInOrderAndRestartOnInvalidKey() {
        BpfMap m = array(8, 3);
        assertThat(le32(m.nextKey(null), 0)).isZero();
        assertThat(le32(m.nextKey(u32(0)), 0)).isEqualTo(1);
        assertThat(le32(m.nextKey(u32(1)), 0)).isEqualTo(2);
        assertThat(m.nextKey(u32(2))).isNull();
        assertThat(le32(m.nextKey(u32(99)), 0)).isZero();
    }

    @Test
    void shouldGiveDirectValueAddressesOnlyForSingleEntryArrays() {
        BpfMap data = Maps.create(def(".data", MapType.ARRAY, 4, 20, 1, 0), 1);
        long p = data.directValueAddress(16);
        assertThat(p).isEqualTo(data.lookupElem(u32(0), 0, 0) + 16);
        new AddressSpace().store(p, 4, 5);
        assertThat(le32(data.lookup(u32(0)), 16)).isEqualTo(5);
        assertThat(data.directValueAddress(20)).isZero();
        assertThat(data.directValueAddress(-1)).isZero();
        assertThat(array(8, 2).directValueAddress(0)).isZero();
    }

    @Test
    void shouldMakeRodataReadOnlyForPrograms() {
        BpfMap ro = Maps.create(def(".rodata", MapType.ARRAY, 4, 8, 1, MapDefinition.BPF_F_RDONLY_PROG), 1);
        assertThat(ro.update(u32(0), u64(3), BpfMap.BPF_ANY)).isZero();
        long p = ro.directValueAddress(0);
        assertThat(new AddressSpace().load(p, 8)).isEqualTo(3);
        assertThatThrownBy(() -> new AddressSpace().store(p, 8, 1)).isInstanceOf(BpfFault.class);
    }

    @Test
    void shouldRefuseUserWritesAfterFreezeButLetProgramsWrite() {
        ArrayMap m = (ArrayMap) Maps.create(def(".data", MapType.ARRAY, 4, 8, 1, 0), 1);
        assertThat(m.update(u32(0), u64(1), BpfMap.BPF_ANY)).isZero();
        m.freeze();
        assertThat(m.update(u32(0), u64(2), BpfMap.BPF_ANY)).isEqualTo(-Errno.EPERM);
        assertThat(m.delete(u32(0))).isEqualTo(-Errno.EPERM);
        new AddressSpace().store(m.directValueAddress(0), 8, 3);
        assertThat(le64(m.lookup(u32(0)), 0)).isEqualTo(3);
    }

    @Test
    void shouldIsolatePerCpuArrayValues() {
        BpfMap m = Maps.create(def("pa", MapType.PERCPU_ARRAY, 4, 4, 2, 0), 4);
        assertThat(m.updateElem(u32(1), 0, new byte[] {1, 0, 0, 0}, 0, BpfMap.BPF_ANY, 3)).isZero();
        long p3 = m.lookupElem(u32(1), 0, 3);
        long p0 = m.lookupElem(u32(1), 0, 0);
        AddressSpace mem = new AddressSpace();
        assertThat(mem.load(p3, 4)).isEqualTo(1);
        assertThat(mem.load(p0, 4)).isZero();
        assertThat(p3 % 8).isZero();
        byte[] all = m.lookup(u32(1));
        assertThat(all).hasSize(32);
        assertThat(le32(all, 24)).isEqualTo(1);
        byte[] set = new byte[32];
        for (int c = 0; c < 4; c++) {
            set[c * 8] = (byte) (10 + c);
        }
        assertThat(m.update(u32(0), set, BpfMap.BPF_ANY)).isZero();
        assertThat(mem.load(m.lookupElem(u32(0), 0, 2), 4)).isEqualTo(12);
        assertThat(m.update(u32(0), set, BpfMap.BPF_F_LOCK)).isEqualTo(-Errno.EINVAL);
        assertThat(m.directValueAddress(0)).isZero();
    }
}
