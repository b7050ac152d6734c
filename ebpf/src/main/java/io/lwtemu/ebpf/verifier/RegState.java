package io.lwtemu.ebpf.verifier;

/**
 * The verifier's knowledge about one register or spilled stack slot (the kernel's
 * {@code struct bpf_reg_state}). For pointers, {@link #off} is the fixed offset and the tnum/bounds describe
 * the variable part added to it; for scalars they describe the value.
 */
final class RegState {
    static final long U32_MAX = 0xffffffffL;

    RegType type = RegType.NOT_INIT;
    /** Fixed offset of a pointer. */
    int off;
    /** Pointer identity (packet pointers sharing a variable part, nullable pointers) or linked scalars. */
    int id;
    /** Acquired reference (ringbuf record) this pointer belongs to, 0 for none. */
    int refId;
    /** PTR_TO_PACKET: bytes known readable from the pointer ({@code off}-relative base). */
    int range;
    /** Map index for CONST_PTR_TO_MAP / PTR_TO_MAP_VALUE(_OR_NULL). */
    int mapIndex = -1;
    /** PTR_TO_MEM: size of the memory. PTR_TO_FUNC: subprogram start. */
    int memSize;
    /** PTR_TO_STACK: frame the stack belongs to. */
    int frameno;

    Tnum tnum = Tnum.UNKNOWN;
    long smin = Long.MIN_VALUE;
    long smax = Long.MAX_VALUE;
    long umin = 0;
    long umax = -1L;
    int s32min = Integer.MIN_VALUE;
    int s32max = Integer.MAX_VALUE;
    long u32min = 0;
    long u32max = U32_MAX;

    RegState copy() {
        RegState r = new RegState();
        r.copyFrom(this);
        return r;
    }

    void copyFrom(RegState o) {
        type = o.type;
        off = o.off;
        id = o.id;
        refId = o.refId;
        range = o.range;
        mapIndex = o.mapIndex;
        memSize = o.memSize;
        frameno = o.frameno;
        tnum = o.tnum;
        smin = o.smin;
        smax = o.smax;
        umin = o.umin;
        umax = o.umax;
        s32min = o.s32min;
        s32max = o.s32max;
        u32min = o.u32min;
        u32max = o.u32max;
    }

    void markNotInit() {
        markUnknown();
        type = RegType.NOT_INIT;
    }

    /** An unknown scalar. */
    void markUnknown() {
        type = RegType.SCALAR;
        off = 0;
        id = 0;
        refId = 0;
        range = 0;
        mapIndex = -1;
        memSize = 0;
        frameno = 0;
        unboundVar();
    }

    /** Forgets the variable part (tnum and bounds). */
    void unboundVar() {
        tnum = Tnum.UNKNOWN;
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        umin = 0;
        umax = -1L;
        unbound32();
    }

    void unbound32() {
        s32min = Integer.MIN_VALUE;
        s32max = Integer.MAX_VALUE;
        u32min = 0;
        u32max = U32_MAX;
    }

    void markConst(long v) {
        markUnknown();
        setVarConst(v);
    }

    /** Sets the variable part to the known value {@code v}. */
    void setVarConst(long v) {
        tnum = Tnum.constant(v);
        smin = smax = umin = umax = v;
        s32min = s32max = (int) v;
        u32min = u32max = v & U32_MAX;
    }

    /** A pointer of {@code type} with zero variable part. */
    void markPointer(RegType t) {
        markUnknown();
        type = t;
        setVarConst(0);
    }

    boolean isScalar() {
        return type == RegType.SCALAR;
    }

    boolean isConst() {
        return tnum.isConst();
    }

    long constValue() {
        return tnum.value();
    }

    boolean isConst32() {
        return tnum.subreg().isConst();
    }

    boolean varIsZero() {
        return tnum.isConst() && tnum.value() == 0;
    }

    boolean isNullConst() {
        return type == RegType.SCALAR && varIsZero();
    }

    /** Zero-extends the low 32 bits: the 64-bit view becomes the 32-bit one. */
    void zext32() {
        tnum = tnum.subreg();
        umin = u32min;
        umax = u32max;
        smin = u32min;
        smax = u32max;
    }

    // ---- bounds synchronisation (the kernel's reg_bounds_sync) --------------------------------

    void sync() {
        for (int round = 0; round < 2; round++) {
            // from tnum
            Tnum t32 = tnum.subreg();
            u32min = Math.max(u32min, t32.value());
            u32max = Math.min(u32max, t32.value() | t32.mask());
            s32min = Math.max(s32min, (int) (t32.value() | (t32.mask() & 0x80000000L)));
            s32max = Math.min(s32max, (int) (t32.value() | (t32.mask() & 0x7fffffffL)));
            umin = umaxOf(umin, tnum.value());
            umax = uminOf(umax, tnum.value() | tnum.mask());
            smin = Math.max(smin, tnum.value() | (tnum.mask() & Long.MIN_VALUE));
            smax = Math.min(smax, tnum.value() | (tnum.mask() & Long.MAX_VALUE));
            // 32-bit signed <-> unsigned
            if (s32min >= 0 || s32max < 0) {
                u32min = Math.max(u32min, s32min & U32_MAX);
                u32max = Math.min(u32max, s32max & U32_MAX);
            }
            if ((int) u32min <= (int) u32max) {
                s32min = Math.max(s32min, (int) u32min);
                s32max = Math.min(s32max, (int) u32max);
            }
            // 64-bit signed <-> unsigned
            if (smin >= 0 || smax < 0) {
                umin = umaxOf(umin, smin);
                umax = uminOf(umax, smax);
            }
            if (umin <= umax) { // the unsigned range does not cross the sign boundary
                smin = Math.max(smin, umin);
                smax = Math.min(smax, umax);
            }
            // 64 -> 32
            if ((umin >>> 32) == (umax >>> 32)) {
                u32min = Math.max(u32min, umin & U32_MAX);
                u32max = Math.min(u32max, umax & U32_MAX);
                if ((int) u32min <= (int) u32max) {
                    s32min = Math.max(s32min, (int) u32min);
                    s32max = Math.min(s32max, (int) u32max);
                }
            }
            if (smin >= Integer.MIN_VALUE && smax <= Integer.MAX_VALUE) {
                s32min = Math.max(s32min, (int) smin);
                s32max = Math.min(s32max, (int) smax);
            }
            // 32 -> 64 when the upper half is known
            if ((tnum.mask() >>> 32) == 0) {
                long hi = tnum.value() & ~U32_MAX;
                umin = umaxOf(umin, hi | u32min);
                umax = uminOf(umax, hi | u32max);
                if (hi == 0) {
                    smin = Math.max(smin, u32min);
                    smax = Math.min(smax, u32max);
                }
            }
            // tnum from bounds
            if (Long.compareUnsigned(umin, umax) <= 0) {
                tnum = tnum.intersect(Tnum.range(umin, umax));
            }
            if (u32min <= u32max) {
                tnum = tnum.withSubreg(tnum.subreg().intersect(Tnum.range(u32min, u32max)));
            }
        }
    }

    /** True when the bounds contradict each other: the state cannot happen. */
    boolean boundsInvalid() {
        return smin > smax || Long.compareUnsigned(umin, umax) > 0 || s32min > s32max || u32min > u32max
                || (tnum.value() & tnum.mask()) != 0;
    }

    static long umaxOf(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long uminOf(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** True when every value this scalar may hold is also allowed by {@code old} (range_within + tnum_in). */
    boolean scalarWithin(RegState old) {
        return old.smin <= smin && smax <= old.smax
                && Long.compareUnsigned(old.umin, umin) <= 0 && Long.compareUnsigned(umax, old.umax) <= 0
                && old.s32min <= s32min && s32max <= old.s32max
                && old.u32min <= u32min && u32max <= old.u32max
                && old.tnum.contains(tnum);
    }

    boolean sameVar(RegState o) {
        return tnum.equals(o.tnum) && smin == o.smin && smax == o.smax && umin == o.umin && umax == o.umax
                && s32min == o.s32min && s32max == o.s32max && u32min == o.u32min && u32max == o.u32max;
    }

    boolean exactlyEquals(RegState o) {
        return type == o.type && off == o.off && id == o.id && refId == o.refId && range == o.range
                && mapIndex == o.mapIndex && memSize == o.memSize && frameno == o.frameno && sameVar(o);
    }

    /** The kernel-style short description, e.g. {@code pkt(id=0,off=14,r=34)} or {@code scalar(umax=255)}. */
    String describe() {
        switch (type) {
            case NOT_INIT:
                return "?";
            case SCALAR:
                if (isConst()) {
                    return Long.toString(constValue());
                }
                return "scalar(" + bounds() + ")";
            case PTR_TO_PACKET:
                return "pkt(id=" + id + ",off=" + off + ",r=" + range + (varIsZero() ? "" : "," + bounds()) + ")";
            case PTR_TO_STACK:
                return "fp" + off;
            case PTR_TO_MAP_VALUE:
            case PTR_TO_MAP_VALUE_OR_NULL:
                return type.logName + "(map=" + mapIndex + ",off=" + off + (varIsZero() ? "" : "," + bounds()) + ")";
            default:
                return type.logName + (off != 0 ? "(off=" + off + ")" : "()");
        }
    }

    private String bounds() {
        StringBuilder b = new StringBuilder();
        if (smin != Long.MIN_VALUE) b.append("smin=").append(smin).append(',');
        if (smax != Long.MAX_VALUE) b.append("smax=").append(smax).append(',');
        if (umin != 0) b.append("umin=").append(Long.toUnsignedString(umin)).append(',');
        if (umax != -1L) b.append("umax=").append(Long.toUnsignedString(umax)).append(',');
        if (!tnum.isUnknown()) b.append("var_off=").append(tnum).append(',');
        if (b.length() > 0) b.setLength(b.length() - 1);
        return b.toString();
    }
}
