package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.AtomicBytes;
import io.lwtemu.ebpf.vm.MemoryRegion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several "CPUs" running programs against one map at once, the way router threads will. Invariants are
 * checked after the threads joined; no timing assumptions.
 */
class MapConcurrencyTest {
    private static final int THREADS = 4;

    private static void runAll(List<Runnable> tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.size());
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (Runnable r : tasks) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    r.run();
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("worker failed");
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** A program's {@code lock xadd} on a map value: atomic add through the pointer lookupElem returned. */
    private static void atomicAdd(AddressSpace mem, long pointer, long delta) {
        MemoryRegion r = mem.resolve(pointer, 8, true);
        AtomicBytes.getAndOp64(r.bytes, (int) pointer, AtomicBytes.ADD, delta);
    }

    @Test
    void shouldCountEveryAtomicAddWhileOtherKeysChurn() throws Exception {
        BpfMap m = Maps.create(def("counters", MapType.HASH, 4, 8, 256, 0), THREADS);
        int perThread = 20_000;
        List<Runnable> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int seed = t;
            tasks.add(() -> {
                AddressSpace mem = new AddressSpace();
                SplittableRandom rnd = new SplittableRandom(seed);
                byte[] key = new byte[4];
                byte[] zero = new byte[8];
                for (int i = 0; i < perThread; i++) {
                    AddressSpace.put(key, 0, 4, rnd.nextInt(64));
                    long p = m.lookupElem(key, 0, seed);
                    if (p == 0) {
                        m.updateElem(key, 0, zero, 0, BpfMap.BPF_NOEXIST, seed); // may race: -EEXIST is fine
                        p = m.lookupElem(key, 0, seed);
                    }
                    atomicAdd(mem, p, 1);
                    // churn other keys so freed slots get reused under the counters' feet
                    AddressSpace.put(key, 0, 4, 1000 + rnd.nextInt(100));
                    if (m.updateElem(key, 0, zero, 0, BpfMap.BPF_ANY, seed) == 0) {
                        m.deleteElem(key, 0);
                    }
                }
            });
        }
        runAll(tasks);
        long total = 0;
        for (int k = 0; k < 64; k++) {
            byte[] v = m.lookup(u32(k));
            total += v == null ? 0 : le64(v, 0);
        }
        assertThat(total).isEqualTo((long) THREADS * perThread);
    }

    @Test
    void shouldKeepKeysAndValuesConsistentUnderConcurrentUpdatesAndDeletes() throws Exception {
        for (MapType type : new MapType[] {MapType.HASH, MapType.LRU_HASH}) {
            BpfMap m = Maps.create(def("mix", type, 8, 16, 512, 0), THREADS);
            List<Runnable> tasks = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int seed = t;
                tasks.add(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed * 31L + type.ordinal());
                    byte[] key = new byte[8];
                    byte[] value = new byte[16];
                    AddressSpace mem = new AddressSpace();
                    for (int i = 0; i < 30_000; i++) {
                        long k = rnd.nextInt(700);
                        AddressSpace.put(key, 0, 8, k);
                        switch (rnd.nextInt(3)) {
                            case 0 -> {
                                AddressSpace.put(value, 0, 8, k * 7);
                                AddressSpace.put(value, 8, 8, ~k);
                                m.updateElem(key, 0, value, 0, BpfMap.BPF_ANY, seed);
                            }
                            case 1 -> m.deleteElem(key, 0);
                            default -> {
                                long p = m.lookupElem(key, 0, seed);
                                if (p != 0) {
                                    // slot reuse may show another key's value, even half-copied (as in
                                    // the kernel), but never memory that is not a value of this map
                                    mem.load(p + 8, 8);
                                    assertThat(mem.resolve(p, 16, false).name).isEqualTo("map value of 'mix'");
                                }
                            }
                        }
                    }
                });
            }
            runAll(tasks);
            HashTableMap h = (HashTableMap) m;
            int n = 0;
            for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
                long key = le64(k, 0);
                byte[] v = m.lookup(k);
                assertThat(le64(v, 0)).isEqualTo(key * 7);
                assertThat(le64(v, 8)).isEqualTo(~key);
                n++;
            }
            assertThat(n).isEqualTo(h.size());
            assertThat(n).isLessThanOrEqualTo(512);
            assertThat(h.slotsAllocated()).isLessThanOrEqualTo(513);
        }
    }

    @Test
    void shouldKeepPerCpuCountersSeparateWithoutLocks() throws Exception {
        BpfMap m = Maps.create(def("pcpu", MapType.PERCPU_ARRAY, 4, 8, 4, 0), THREADS);
        List<Runnable> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int cpu = t;
            tasks.add(() -> {
                AddressSpace mem = new AddressSpace();
                byte[] key = new byte[4];
                for (int i = 0; i < 50_000; i++) {
                    AddressSpace.put(key, 0, 4, i & 3);
                    long p = m.lookupElem(key, 0, cpu);
                    mem.store(p, 8, mem.load(p, 8) + 1); // plain add: per-CPU values need no atomics
                }
            });
        }
        runAll(tasks);
        for (int k = 0; k < 4; k++) {
            byte[] all = m.lookup(u32(k));
            for (int c = 0; c < THREADS; c++) {
                assertThat(le64(all, c * 8)).isEqualTo(12_500);
            }
        }
    }

    @Test
    void shouldServeLpmLookupsWhileRoutesChange() throws Exception {
        BpfMap m = Maps.create(def("routes", MapType.LPM_TRIE, 8, 8, 1024, 1), 1);
        m.update(lpmKey(8, 10, 0, 0, 0), u64(8), BpfMap.BPF_ANY);
        List<Runnable> tasks = new ArrayList<>();
        tasks.add(() -> {
            SplittableRandom rnd = new SplittableRandom(1);
            for (int i = 0; i < 20_000; i++) {
                byte[] k = lpmKey(16 + rnd.nextInt(17), 10, rnd.nextInt(4), rnd.nextInt(256), rnd.nextInt(256));
                if (rnd.nextBoolean()) {
                    m.update(k, u64(le32(k, 0)), BpfMap.BPF_ANY);
                } else {
                    m.delete(k);
                }
            }
        });
        for (int t = 0; t < THREADS - 1; t++) {
            final int seed = t;
            tasks.add(() -> {
                SplittableRandom rnd = new SplittableRandom(100 + seed);
                AddressSpace mem = new AddressSpace();
                for (int i = 0; i < 50_000; i++) {
                    byte[] k = lpmKey(32, 10, rnd.nextInt(4), rnd.nextInt(256), rnd.nextInt(256));
                    long p = m.lookupElem(k, 0, 0);
                    assertThat(p).isNotZero(); // 10.0.0.0/8 is never deleted
                    long plen = mem.load(p, 8);
                    assertThat(plen).isBetween(8L, 32L);
                }
            });
        }
        runAll(tasks);
        assertThat(le64(m.lookup(lpmKey(32, 10, 200, 0, 1)), 0)).isEqualTo(8);
    }
}
