package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapDump;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.Topology;
import io.lwtemu.node.topology.TopologyBuilder;
import io.lwtemu.node.topology.TopologyLoader;
import io.lwtemu.node.traffic.Traffic;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RouterSnapshotTest {
    /** Outside an actor system: snapshots hold no ActorRefs. */
    private final ControlSerializer kryo = new ControlSerializer(() -> {
        throw new AssertionError("no ActorRef expected");
    }, Map.of(), getClass().getClassLoader());

    private static MapDefinition def(String name, MapType type, int key, int value, int max) {
        return new MapDefinition(name, type, key, value, max, 0, MapDefinition.PIN_BY_NAME);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static PinNamespace pinnedMaps() {
        PinNamespace pins = new PinNamespace();
        MapDefinition[] defs = {
                def("flows", MapType.HASH, 4, 8, 32),
                def("hist", MapType.ARRAY, 4, 8, 8),
                def("percpu", MapType.PERCPU_HASH, 4, 8, 16),
        };
        for (MapDefinition d : defs) {
            BpfMap m = pins.createOrReuse(d, 2);
            for (int i = 0; i < 5; i++) {
                m.updateElem(u32(i), 0, u64(i * 1000L + d.name().length()), 0, BpfMap.BPF_ANY, i % 2);
            }
        }
        return pins;
    }

    private static Map<String, String> dump(PinNamespace pins) {
        Map<String, String> out = new TreeMap<>();
        pins.list().forEach((path, map) -> out.put(path, MapDump.plain(map)));
        return out;
    }

    private RouterSnapshot throughKryo(RouterSnapshot s) throws Exception {
        return (RouterSnapshot) kryo.fromBinary(kryo.toBinary(s), "");
    }

    @Test
    void shouldRestoreEveryPinnedMapIntoAnEmptyNamespaceAfterAKryoRoundTrip() throws Exception {
        PinNamespace pins = pinnedMaps();
        RouterSnapshot back = throughKryo(RouterSnapshot.capture("r1", 77_000L, pins));
        assertThat(back.router()).isEqualTo("r1");
        assertThat(back.timeNs()).isEqualTo(77_000L);
        assertThat(back.maps().keySet()).containsExactlyInAnyOrder(
                "/sys/fs/bpf/flows", "/sys/fs/bpf/hist", "/sys/fs/bpf/percpu");

        PinNamespace fresh = new PinNamespace();
        back.restoreInto(fresh);
        assertThat(dump(fresh)).isEqualTo(dump(pins));
        // A program loaded afterwards finds its LIBBPF_PIN_BY_NAME map with the restored contents.
        BpfMap reused = fresh.createOrReuse(def("flows", MapType.HASH, 4, 8, 32), 2);
        assertThat(reused.lookup(u32(3))).isEqualTo(u64(3005));
    }

    @Test
    void shouldMakeAlreadyPinnedMapsEqualToTheSnapshot() throws Exception {
        PinNamespace pins = pinnedMaps();
        RouterSnapshot s = throughKryo(RouterSnapshot.capture("r1", 1, pins));

        PinNamespace later = pinnedMaps();
        BpfMap flows = later.get("/sys/fs/bpf/flows");
        flows.update(u32(99), u64(1), BpfMap.BPF_ANY);
        flows.update(u32(0), u64(-1), BpfMap.BPF_ANY);
        later.get("/sys/fs/bpf/hist").update(u32(7), u64(7), BpfMap.BPF_ANY);
        s.restoreInto(later);

        assertThat(dump(later)).isEqualTo(dump(pins));
        assertThat(flows.lookup(u32(99))).as("entry written after the snapshot").isNull();
    }

    @Test
    void shouldRefuseToRestoreIntoAMapOfAnotherShape() throws Exception {
        RouterSnapshot s = throughKryo(RouterSnapshot.capture("r1", 1, pinnedMaps()));
        PinNamespace other = new PinNamespace();
        other.createOrReuse(def("flows", MapType.HASH, 4, 4, 32), 2);
        assertThatThrownBy(() -> s.restoreInto(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match snapshot");
    }

    private static final Path LWT_OBJECTS = Path.of("../ebpf/src/test/bpf/lwt");
    private static final String TOPOLOGY = """
            nodes:
              h1: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.1.2/24 dev eth0\\nip route add default via 10.0.1.1"}
              r1:
                interfaces: {eth0: {}, eth1: {}}
                config: |
                  ip addr add 10.0.1.1/24 dev eth0
                  ip addr add 10.0.2.1/24 dev eth1
                  ip route add 10.0.2.2/32 dev eth1 encap bpf out obj len_hist.o section lwt_out
              h2: {kind: host, interfaces: {eth0: {}}, config: "ip addr add 10.0.2.2/24 dev eth0\\nip route add default via 10.0.2.1"}
            links:
              - {a: h1:eth0, b: r1:eth0, delay: 100us}
              - {a: r1:eth1, b: h2:eth0, delay: 100us}
            traffic:
              flows:
                - {name: f, from: h1, to: 10.0.2.2, size: 300, rate: 1kpps, count: 40}
            """;

    private static Network network() {
        Topology t = TopologyLoader.parse(LWT_OBJECTS.resolve("snapshot-test.yaml"), TOPOLOGY);
        Network net = TopologyBuilder.build(t, line -> { });
        Traffic.install(net, t, 1_000_000_000L, line -> { });
        return net;
    }

    @Test
    void shouldCarryARoutersPinnedMapsToAFreshCopyOfTheRouter() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(LWT_OBJECTS.resolve("len_hist.o")),
                "ebpf/src/test/bpf/lwt/len_hist.o not found (run from the node module)");
        Network before = network();
        before.runUntil(100_000_000L);
        Router r1 = before.router("r1");
        RouterSnapshot s = throughKryo(RouterSnapshot.capture(r1));
        assertThat(s.maps()).containsKey("/sys/fs/bpf/lwt_len_hist_map");
        assertThat(s.maps().get("/sys/fs/bpf/lwt_len_hist_map").size()).as("packets were counted").isPositive();

        Router rehomed = network().router("r1");
        assertThat(dump(rehomed.bpf().pins())).isNotEqualTo(dump(r1.bpf().pins()));
        s.restoreInto(rehomed);
        assertThat(dump(rehomed.bpf().pins())).isEqualTo(dump(r1.bpf().pins()));
    }
}
