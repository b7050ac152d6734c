package io.lwtemu.ebpf.vm;

/**
 * A piece of memory a program may touch: its stack, the packet, a map value, a ring buffer record, or
 * its context. Accessible bytes are {@code bytes[start, end)}; a {@link Pointer}'s index is an index
 * into {@code bytes} directly, so moving {@code start} (e.g. after {@code bpf_skb_change_head}) does not
 * change what existing pointers mean.
 *
 * <p>Fields are mutable on purpose: per-run regions (packet, stack) are reused for every run without
 * allocation.
 */
public final class MemoryRegion {
    /** What the region holds; used for fault reports and by the verifier's pointer types. */
    public enum Kind { STACK, PACKET, CONTEXT, MAP_VALUE, MAP_HANDLE, RINGBUF_RECORD, MEMORY }

    public final Kind kind;
    /** Shown in fault reports, e.g. "stack", "packet", "map value of 'counters'". */
    public final String name;
    public byte[] bytes;
    public int start;
    public int end;
    public boolean writable;
    /** Non-null for {@link Kind#CONTEXT}: loads and stores go through it instead of {@link #bytes}. */
    public ContextAccess context;
    /** What the region belongs to, e.g. the {@code BpfMap} of a {@link Kind#MAP_HANDLE}. */
    public Object owner;

    public MemoryRegion(Kind kind, String name, byte[] bytes, int start, int end, boolean writable) {
        this.kind = kind;
        this.name = name;
        this.bytes = bytes;
        this.start = start;
        this.end = end;
        this.writable = writable;
    }

    public static MemoryRegion context(String name, ContextAccess access) {
        MemoryRegion r = new MemoryRegion(Kind.CONTEXT, name, new byte[0], 0, 0, true);
        r.context = access;
        return r;
    }

    /** True when {@code [index, index + size)} lies within the accessible bytes. */
    public boolean contains(int index, int size) {
        return index >= start && size >= 0 && index <= end - size;
    }

    @Override
    public String toString() {
        return name;
    }
}
