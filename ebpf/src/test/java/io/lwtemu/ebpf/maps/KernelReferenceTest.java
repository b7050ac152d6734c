package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.AddressSpace;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the map helper calls of src/test/bpf/maps/map_ops.c (what the program does, call for call) on
 * lwtemu maps and compares the resulting contents with what the kernel left in the same maps
 * (map_ops.kernel-dump.txt). Hash maps iterate in a different order than the kernel's jhash buckets, so
 * those are compared as sets; LPM and array order must match exactly.
 */
class KernelReferenceTest {
    private static final Path REFERENCE = Path.of("src/test/bpf/maps/map_ops.kernel-dump.txt");

    private final BpfMap counters = Maps.create(def("counters", MapType.HASH, 4, 8, 2, 0), 2);
    private final BpfMap rcs = Maps.create(def("rcs", MapType.ARRAY, 4, 8, 8, 0), 2);
    private final BpfMap flows = Maps.create(def("flows", MapType.LRU_HASH, 4, 4, 4, 0), 2);
    private final BpfMap routes = Maps.create(def("routes", MapType.LPM_TRIE, 8, 4, 8, MapDefinition.BPF_F_NO_PREALLOC), 2);
    private final BpfMap bss = Maps.create(def(".bss", MapType.ARRAY, 4, 8, 1, 0), 2);
    private final AddressSpace mem = new AddressSpace();

    private void record(int slot, long rc) {
        long p = rcs.lookupElem(u32(slot), 0, 0);
        if (p != 0) {
            mem.store(p, 8, rc);
        }
    }

    /** One run of map_ops(): the same helper calls with the same arguments. */
    private void run(int cpu) {
        long runsPtr = bss.directValueAddress(0);
        long n = mem.load(runsPtr, 8) + 1;
        mem.store(runsPtr, 8, n);
        long step = 7;
        long base = 100;
        long cnt = counters.lookupElem(u32(1), 0, cpu);
        if (cnt == 0) {
            record(0, counters.updateElem(u32(1), 0, u64(1), 0, BpfMap.BPF_NOEXIST, cpu));
            cnt = counters.lookupElem(u32(1), 0, cpu);
            mem.store(cnt, 8, 0);
        }
        mem.store(cnt, 8, mem.load(cnt, 8) + step);
        byte[] v = u64(base + n);
        counters.updateElem(u32(2), 0, v, 0, BpfMap.BPF_ANY, cpu);
        record(1, counters.updateElem(u32(3), 0, v, 0, BpfMap.BPF_ANY, cpu));
        record(2, counters.updateElem(u32(3), 0, v, 0, BpfMap.BPF_EXIST, cpu));
        record(3, counters.updateElem(u32(1), 0, v, 0, BpfMap.BPF_NOEXIST, cpu));
        record(4, counters.deleteElem(u32(9), 0));
        record(5, rcs.updateElem(u32(8), 0, u64(0), 0, BpfMap.BPF_ANY, cpu));
        record(6, rcs.deleteElem(u32(0), 0));
        flows.updateElem(u32(1000 + n), 0, u32(n), 0, BpfMap.BPF_ANY, cpu);
        long route = routes.lookupElem(lpmKey(32, 10, 1, 2, 3), 0, cpu);
        record(7, route != 0 ? mem.load(route, 4) : -1);
    }

    private static Map<String, List<String>> reference() throws IOException {
        Map<String, List<String>> maps = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(REFERENCE)) {
            if (line.startsWith("== ")) {
                current = new ArrayList<>();
                maps.put(line.substring(3), current);
            } else if (current != null && line.startsWith("key: ")) {
                current.add(line);
            }
        }
        return maps;
    }

    private static List<String> lines(BpfMap m) {
        List<String> out = new ArrayList<>(List.of(MapDump.plain(m).split("\n")));
        out.remove(out.size() - 1); // "Found N elements"
        return out;
    }

    @Test
    void shouldLeaveMapsAsTheKernelDidAfterFiveRuns() throws IOException {
        routes.update(lpmKey(8, 10, 0, 0, 0), u32(8), BpfMap.BPF_ANY);
        routes.update(lpmKey(16, 10, 1, 0, 0), u32(16), BpfMap.BPF_ANY);
        routes.update(lpmKey(24, 10, 1, 2, 0), u32(24), BpfMap.BPF_ANY);
        for (int i = 0; i < 5; i++) {
            run(i % 2);
        }
        Map<String, List<String>> kernel = reference();
        assertThat(lines(counters)).containsExactlyInAnyOrderElementsOf(kernel.get("counters"));
        assertThat(lines(rcs)).containsExactlyElementsOf(kernel.get("rcs"));
        assertThat(lines(flows)).containsExactlyInAnyOrderElementsOf(kernel.get("flows"));
        assertThat(lines(routes)).containsExactlyElementsOf(kernel.get("routes"));
        assertThat(lines(bss)).containsExactlyElementsOf(kernel.get("map_ops_bss"));
    }
}
