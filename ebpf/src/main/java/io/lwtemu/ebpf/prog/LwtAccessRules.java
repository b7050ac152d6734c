package io.lwtemu.ebpf.prog;

import static io.lwtemu.ebpf.prog.SkBuffLayout.*;

/**
 * Which {@code struct __sk_buff} fields an LWT program (in, out, xmit, seg6local) may read or write, and
 * what a load of the field yields. Models the kernel's {@code lwt_is_valid_access} on top of
 * {@code bpf_skb_is_valid_access} (net/core/filter.c): the same rules for every LWT type.
 *
 * <p>Narrow reads (1 or 2 bytes of a 4-byte field, naturally aligned) are allowed where the kernel
 * allows them; writes to {@code mark}/{@code priority} must be 4 bytes; {@code cb[]} takes any aligned
 * size inside {@code cb[0..4]}.
 */
public final class LwtAccessRules {

    /** What a load of a context field produces (the kernel's {@code info->reg_type}). */
    public enum FieldKind {
        /** The access is not allowed. */
        DENIED,
        /** A plain number. */
        SCALAR,
        /** {@code data}: pointer to the first packet byte. */
        PACKET,
        /** {@code data_end}: pointer one past the last linear packet byte. */
        PACKET_END,
        /** {@code sk}: a socket pointer or NULL (always NULL for LWT). */
        SOCK_COMMON_OR_NULL
    }

    private static final LwtAccessRules INSTANCE = new LwtAccessRules();

    private LwtAccessRules() {}

    /** The rules shared by all LWT program types. */
    public static LwtAccessRules forType(ProgramType type) {
        if (!type.isLwt()) {
            throw new IllegalArgumentException(type + " has no __sk_buff context");
        }
        return INSTANCE;
    }

    public static LwtAccessRules instance() {
        return INSTANCE;
    }

    /**
     * Checks a context access of {@code size} bytes (1, 2, 4 or 8) at {@code off}.
     *
     * @return what a read yields, {@link FieldKind#SCALAR} for an allowed write, or {@link FieldKind#DENIED}
     */
    public FieldKind access(int off, int size, boolean write) {
        if (!lwtAllows(off, write)) {
            return FieldKind.DENIED;
        }
        return skbAllows(off, size, write);
    }

    public boolean isValidAccess(int off, int size, boolean write) {
        return access(off, size, write) != FieldKind.DENIED;
    }

    /** lwt_is_valid_access: fields LWT programs never see, and the few they may write. */
    private static boolean lwtAllows(int off, boolean write) {
        if (in(off, TC_CLASSID, 4) || (off >= FAMILY && off < LOCAL_PORT + 4) || in(off, DATA_META, 4)
                || in(off, TSTAMP, 8) || in(off, WIRE_LEN, 4) || in(off, HWTSTAMP, 8)) {
            return false;
        }
        if (write) {
            return in(off, MARK, 4) || in(off, PRIORITY, 4) || (off >= CB && off < CB_END);
        }
        return true;
    }

    /** bpf_skb_is_valid_access: bounds, alignment, pointer fields, narrow loads. */
    private static FieldKind skbAllows(int off, int size, boolean write) {
        if (off < 0 || off >= SIZE || size <= 0 || off % size != 0) {
            return FieldKind.DENIED;
        }
        if (off >= CB && off < CB_END) {
            return off + size <= CB_END ? FieldKind.SCALAR : FieldKind.DENIED;
        }
        if (in(off, DATA, 4)) {
            return size == 4 ? FieldKind.PACKET : FieldKind.DENIED;
        }
        if (in(off, DATA_END, 4)) {
            return size == 4 ? FieldKind.PACKET_END : FieldKind.DENIED;
        }
        if (in(off, REMOTE_IP6, 16) || in(off, LOCAL_IP6, 16) || in(off, REMOTE_IP4, 4)
                || in(off, LOCAL_IP4, 4) || in(off, DATA_META, 4)) {
            return size == 4 ? FieldKind.SCALAR : FieldKind.DENIED;
        }
        if (in(off, FLOW_KEYS, 8)) {
            return FieldKind.DENIED;
        }
        if (in(off, HWTSTAMP, 8)) {
            return !write && size == 8 ? FieldKind.SCALAR : FieldKind.DENIED;
        }
        if (in(off, TSTAMP, 8)) {
            return size == 8 ? FieldKind.SCALAR : FieldKind.DENIED;
        }
        if (in(off, SK, 8)) {
            return off == SK && !write && size == 8 ? FieldKind.SOCK_COMMON_OR_NULL : FieldKind.DENIED;
        }
        if (off >= TSTAMP_TYPE && off < HWTSTAMP) {
            return FieldKind.DENIED; // tstamp_type and the padding behind it
        }
        if (write) {
            return size == 4 ? FieldKind.SCALAR : FieldKind.DENIED;
        }
        // Narrow reads of a u32 field: 1, 2 or 4 bytes.
        return size <= 4 && (size & (size - 1)) == 0 ? FieldKind.SCALAR : FieldKind.DENIED;
    }

    private static boolean in(int off, int field, int width) {
        return off >= field && off < field + width;
    }
}
