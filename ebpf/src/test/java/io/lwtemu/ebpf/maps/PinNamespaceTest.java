package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PinNamespaceTest {
    private static MapDefinition pinned(String name, MapType type, int value, int max) {
        return new MapDefinition(name, type, 4, value, max, 0, MapDefinition.PIN_BY_NAME);
    }

    @Test
    void shouldReusePinnedMapAcrossReloads() {
        PinNamespace ns = new PinNamespace();
        BpfMap first = ns.createOrReuse(pinned("counters", MapType.HASH, 8, 16), 2);
        first.update(u32(1), u64(5), BpfMap.BPF_ANY);
        BpfMap second = ns.createOrReuse(pinned("counters", MapType.HASH, 8, 16), 2);
        assertThat(second).isSameAs(first);
        assertThat(le64(second.lookup(u32(1)), 0)).isEqualTo(5);
        assertThat(ns.get("/sys/fs/bpf/counters")).isSameAs(first);
        assertThat(ns.get("/sys/fs/bpf//counters/")).isSameAs(first);
        assertThat(ns.holds(first)).isTrue();
    }

    @Test
    void shouldRefusePinnedMapWithDifferentParametersLikeLibbpf() {
        PinNamespace ns = new PinNamespace("/sys/fs/bpf/tc/globals");
        ns.createOrReuse(pinned("counters", MapType.HASH, 8, 16), 2);
        MapCreateException e = catchThrowableOfType(MapCreateException.class,
                () -> ns.createOrReuse(pinned("counters", MapType.HASH, 8, 32), 2));
        assertThat(e).hasMessageContaining("couldn't reuse pinned map at '/sys/fs/bpf/tc/globals/counters': parameter mismatch")
                .hasMessageContaining("max_entries 16").hasMessageContaining("max_entries 32");
        assertThat(e.errno()).isEqualTo(Errno.EINVAL);
        ns.createOrReuse(pinned("pc", MapType.PERCPU_HASH, 8, 16), 2);
        assertThat(catchThrowableOfType(MapCreateException.class,
                () -> ns.createOrReuse(pinned("pc", MapType.PERCPU_HASH, 8, 16), 4))).hasMessageContaining("cpus 2");
    }

    @Test
    void shouldCreateUnpinnedMapsEveryTime() {
        PinNamespace ns = new PinNamespace();
        MapDefinition d = def("local", MapType.HASH, 4, 8, 4, 0);
        assertThat(ns.createOrReuse(d, 1)).isNotSameAs(ns.createOrReuse(d, 1));
        assertThat(ns.list()).isEmpty();
    }

    @Test
    void shouldPinGetAndUnpinByPath() {
        PinNamespace ns = new PinNamespace();
        BpfMap m = Maps.create(def("m", MapType.ARRAY, 4, 8, 1, 0), 1);
        ns.pin("/sys/fs/bpf/x", m);
        MapCreateException e = catchThrowableOfType(MapCreateException.class, () -> ns.pin("/sys/fs/bpf/x", m));
        assertThat(e.errno()).isEqualTo(Errno.EEXIST);
        assertThat(ns.get("/sys/fs/bpf/x")).isSameAs(m);
        assertThat(ns.unpin("/sys/fs/bpf/x")).isTrue();
        assertThat(ns.unpin("/sys/fs/bpf/x")).isFalse();
        assertThat(ns.get("/sys/fs/bpf/x")).isNull();
        // after unpinning, a PIN_BY_NAME load creates a new map
        ns.pin("/sys/fs/bpf/m", m);
        ns.unpin("/sys/fs/bpf/m");
        assertThat(ns.createOrReuse(new MapDefinition("m", MapType.ARRAY, 4, 8, 1, 0, MapDefinition.PIN_BY_NAME), 1))
                .isNotSameAs(m);
    }

    @Test
    void shouldShareOneMapBetweenObjectsLoadedConcurrently() throws Exception {
        PinNamespace ns = new PinNamespace();
        Set<BpfMap> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> seen.add(ns.createOrReuse(pinned("shared", MapType.LRU_HASH, 8, 64), 2)));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(seen).hasSize(1);
    }
}
