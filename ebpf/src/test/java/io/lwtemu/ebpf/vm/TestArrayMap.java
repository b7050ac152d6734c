package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;

/** A minimal array map for interpreter tests: all values in one registered region. */
final class TestArrayMap extends BpfMap {
    final byte[] values;
    private final int region;

    TestArrayMap(String name, int valueSize, int maxEntries, boolean writable) {
        super(new MapDefinition(name, MapType.ARRAY, 4, valueSize, maxEntries, 0, 0));
        values = new byte[valueSize * maxEntries];
        region = RegionTable.global().register(new MemoryRegion(MemoryRegion.Kind.MAP_VALUE,
                "map value of '" + name + "'", values, 0, values.length, writable));
    }

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        int index = (int) AddressSpace.get(key, keyOffset, 4);
        return index >= 0 && index < definition.maxEntries() ? Pointer.of(region, index * definition.valueSize()) : 0;
    }

    @Override
    public long directValueAddress(int offset) {
        return offset >= 0 && offset < values.length ? Pointer.of(region, offset) : 0;
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        return -1;
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        return -1;
    }

    @Override
    public byte[] lookup(byte[] key) {
        return null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -1;
    }

    @Override
    public int delete(byte[] key) {
        return -1;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        return null;
    }

    @Override
    public void close() {
        RegionTable.global().release(region);
        super.close();
    }
}
