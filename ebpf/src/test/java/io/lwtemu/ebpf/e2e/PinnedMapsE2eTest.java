package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.e2e.Packets.le64;
import static org.assertj.core.api.Assertions.assertThat;

/** Maps pinned by name are one map for every object of a host and outlive reloads, as in /sys/fs/bpf. */
class PinnedMapsE2eTest {
    private final E2e host = new E2e();

    @Test
    void shouldShareAPinnedMapBetweenTwoObjects() {
        LoadedObject writer = host.open("lwt/len_hist.o");
        LoadedObject reader = host.open("e2e/pinned_reader.o");
        assertThat(reader.maps().get("lwt_len_hist_map")).isSameAs(writer.maps().get("lwt_len_hist_map"));

        LoadedProgram count = writer.prepare("len_hist");
        LoadedProgram read = reader.prepare("read_hist");
        assertThat(host.run(read, Packets.ping4()).mark()).isZero();
        host.run(count, Packets.ping4());
        host.run(count, Packets.icmp4(40)); // 68 bytes: also key 6
        assertThat(host.run(read, Packets.ping4()).mark()).isEqualTo(2);
    }

    @Test
    void shouldKeepPinnedContentsAcrossAReload() {
        LoadedObject first = host.open("lwt/len_hist.o");
        host.run(first.prepare("len_hist"), Packets.ping4());
        BpfMap before = first.maps().get("lwt_len_hist_map");

        LoadedObject reloaded = host.open("lwt/len_hist.o");
        assertThat(reloaded.maps().get("lwt_len_hist_map")).isSameAs(before);
        host.run(reloaded.prepare("len_hist"), Packets.ping4());
        assertThat(before.lookup(le64(6))).isEqualTo(Packets.concat(le64(2), le64(0)));
    }

    @Test
    void shouldShareThroughTheNamespaceNotTheRuntime() {
        PinNamespace pins = new PinNamespace();
        E2e a = new E2e(new BpfRuntime(2, pins));
        E2e b = new E2e(new BpfRuntime(2, pins));
        a.run(a.prepare("lwt/len_hist.o", "len_hist"), Packets.ping4());
        assertThat(b.run(b.prepare("e2e/pinned_reader.o", "read_hist"), Packets.ping4()).mark()).isEqualTo(1);

        E2e other = new E2e(); // another host: its own /sys/fs/bpf
        assertThat(other.run(other.prepare("e2e/pinned_reader.o", "read_hist"), Packets.ping4()).mark()).isZero();
    }

    @Test
    void shouldStartFreshAfterUnpinning() {
        LoadedObject first = host.open("lwt/len_hist.o");
        host.run(first.prepare("len_hist"), Packets.ping4());
        assertThat(host.runtime.pins().unpin("/sys/fs/bpf/lwt_len_hist_map")).isTrue();
        LoadedObject second = host.open("lwt/len_hist.o");
        assertThat(second.maps().get("lwt_len_hist_map")).isNotSameAs(first.maps().get("lwt_len_hist_map"));
        assertThat(second.maps().get("lwt_len_hist_map").lookup(le64(6))).isNull();
    }
}
