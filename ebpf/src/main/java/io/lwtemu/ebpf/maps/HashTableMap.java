package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.Pointer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code BPF_MAP_TYPE_HASH}, {@code PERCPU_HASH}, {@code LRU_HASH} and {@code LRU_PERCPU_HASH}
 * (kernel/bpf/hashtab.c).
 *
 * <h2>Structure</h2>
 * Like the kernel's htab: {@code roundup_pow_of_two(max_entries)} buckets, each a singly linked chain of
 * elements ending in a "nulls" marker that names the bucket. Elements are slot numbers; a slot's key,
 * hash and chain link live in per-chunk arrays next to its value in a {@link ValueSlab}.
 * <ul>
 *   <li>Lookups take no lock and allocate nothing: hash the key bytes in place, walk the chain with acquire
 *       reads, compare keys with {@link Arrays#equals(byte[], int, int, byte[], int, int)}. If a walk ends
 *       on another bucket's nulls marker (the element it stood on was deleted and reused elsewhere), it
 *       restarts, exactly as the kernel's {@code lookup_nulls_elem_raw} does.</li>
 *   <li>Updates and deletes take the map's lock (the kernel locks per bucket; one lock keeps element
 *       accounting simple and is cheap next to a program run).</li>
 *   <li>Replacing a value of a non-per-CPU map publishes a fresh element and frees the old one, so a
 *       concurrent lookup sees either the old or the new value, never a mix. Per-CPU values are
 *       overwritten in place, as the kernel does. One slot beyond {@code max_entries} is reserved for this
 *       (the kernel keeps per-CPU "extra" elements for the same purpose).</li>
 *   <li>Deleted elements go back to the slab's free stack and are reused; a stale pointer a program kept
 *       reaches a reused value of this map at worst (kernel: same for preallocated maps).</li>
 * </ul>
 *
 * <h2>LRU</h2>
 * When an LRU map is full, inserting a new key evicts instead of failing with {@code -E2BIG}. The kernel's
 * LRU is approximate: lookups only set a "ref" bit, and eviction rotates referenced nodes off the inactive
 * list. lwtemu models that with one list and a second chance: new and replaced elements go to the head,
 * program lookups set the element's ref bit without locking, and eviction walks from the tail, moving
 * referenced elements back to the head (clearing the bit) and evicting the first unreferenced one.
 * Differences to the kernel: no per-CPU free lists (the kernel may evict before the map is full, in
 * batches of {@code LOCAL_FREE_TARGET}; lwtemu evicts exactly one element and only when full), no separate
 * active/inactive lists, {@code BPF_F_NO_COMMON_LRU} is accepted but uses the same single list, and a
 * replacement of an existing key never evicts (the kernel pops a free node first and may evict for it:
 * on Linux 6.18, updating one existing key of a full 64-entry LRU_HASH from bpftool left 48 elements,
 * and a full 4-entry map lost its least recently used key). Inserting new keys into a small LRU map
 * evicts in LRU order on both (checked with bpftool: 6 keys into 4 entries keep the last 4).
 *
 * <h2>Hash</h2>
 * A fixed seed instead of the kernel's random one, so iteration order ({@link #nextKey}) is reproducible
 * from run to run; it still differs from the kernel's jhash order.
 */
public final class HashTableMap extends BpfMap implements PerCpuMap {
    private static final VarHandle INT_ARRAY = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int NONE = -1;

    private final boolean percpu;
    private final boolean lru;
    private final int cpus;
    private final int keySize;
    private final int valueSize;
    private final int elemStride;
    private final int maxEntries;
    private final int[] buckets;
    private final int bucketMask;
    private final ValueSlab slab;
    /** Per chunk of the slab: keys (chunkSlots * keySize bytes), hashes, chain links. */
    private final byte[][] keys;
    private final int[][] hashes;
    private final int[][] next;
    /** LRU only, per chunk: list links and the ref bit. */
    private final int[][] lruPrev;
    private final int[][] lruNext;
    private final byte[][] lruRef;
    private int lruHead = NONE;
    private int lruTail = NONE;

    private final Object lock = new Object();
    private boolean closed;
    private volatile int count;

    HashTableMap(MapDefinition def, int cpus) {
        super(def);
        MapType t = def.type();
        this.percpu = t == MapType.PERCPU_HASH || t == MapType.LRU_PERCPU_HASH;
        this.lru = t == MapType.LRU_HASH || t == MapType.LRU_PERCPU_HASH;
        this.cpus = percpu ? cpus : 1;
        this.keySize = def.keySize();
        this.valueSize = def.valueSize();
        this.elemStride = (valueSize + 7) & ~7;
        this.maxEntries = def.maxEntries();
        int nBuckets = bucketCount(maxEntries);
        this.buckets = new int[nBuckets];
        this.bucketMask = nBuckets - 1;
        for (int b = 0; b < nBuckets; b++) {
            buckets[b] = nulls(b);
        }
        boolean writable = (def.flags() & MapDefinition.BPF_F_RDONLY_PROG) == 0;
        long capacity = (long) maxEntries + 1;
        if (capacity > Integer.MAX_VALUE - 1) {
            throw new MapCreateException("cannot create map '" + def.name() + "' (" + t + "): max_entries "
                    + Integer.toUnsignedString(maxEntries) + " too large", Errno.ENOMEM);
        }
        this.slab = new ValueSlab(this, elemStride * this.cpus, (int) capacity, writable);
        int chunks = slab.chunkCount();
        this.keys = new byte[chunks][];
        this.hashes = new int[chunks][];
        this.next = new int[chunks][];
        this.lruPrev = lru ? new int[chunks][] : null;
        this.lruNext = lru ? new int[chunks][] : null;
        this.lruRef = lru ? new byte[chunks][] : null;
    }

    @Override
    public int cpus() {
        return cpus;
    }

    /** Number of elements in the map. */
    public int size() {
        return count;
    }

    /** Value slots ever allocated; stays at most max_entries + 1 however many updates/deletes happen. */
    int slotsAllocated() {
        return slab.highWater();
    }

    /** roundup_pow_of_two(max_entries), as the kernel sizes its bucket array. */
    static int bucketCount(int maxEntries) {
        return maxEntries <= 1 ? 1 : Integer.highestOneBit(maxEntries - 1) << 1;
    }

    private static int nulls(int bucket) {
        return -1 - bucket;
    }

    // ---- hashing and element access ----

    static int hash(byte[] k, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ (len * 0xC2B2AE3D27D4EB4FL);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = (long) LE_LONG.get(k, off + i);
            h = Long.rotateLeft(h ^ (v * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
        }
        if (i + 4 <= len) {
            long v = ((int) LE_INT.get(k, off + i)) & 0xffffffffL;
            h = Long.rotateLeft(h ^ (v * 0x165667B19E3779F9L), 27) * 0x9E3779B97F4A7C15L;
            i += 4;
        }
        for (; i < len; i++) {
            h = Long.rotateLeft(h ^ ((k[off + i] & 0xffL) * 0x27D4EB2F165667C5L), 11) * 0x9E3779B97F4A7C15L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) (h ^ (h >>> 32));
    }

    private int chunk(int slot) {
        return slot >>> slab.chunkShift;
    }

    private int idx(int slot) {
        return slot & slab.chunkMask;
    }

    private int nextOf(int slot) {
        return (int) INT_ARRAY.getAcquire(next[chunk(slot)], idx(slot));
    }

    private boolean keyEquals(int slot, byte[] key, int off) {
        byte[] stored = keys[chunk(slot)];
        int at = idx(slot) * keySize;
        switch (keySize) {
            case 4:
                return (int) LE_INT.get(stored, at) == (int) LE_INT.get(key, off);
            case 8:
                return (long) LE_LONG.get(stored, at) == (long) LE_LONG.get(key, off);
            default:
                return Arrays.equals(stored, at, at + keySize, key, off, off + keySize);
        }
    }

    /** The element holding the key, or -1. Lock-free, allocation-free. */
    private int find(byte[] key, int off, int h) {
        int b = h & bucketMask;
        for (;;) {
            int e = (int) INT_ARRAY.getAcquire(buckets, b);
            while (e >= 0) {
                if (hashes[chunk(e)][idx(e)] == h && keyEquals(e, key, off)) {
                    return e;
                }
                e = nextOf(e);
            }
            if (e == nulls(b)) {
                return -1;
            }
            // walked off into another bucket through a reused element: restart
        }
    }

    // ---- program side ----

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        int e = find(key, keyOffset, hash(key, keyOffset, keySize));
        if (e < 0) {
            return Pointer.NULL;
        }
        if (lru) {
            byte[] ref = lruRef[chunk(e)];
            if (ref[idx(e)] == 0) { // like bpf_lru_node_set_ref: avoid dirtying a shared line per lookup
                ref[idx(e)] = 1;
            }
        }
        long p = slab.pointer(e);
        if (percpu) {
            if (cpu < 0 || cpu >= cpus) {
                throw new IllegalArgumentException("cpu " + cpu + " outside 0.." + (cpus - 1) + " of map '" + name() + "'");
            }
            p += (long) cpu * elemStride;
        }
        return p;
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        if (percpu && (cpu < 0 || cpu >= cpus)) {
            throw new IllegalArgumentException("cpu " + cpu + " outside 0.." + (cpus - 1) + " of map '" + name() + "'");
        }
        return doUpdate(key, keyOffset, value, valueOffset, flags, false, cpu);
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        int h = hash(key, keyOffset, keySize);
        synchronized (lock) {
            int e = find(key, keyOffset, h);
            if (e < 0) {
                return -Errno.ENOENT;
            }
            unlink(e, h & bucketMask);
            release(e);
            count--;
            return 0;
        }
    }

    private int doUpdate(byte[] key, int koff, byte[] value, int voff, long flags, boolean allCpus, int cpu) {
        long op = flags & ~BPF_F_LOCK;
        if (Long.compareUnsigned(op, BPF_EXIST) > 0 || (flags & BPF_F_LOCK) != 0) {
            return -Errno.EINVAL; // BPF_F_LOCK needs a bpf_spin_lock in the value; lwtemu values have none
        }
        int h = hash(key, koff, keySize);
        int b = h & bucketMask;
        synchronized (lock) {
            int old = find(key, koff, h);
            if (old >= 0 && op == BPF_NOEXIST) {
                return -Errno.EEXIST;
            }
            if (old < 0 && op == BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (old >= 0 && percpu) {
                writeValue(old, value, voff, allCpus, cpu, false);
                if (lru) {
                    lruRef[chunk(old)][idx(old)] = 1;
                }
                return 0;
            }
            if (old < 0 && count >= maxEntries) {
                if (!lru) {
                    return -Errno.E2BIG;
                }
                evictOne();
            }
            int e = slab.allocate();
            if (e < 0) {
                return -Errno.E2BIG; // cannot happen: one spare slot beyond max_entries
            }
            ensureChunk(chunk(e));
            int c = chunk(e);
            int i = idx(e);
            System.arraycopy(key, koff, keys[c], i * keySize, keySize);
            hashes[c][i] = h;
            writeValue(e, value, voff, allCpus, cpu, true);
            // publish at the bucket head, then drop the old element (kernel: add_head_rcu, then del_rcu)
            INT_ARRAY.setRelease(next[c], i, (int) INT_ARRAY.getAcquire(buckets, b));
            INT_ARRAY.setRelease(buckets, b, e);
            if (lru) {
                lruPushFront(e);
            }
            if (old >= 0) {
                unlink(old, b);
                release(old);
            } else {
                count++;
            }
            return 0;
        }
    }

    private void ensureChunk(int c) {
        if (keys[c] == null) {
            int n = slab.chunkSlots();
            keys[c] = new byte[n * keySize];
            hashes[c] = new int[n];
            next[c] = new int[n];
            if (lru) {
                lruPrev[c] = new int[n];
                lruNext[c] = new int[n];
                lruRef[c] = new byte[n];
            }
        }
    }

    private void writeValue(int e, byte[] value, int voff, boolean allCpus, int cpu, boolean fresh) {
        byte[] dst = slab.bytes(e);
        int at = slab.offset(e);
        if (!percpu) {
            System.arraycopy(value, voff, dst, at, valueSize);
        } else if (allCpus) {
            for (int c = 0; c < cpus; c++) {
                System.arraycopy(value, voff + c * elemStride, dst, at + c * elemStride, valueSize);
            }
        } else {
            // program side: only this CPU's value; a new element starts zeroed on the other CPUs
            if (fresh) {
                Arrays.fill(dst, at, at + elemStride * cpus, (byte) 0);
            }
            System.arraycopy(value, voff, dst, at + cpu * elemStride, valueSize);
        }
    }

    /** Removes element {@code e} from bucket {@code b}'s chain; its own link stays for readers on it. */
    private void unlink(int e, int b) {
        int head = (int) INT_ARRAY.getAcquire(buckets, b);
        if (head == e) {
            INT_ARRAY.setRelease(buckets, b, nextOf(e));
            return;
        }
        int p = head;
        while (p >= 0) {
            int n = nextOf(p);
            if (n == e) {
                INT_ARRAY.setRelease(next[chunk(p)], idx(p), nextOf(e));
                return;
            }
            p = n;
        }
        throw new IllegalStateException("element " + e + " not in bucket " + b + " of map '" + name() + "'");
    }

    private void release(int e) {
        if (lru) {
            lruRemove(e);
        }
        slab.free(e);
    }

    // ---- LRU list (under lock) ----

    private void lruPushFront(int e) {
        int c = chunk(e);
        int i = idx(e);
        lruPrev[c][i] = NONE;
        lruNext[c][i] = lruHead;
        lruRef[c][i] = 0;
        if (lruHead != NONE) {
            lruPrev[chunk(lruHead)][idx(lruHead)] = e;
        } else {
            lruTail = e;
        }
        lruHead = e;
    }

    private void lruRemove(int e) {
        int c = chunk(e);
        int i = idx(e);
        int p = lruPrev[c][i];
        int n = lruNext[c][i];
        if (p != NONE) {
            lruNext[chunk(p)][idx(p)] = n;
        } else {
            lruHead = n;
        }
        if (n != NONE) {
            lruPrev[chunk(n)][idx(n)] = p;
        } else {
            lruTail = p;
        }
    }

    /** Evicts the least recently used element, giving referenced ones a second chance. */
    private void evictOne() {
        for (int spins = 0; spins <= count; spins++) {
            int e = lruTail;
            if (lruRef[chunk(e)][idx(e)] != 0) {
                lruRemove(e);
                lruPushFront(e); // clears the ref bit
                continue;
            }
            break;
        }
        int victim = lruTail;
        unlink(victim, hashes[chunk(victim)][idx(victim)] & bucketMask);
        release(victim);
        count--;
    }

    // ---- user side ----

    private int userValueSize() {
        return percpu ? elemStride * cpus : valueSize;
    }

    @Override
    public byte[] lookup(byte[] key) {
        if (key == null || key.length < keySize) {
            return null;
        }
        int e = find(key, 0, hash(key, 0, keySize));
        if (e < 0) {
            return null;
        }
        byte[] src = slab.bytes(e);
        int at = slab.offset(e);
        if (!percpu) {
            return Arrays.copyOfRange(src, at, at + valueSize);
        }
        byte[] out = new byte[elemStride * cpus];
        for (int c = 0; c < cpus; c++) {
            System.arraycopy(src, at + c * elemStride, out, c * elemStride, valueSize);
        }
        return out;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (key == null || key.length < keySize || value == null || value.length < userValueSize()) {
            return -Errno.EFAULT;
        }
        return doUpdate(key, 0, value, 0, flags, true, 0);
    }

    @Override
    public int delete(byte[] key) {
        if (key == null || key.length < keySize) {
            return -Errno.EFAULT;
        }
        return deleteElem(key, 0);
    }

    /**
     * Kernel order: the rest of the key's bucket chain, then the following buckets; a missing key (or null)
     * restarts at the first element, like {@code htab_map_get_next_key}.
     */
    @Override
    public byte[] nextKey(byte[] key) {
        int startBucket = 0;
        if (key != null && key.length >= keySize) {
            int h = hash(key, 0, keySize);
            int e = find(key, 0, h);
            if (e >= 0) {
                int n = nextOf(e);
                if (n >= 0) {
                    return keyOf(n);
                }
                startBucket = (h & bucketMask) + 1;
            }
        }
        for (int b = startBucket; b < buckets.length; b++) {
            int e = (int) INT_ARRAY.getAcquire(buckets, b);
            if (e >= 0) {
                return keyOf(e);
            }
        }
        return null;
    }

    private byte[] keyOf(int e) {
        int at = idx(e) * keySize;
        return Arrays.copyOfRange(keys[chunk(e)], at, at + keySize);
    }

    /** Releases the value regions and the handle once; a second call does nothing (ids may be reused). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        slab.close();
        super.close();
    }
}
