package io.lwtemu.ebpf.maps;

import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Expected texts were captured from bpftool v7 on Linux 6.18 for the same maps. */
class MapDumpTest {
    @Test
    void shouldPrintShortEntriesOnOneLineLikeBpftool() {
        BpfMap m = Maps.create(def("t", MapType.ARRAY, 4, 8, 2, 0), 1);
        m.update(u32(1), u64(42), BpfMap.BPF_ANY);
        assertThat(MapDump.plain(m)).isEqualTo(
                "key: 00 00 00 00  value: 00 00 00 00 00 00 00 00\n"
                        + "key: 01 00 00 00  value: 2a 00 00 00 00 00 00 00\n"
                        + "Found 2 elements\n");
        assertThat(MapDump.json(m)).isEqualTo(
                "[{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},"
                        + "{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x2a\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]");
    }

    @Test
    void shouldBreakLongKeysAndValuesLikeBpftool() {
        BpfMap a = Maps.create(def("ta", MapType.ARRAY, 4, 20, 1, 0), 1);
        assertThat(MapDump.plain(a)).isEqualTo(
                "key:\n00 00 00 00\nvalue:\n00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00\n00 00 00 00\n"
                        + "Found 1 element\n");
        BpfMap h = Maps.create(def("th", MapType.HASH, 20, 4, 2, 0), 1);
        byte[] key = new byte[20];
        for (int i = 0; i < 20; i++) {
            key[i] = (byte) (i + 1);
        }
        h.update(key, new byte[] {1, 2, 3, 4}, BpfMap.BPF_ANY);
        assertThat(MapDump.plain(h)).isEqualTo(
                "key:\n01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10\n11 12 13 14\nvalue:\n01 02 03 04\n"
                        + "Found 1 element\n");
    }

    @Test
    void shouldPrintOneValuePerCpu() {
        BpfMap m = Maps.create(def("tp", MapType.PERCPU_HASH, 4, 4, 2, 0), 2);
        byte[] all = new byte[16];
        all[0] = 5;
        all[8] = 5;
        m.update(u32(1), all, BpfMap.BPF_ANY);
        assertThat(MapDump.plain(m)).isEqualTo(
                "key:\n01 00 00 00\nvalue (CPU 00): 05 00 00 00\nvalue (CPU 01): 05 00 00 00\nFound 1 element\n");
        assertThat(MapDump.json(m)).isEqualTo(
                "[{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x05\",\"0x00\",\"0x00\",\"0x00\"]},"
                        + "{\"cpu\":1,\"value\":[\"0x05\",\"0x00\",\"0x00\",\"0x00\"]}]}]");
    }

    @Test
    void shouldReportAnEmptyMap() {
        BpfMap m = Maps.create(def("e", MapType.HASH, 4, 4, 2, 0), 1);
        assertThat(MapDump.plain(m)).isEqualTo("Found 0 elements\n");
        assertThat(MapDump.json(m)).isEqualTo("[]");
    }
}
