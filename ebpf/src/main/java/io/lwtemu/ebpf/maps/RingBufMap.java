package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;

import java.util.function.Consumer;

/**
 * BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): a multi-producer, single-consumer ring of
 * {@code max_entries} data bytes (a power of two and a multiple of the 4 KiB page size). Each record is an
 * 8-byte header (u32 length with BUSY bit 31 and DISCARD bit 30, u32 page offset) followed by the sample,
 * rounded up to 8 bytes. Producers reserve space under a lock; the consumer ({@link #poll}) reads records
 * in order and stops at the first one still BUSY (reserved, not yet submitted or discarded).
 *
 * <p>The kernel maps the data area twice back to back so a record that wraps past the end stays
 * contiguous; lwtemu gets the same effect with a backing array of twice the ring size in which records
 * are written at {@code position & mask} and never wrapped. Reserved samples are handed to programs as
 * pointers into one {@link MemoryRegion.Kind#RINGBUF_RECORD} region covering that array.
 */
public final class RingBufMap extends BpfMap {
    public static final int HDR_SIZE = 8;
    public static final int BUSY_BIT = 1 << 31;
    public static final int DISCARD_BIT = 1 << 30;
    /** RINGBUF_MAX_RECORD_SZ = UINT_MAX / 4. */
    public static final long MAX_RECORD_SIZE = 0xffffffffL / 4;
    public static final int PAGE_SIZE = 4096;

    private final byte[] data;
    private final long mask;
    private final int region;
    private long producerPos;
    private volatile long consumerPos;

    /** The kernel's map-creation check (ringbuf_map_alloc): 0 or -EINVAL. */
    public static int validate(MapDefinition d) {
        int size = d.maxEntries();
        boolean ok = d.keySize() == 0 && d.valueSize() == 0 && size > 0 && Integer.bitCount(size) == 1
                && size % PAGE_SIZE == 0 && size <= (1 << 29);
        return ok ? 0 : -Errno.EINVAL;
    }

    public RingBufMap(MapDefinition definition) {
        super(definition);
        int size = definition.maxEntries();
        if (validate(definition) != 0) {
            close();
            throw new IllegalArgumentException("ring buffer '" + definition.name()
                    + "': key and value size must be 0 and max_entries a power of 2 multiple of " + PAGE_SIZE
                    + ", got key " + definition.keySize() + " value " + definition.valueSize() + " max_entries "
                    + size);
        }
        this.data = new byte[2 * size];
        this.mask = size - 1;
        MemoryRegion r = new MemoryRegion(MemoryRegion.Kind.RINGBUF_RECORD, "ring buffer '" + definition.name() + "'",
                data, 0, data.length, true);
        r.owner = this;
        this.region = RegionTable.global().register(r);
    }

    /** The ring buffer a record pointer (from {@link #reserve}) belongs to, or null. */
    public static RingBufMap ofRecord(long pointer) {
        MemoryRegion r = RegionTable.global().get(Pointer.region(pointer));
        return r != null && r.kind == MemoryRegion.Kind.RINGBUF_RECORD && r.owner instanceof RingBufMap m ? m : null;
    }

    public int size() {
        return (int) (mask + 1);
    }

    /** __bpf_ringbuf_reserve: pointer to a BUSY record of {@code size} bytes, or 0 when it does not fit. */
    public long reserve(long size) {
        if (size < 0 || size > MAX_RECORD_SIZE) {
            return 0;
        }
        long len = (size + HDR_SIZE + 7) & ~7L;
        if (len > mask + 1) {
            return 0;
        }
        synchronized (this) {
            long prod = producerPos;
            long next = prod + len;
            if (next - consumerPos > mask) {
                return 0;
            }
            int at = (int) (prod & mask);
            AddressSpace.put(data, at, 4, (size & 0xffffffffL) | (BUSY_BIT & 0xffffffffL));
            AddressSpace.put(data, at + 4, 4, at / PAGE_SIZE);
            producerPos = next;
            return Pointer.of(region, at + HDR_SIZE);
        }
    }

    /** bpf_ringbuf_submit / bpf_ringbuf_discard of the record at {@code pointer}. */
    public void commit(long pointer, boolean discard) {
        int at = Pointer.index(pointer) - HDR_SIZE;
        synchronized (this) {
            int len = (int) AddressSpace.get(data, at, 4) & ~BUSY_BIT;
            AddressSpace.put(data, at, 4, len | (discard ? DISCARD_BIT : 0));
        }
    }

    /** bpf_ringbuf_output body after flag checks: 0, or -EAGAIN when there is no room. */
    public int output(byte[] src, int off, int len) {
        long p = reserve(len);
        if (p == 0) {
            return -Errno.EAGAIN;
        }
        System.arraycopy(src, off, data, Pointer.index(p), len);
        commit(p, false);
        return 0;
    }

    /** bpf_ringbuf_query: BPF_RB_AVAIL_DATA (0), RING_SIZE (1), CONS_POS (2), PROD_POS (3); else 0. */
    public synchronized long query(long flags) {
        return switch ((int) flags) {
            case 0 -> flags == 0 ? producerPos - consumerPos : 0;
            case 1 -> mask + 1;
            case 2 -> consumerPos;
            case 3 -> producerPos;
            default -> 0;
        };
    }

    /**
     * User-space consumer (libbpf ring_buffer__poll without waiting): hands every submitted sample, in
     * order, to {@code consumer}; skips discarded ones; stops at a record still being written.
     *
     * @return the number of samples delivered
     */
    public int poll(Consumer<byte[]> consumer) {
        int n = 0;
        while (true) {
            byte[] sample;
            synchronized (this) {
                long cons = consumerPos;
                if (cons >= producerPos) {
                    return n;
                }
                int at = (int) (cons & mask);
                int word = (int) AddressSpace.get(data, at, 4);
                if ((word & BUSY_BIT) != 0) {
                    return n;
                }
                int len = word & ~(BUSY_BIT | DISCARD_BIT);
                sample = (word & DISCARD_BIT) != 0 ? null
                        : java.util.Arrays.copyOfRange(data, at + HDR_SIZE, at + HDR_SIZE + len);
                consumerPos = cons + ((len + HDR_SIZE + 7) & ~7L);
            }
            if (sample != null) {
                consumer.accept(sample);
                n++;
            }
        }
    }

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        return 0;
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public byte[] lookup(byte[] key) {
        return null;
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public int delete(byte[] key) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public byte[] nextKey(byte[] key) {
        return null;
    }

    @Override
    public void close() {
        if (data != null) {
            RegionTable.global().release(region);
        }
        super.close();
    }
}
