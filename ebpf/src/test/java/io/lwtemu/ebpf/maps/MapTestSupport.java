package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.AddressSpace;

/** Byte helpers for map tests: little-endian keys and values as the kernel's user side passes them. */
final class MapTestSupport {
    private MapTestSupport() {}

    static byte[] u32(long v) {
        byte[] b = new byte[4];
        AddressSpace.put(b, 0, 4, v);
        return b;
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        AddressSpace.put(b, 0, 8, v);
        return b;
    }

    static long le64(byte[] b, int off) {
        return AddressSpace.get(b, off, 8);
    }

    static long le32(byte[] b, int off) {
        return AddressSpace.get(b, off, 4);
    }

    static MapDefinition def(String name, MapType type, int key, int value, int max, int flags) {
        return new MapDefinition(name, type, key, value, max, flags, MapDefinition.PIN_NONE);
    }

    /** LPM key: host-order prefixlen followed by the address bytes. */
    static byte[] lpmKey(int prefixlen, int... addr) {
        byte[] b = new byte[4 + addr.length];
        AddressSpace.put(b, 0, 4, prefixlen);
        for (int i = 0; i < addr.length; i++) {
            b[4 + i] = (byte) addr[i];
        }
        return b;
    }
}
