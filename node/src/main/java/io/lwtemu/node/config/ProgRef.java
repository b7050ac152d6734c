package io.lwtemu.node.config;

import java.nio.file.Path;

/** An eBPF program named in a route: {@code obj FILE section SEC}; the path is resolved against the config's folder. */
public record ProgRef(Path object, String section) {
    @Override
    public String toString() {
        return "obj " + object.getFileName() + " section " + section;
    }
}
