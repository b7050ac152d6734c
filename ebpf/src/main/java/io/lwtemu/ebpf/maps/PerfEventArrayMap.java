package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: slot i holds a perf event (a {@link PerfBuffer}) bound to one CPU, which
 * user space opens and drains; bpf_perf_event_output appends raw samples to it. In the kernel the slot's
 * value is a perf event fd; lwtemu replaces "perf_event_open + map update" by {@link #open}.
 *
 * <p>Samples are delivered as the kernel's PERF_SAMPLE_RAW payload: the data, zero-padded so that
 * {@code 4 + size} is a multiple of 8 (what libbpf's perf_buffer callback sees).
 */
public final class PerfEventArrayMap extends BpfMap {
    private final AtomicReferenceArray<PerfBuffer> slots;

    /**
     * The kernel's map-creation check: key and value 4 bytes, max_entries > 0 (libbpf sets max_entries to
     * the number of CPUs when the object leaves it 0). 0 or -EINVAL.
     */
    public static int validate(MapDefinition d) {
        return d.keySize() == 4 && d.valueSize() == 4 && d.maxEntries() > 0 ? 0 : -Errno.EINVAL;
    }

    public PerfEventArrayMap(MapDefinition definition) {
        super(definition);
        if (validate(definition) != 0) {
            close();
            throw new IllegalArgumentException("perf event array '" + definition.name()
                    + "': key and value size must be 4 and max_entries > 0");
        }
        slots = new AtomicReferenceArray<>(definition.maxEntries());
    }

    /** Opens a BPF output event on {@code cpu} buffering up to {@code capacityBytes} and stores it at {@code index}. */
    public PerfBuffer open(int index, int cpu, int capacityBytes) {
        PerfBuffer buffer = new PerfBuffer(cpu, capacityBytes);
        slots.set(index, buffer);
        return buffer;
    }

    /** The event at {@code index}, or null. */
    public PerfBuffer buffer(int index) {
        return index >= 0 && index < slots.length() ? slots.get(index) : null;
    }

    /**
     * The output path of __bpf_perf_event_output: {@code index} (already resolved from
     * BPF_F_CURRENT_CPU) past max_entries → -E2BIG, empty slot → -ENOENT, event bound to another CPU →
     * -EOPNOTSUPP, buffer full → -ENOSPC (counted as lost).
     */
    public int output(long index, int cpu, byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        PerfBuffer buffer = slots.get((int) index);
        if (buffer == null) {
            return -Errno.ENOENT;
        }
        if (buffer.cpu != cpu) {
            return -Errno.EOPNOTSUPP;
        }
        int size = aLen + bLen;
        int padded = ((size + 4 + 7) & ~7) - 4;
        byte[] rec = new byte[padded];
        System.arraycopy(a, aOff, rec, 0, aLen);
        if (bLen > 0) {
            System.arraycopy(b, bOff, rec, aLen, bLen);
        }
        return buffer.offer(rec) ? 0 : -Errno.ENOSPC;
    }

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        return 0;
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        int index = (int) io.lwtemu.ebpf.vm.AddressSpace.get(key, keyOffset, 4);
        if (index < 0 || index >= slots.length()) {
            return -Errno.E2BIG;
        }
        return slots.getAndSet(index, null) == null ? -Errno.ENOENT : 0;
    }

    @Override
    public byte[] lookup(byte[] key) {
        return null; // the kernel refuses lookups of perf event fds from user space
    }

    /** A perf event fd cannot be stored through the generic user API; use {@link #open}. */
    @Override
    public int update(byte[] key, byte[] value, long flags) {
        return -Errno.EBADF;
    }

    @Override
    public int delete(byte[] key) {
        return deleteElem(key, 0);
    }

    @Override
    public byte[] nextKey(byte[] key) {
        long next = key == null ? 0 : (io.lwtemu.ebpf.vm.AddressSpace.get(key, 0, 4) + 1);
        if (key != null && io.lwtemu.ebpf.vm.AddressSpace.get(key, 0, 4) >= slots.length()) {
            next = 0;
        }
        if (next >= slots.length()) {
            return null;
        }
        byte[] out = new byte[4];
        io.lwtemu.ebpf.vm.AddressSpace.put(out, 0, 4, next);
        return out;
    }

    /** One per-CPU BPF output event: a bounded queue of raw samples plus a lost-sample count. */
    public static final class PerfBuffer {
        private final int cpu;
        private final int capacityBytes;
        private final ArrayDeque<byte[]> samples = new ArrayDeque<>();
        private int usedBytes;
        private long lost;

        PerfBuffer(int cpu, int capacityBytes) {
            this.cpu = cpu;
            this.capacityBytes = capacityBytes;
        }

        public int cpu() {
            return cpu;
        }

        synchronized boolean offer(byte[] sample) {
            int cost = sample.length + 4 + 8; // raw size word + perf_event_header
            if (usedBytes + cost > capacityBytes) {
                lost++;
                return false;
            }
            usedBytes += cost;
            samples.add(sample);
            return true;
        }

        /** Hands every buffered sample to {@code consumer} in order; returns how many. */
        public int poll(Consumer<byte[]> consumer) {
            int n = 0;
            while (true) {
                byte[] s;
                synchronized (this) {
                    s = samples.poll();
                    if (s == null) {
                        return n;
                    }
                    usedBytes -= s.length + 12;
                }
                consumer.accept(s);
                n++;
            }
        }

        /** Samples dropped because the buffer was full. */
        public synchronized long lost() {
            return lost;
        }
    }
}
