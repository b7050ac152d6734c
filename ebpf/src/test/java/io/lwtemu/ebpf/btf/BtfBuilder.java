package io.lwtemu.ebpf.btf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes raw BTF by hand, for kinds and corruptions clang does not produce on request. */
final class BtfBuilder {
    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new LinkedHashMap<>();
    private int nextId = 1;

    BtfBuilder() {
        strings.write(0);
        stringOffsets.put("", 0);
    }

    int str(String s) {
        return stringOffsets.computeIfAbsent(s, k -> {
            int off = strings.size();
            strings.writeBytes(k.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        });
    }

    /** Writes a btf_type header; returns the new type's id. */
    int type(String name, BtfKind kind, int vlen, boolean kindFlag, int sizeOrType) {
        u32(types, str(name));
        u32(types, (kindFlag ? 1 << 31 : 0) | kind.id << 24 | vlen);
        u32(types, sizeOrType);
        return nextId++;
    }

    BtfBuilder u32(int v) {
        u32(types, v);
        return this;
    }

    byte[] build() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x9f);
        out.write(0xeb);
        out.write(1);
        out.write(0);
        u32(out, 24);
        u32(out, 0);
        u32(out, t.length);
        u32(out, t.length);
        u32(out, s.length);
        out.writeBytes(t);
        out.writeBytes(s);
        return out.toByteArray();
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }
}
