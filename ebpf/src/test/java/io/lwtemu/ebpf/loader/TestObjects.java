package io.lwtemu.ebpf.loader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The prebuilt loader test objects (src/test/bpf/loader, rebuilt by src/test/bpf/build.sh). */
public final class TestObjects {
    public static final Path DIR = Path.of("src/test/bpf/loader");

    private TestObjects() {}

    public static Path path(String fileName) {
        return DIR.resolve(fileName);
    }

    public static byte[] bytes(String fileName) {
        try {
            return Files.readAllBytes(path(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian patch helpers for making corrupt copies. */
    public static void putU16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
    }

    public static void putU32(byte[] b, int p, int v) {
        for (int i = 0; i < 4; i++) {
            b[p + i] = (byte) (v >>> (8 * i));
        }
    }

    public static void putU64(byte[] b, int p, long v) {
        for (int i = 0; i < 8; i++) {
            b[p + i] = (byte) (v >>> (8 * i));
        }
    }
}
