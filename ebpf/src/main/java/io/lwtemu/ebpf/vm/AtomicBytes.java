package io.lwtemu.ebpf.vm;

import java.lang.invoke.VarHandle;

/**
 * Atomic read-modify-write of 4 or 8 little-endian bytes in a {@code byte[]}, for the BPF_ATOMIC
 * instructions on map values shared by several router threads.
 *
 * <p>On JDK 17-21 the byte-array view VarHandles do it lock-free. JDK 22 dropped atomic access modes from
 * those views (a {@code byte[]} element is not guaranteed to be 8-byte aligned in the heap), so there the
 * same operations run under one of a few striped locks chosen by array and index: every atomic access to
 * one location takes the same lock, which is all the BPF memory model promises.
 */
public final class AtomicBytes {
    private AtomicBytes() {}

    /** Operations, as the low bits of the BPF atomic imm without BPF_FETCH. */
    public static final int ADD = 0x00;
    public static final int OR = 0x40;
    public static final int AND = 0x50;
    public static final int XOR = 0xa0;
    public static final int XCHG = 0xe0;

    static final boolean LOCK_FREE = AddressSpace.LE_LONG.isAccessModeSupported(VarHandle.AccessMode.GET_AND_ADD)
            && AddressSpace.LE_INT.isAccessModeSupported(VarHandle.AccessMode.GET_AND_ADD);

    private static final Object[] STRIPES = new Object[64];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new Object();
        }
    }

    private static Object stripe(byte[] b, int i) {
        return STRIPES[(System.identityHashCode(b) * 31 + (i >>> 3)) & (STRIPES.length - 1)];
    }

    /** Applies {@code op} with {@code v} to the int at {@code i}; returns the old value. */
    public static int getAndOp32(byte[] b, int i, int op, int v) {
        if (LOCK_FREE) {
            switch (op) {
                case ADD: return (int) AddressSpace.LE_INT.getAndAdd(b, i, v);
                case OR: return (int) AddressSpace.LE_INT.getAndBitwiseOr(b, i, v);
                case AND: return (int) AddressSpace.LE_INT.getAndBitwiseAnd(b, i, v);
                case XOR: return (int) AddressSpace.LE_INT.getAndBitwiseXor(b, i, v);
                default: return (int) AddressSpace.LE_INT.getAndSet(b, i, v);
            }
        }
        synchronized (stripe(b, i)) {
            int old = (int) AddressSpace.LE_INT.get(b, i);
            AddressSpace.LE_INT.set(b, i, apply32(old, op, v));
            return old;
        }
    }

    public static long getAndOp64(byte[] b, int i, int op, long v) {
        if (LOCK_FREE) {
            switch (op) {
                case ADD: return (long) AddressSpace.LE_LONG.getAndAdd(b, i, v);
                case OR: return (long) AddressSpace.LE_LONG.getAndBitwiseOr(b, i, v);
                case AND: return (long) AddressSpace.LE_LONG.getAndBitwiseAnd(b, i, v);
                case XOR: return (long) AddressSpace.LE_LONG.getAndBitwiseXor(b, i, v);
                default: return (long) AddressSpace.LE_LONG.getAndSet(b, i, v);
            }
        }
        synchronized (stripe(b, i)) {
            long old = (long) AddressSpace.LE_LONG.get(b, i);
            AddressSpace.LE_LONG.set(b, i, apply64(old, op, v));
            return old;
        }
    }

    /** Compare-and-exchange; returns the value found. */
    public static int cmpxchg32(byte[] b, int i, int expected, int v) {
        if (LOCK_FREE) {
            return (int) AddressSpace.LE_INT.compareAndExchange(b, i, expected, v);
        }
        synchronized (stripe(b, i)) {
            int old = (int) AddressSpace.LE_INT.get(b, i);
            if (old == expected) {
                AddressSpace.LE_INT.set(b, i, v);
            }
            return old;
        }
    }

    public static long cmpxchg64(byte[] b, int i, long expected, long v) {
        if (LOCK_FREE) {
            return (long) AddressSpace.LE_LONG.compareAndExchange(b, i, expected, v);
        }
        synchronized (stripe(b, i)) {
            long old = (long) AddressSpace.LE_LONG.get(b, i);
            if (old == expected) {
                AddressSpace.LE_LONG.set(b, i, v);
            }
            return old;
        }
    }

    private static int apply32(int old, int op, int v) {
        switch (op) {
            case ADD: return old + v;
            case OR: return old | v;
            case AND: return old & v;
            case XOR: return old ^ v;
            default: return v;
        }
    }

    private static long apply64(long old, int op, long v) {
        switch (op) {
            case ADD: return old + v;
            case OR: return old | v;
            case AND: return old & v;
            case XOR: return old ^ v;
            default: return v;
        }
    }
}
