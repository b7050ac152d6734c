package io.lwtemu.ebpf.vm;

/**
 * Loads and stores through the program's context pointer (r1 at entry). The kernel rewrites these
 * accesses at load time ({@code convert_ctx_access}); lwtemu routes them here, so a field such as
 * {@code __sk_buff.data} can yield a packet {@link Pointer} although the C type is a {@code __u32}.
 */
public interface ContextAccess {
    /** Value of the field at {@code offset} of {@code size} bytes, or a {@link BpfFault}. */
    long load(int offset, int size);

    /** Writes a writable field, or throws a {@link BpfFault}. */
    void store(int offset, int size, long value);
}
