package io.lwtemu.bench;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.Maps;
import io.lwtemu.ebpf.vm.AddressSpace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Map operations as programs issue them per packet: {@code bpf_map_lookup_elem} on a hash (hit, miss, a
 * 5-tuple-sized key), an array, an LPM trie of 1024 IPv4 routes, an LRU map, and a counter update.
 * Run: {@code java -jar bench/target/benchmarks.jar MapBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MapBench {
    private static final int KEYS = 1024;

    private BpfMap hash;
    private BpfMap hash16;
    private BpfMap lru;
    private BpfMap array;
    private BpfMap lpm;
    private final byte[][] keys = new byte[KEYS][];
    private final byte[][] missKeys = new byte[KEYS][];
    private final byte[][] keys16 = new byte[KEYS][];
    private final byte[][] addrs = new byte[KEYS][];
    private final byte[][] indices = new byte[KEYS][];
    private final byte[] value = new byte[8];

    @State(Scope.Thread)
    public static class Cursor {
        int i;

        int next() {
            return i = (i + 1) & (KEYS - 1);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        hash = Maps.create(new MapDefinition("h", MapType.HASH, 4, 8, 4 * KEYS, 0, 0), 4);
        hash16 = Maps.create(new MapDefinition("h16", MapType.HASH, 16, 8, 4 * KEYS, 0, 0), 4);
        lru = Maps.create(new MapDefinition("lru", MapType.LRU_HASH, 4, 8, 4 * KEYS, 0, 0), 4);
        array = Maps.create(new MapDefinition("a", MapType.ARRAY, 4, 8, KEYS, 0, 0), 4);
        lpm = Maps.create(new MapDefinition("lpm", MapType.LPM_TRIE, 8, 8, 4 * KEYS, MapDefinition.BPF_F_NO_PREALLOC, 0), 4);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < KEYS; i++) {
            indices[i] = new byte[4];
            AddressSpace.put(indices[i], 0, 4, i);
            keys[i] = new byte[4];
            AddressSpace.put(keys[i], 0, 4, rnd.nextInt());
            missKeys[i] = new byte[4];
            AddressSpace.put(missKeys[i], 0, 4, rnd.nextInt());
            keys16[i] = new byte[16];
            AddressSpace.put(keys16[i], 0, 8, rnd.nextLong());
            AddressSpace.put(keys16[i], 8, 8, rnd.nextLong());
            hash.update(keys[i], value, BpfMap.BPF_ANY);
            lru.update(keys[i], value, BpfMap.BPF_ANY);
            hash16.update(keys16[i], value, BpfMap.BPF_ANY);
            int plen = 8 + rnd.nextInt(17);
            int net = rnd.nextInt() & (int) (0xffffffffL << (32 - plen));
            byte[] route = new byte[8];
            AddressSpace.put(route, 0, 4, plen);
            route[4] = (byte) (net >>> 24);
            route[5] = (byte) (net >>> 16);
            route[6] = (byte) (net >>> 8);
            route[7] = (byte) net;
            lpm.update(route, value, BpfMap.BPF_ANY);
            addrs[i] = new byte[8];
            AddressSpace.put(addrs[i], 0, 4, 32);
            System.arraycopy(route, 4, addrs[i], 4, 4);
            addrs[i][7] = (byte) rnd.nextInt();
        }
    }

    @Benchmark
    public long hashLookupHit(Cursor c) {
        return hash.lookupElem(keys[c.next()], 0, 0);
    }

    @Benchmark
    public long hashLookupMiss(Cursor c) {
        return hash.lookupElem(missKeys[c.next()], 0, 0);
    }

    @Benchmark
    public long hash16LookupHit(Cursor c) {
        return hash16.lookupElem(keys16[c.next()], 0, 0);
    }

    @Benchmark
    @Threads(2)
    public long hashLookupHitTwoThreads(Cursor c) {
        return hash.lookupElem(keys[c.next()], 0, 0);
    }

    @Benchmark
    public long lruLookupHit(Cursor c) {
        return lru.lookupElem(keys[c.next()], 0, 0);
    }

    @Benchmark
    public int hashUpdateExisting(Cursor c) {
        return hash.updateElem(keys[c.next()], 0, value, 0, BpfMap.BPF_EXIST, 0);
    }

    @Benchmark
    public long arrayLookup(Cursor c) {
        return array.lookupElem(indices[c.next()], 0, 0);
    }

    @Benchmark
    public long lpmLookup(Cursor c) {
        return lpm.lookupElem(addrs[c.next()], 0, 0);
    }
}
