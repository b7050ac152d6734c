package io.lwtemu.ebpf.verifier;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Bounds arithmetic on scalars (the kernel's {@code adjust_scalar_min_max_vals} and the
 * {@code scalar*_min_max_*} family): computes the tnum and signed/unsigned bounds of {@code dst op src}
 * in 32-bit or 64-bit width. A 32-bit result is zero-extended into the 64-bit view, as the ISA does.
 */
final class ScalarAlu {
    private ScalarAlu() {}

    private static final long U32 = RegState.U32_MAX;
    /** 6.18 computes no bounds for BPF_DIV/BPF_MOD (is_safe_to_compute_dst_reg_range); neither do we. */
    private static final boolean TRACK_DIV = false;

    /** Width-specific view of a scalar: tnum and bounds (32-bit: s in int range, u in [0, 2^32)). */
    private static final class View {
        Tnum t;
        long smin, smax, umin, umax;
        final int width;

        View(RegState r, int width) {
            this.width = width;
            if (width == 32) {
                t = r.tnum.subreg();
                smin = r.s32min;
                smax = r.s32max;
                umin = r.u32min;
                umax = r.u32max;
            } else {
                t = r.tnum;
                smin = r.smin;
                smax = r.smax;
                umin = r.umin;
                umax = r.umax;
            }
        }

        boolean isConst() {
            return t.isConst();
        }

        long c() {
            return width == 32 ? t.value() & U32 : t.value();
        }

        /** Signed value of a constant in this width. */
        long sc() {
            return width == 32 ? (int) t.value() : t.value();
        }

        void unboundSigned() {
            smin = width == 32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            smax = width == 32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        }

        void unboundUnsigned() {
            umin = 0;
            umax = width == 32 ? U32 : -1L;
        }

        void unknown() {
            t = width == 32 ? Tnum.UNKNOWN.subreg() : Tnum.UNKNOWN;
            unboundSigned();
            unboundUnsigned();
        }

        void setConst(long v) {
            if (width == 32) {
                v &= U32;
                t = Tnum.constant(v);
                smin = smax = (int) v;
            } else {
                t = Tnum.constant(v);
                smin = smax = v;
            }
            umin = umax = v;
        }

        void boundsFromTnum() {
            unboundSigned();
            umin = t.value();
            umax = t.value() | t.mask();
            if (width == 32) {
                umax &= U32;
            }
        }

        boolean signedFits(long v) {
            return width == 64 || (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE);
        }

        void trimTnum() {
            if (width == 32) {
                t = t.subreg();
            }
        }
    }

    /** {@code dst = dst op src}; {@code src} is a scalar (a constant for BPF_K). */
    static void apply(RegState dst, RegState src, int op, int off, boolean alu32) {
        int width = alu32 ? 32 : 64;
        if (!safeToCompute(src, op, width)) {
            // is_safe_to_compute_dst_reg_range: the kernel forgets all 64 bits, even for a 32-bit op
            dst.markUnknown();
            return;
        }
        View a = new View(dst, width);
        View b = new View(src, width);
        compute(a, b, op, off);
        a.trimTnum();
        dst.id = 0;
        if (alu32) {
            dst.unboundVar();
            dst.tnum = a.t;
            dst.s32min = (int) a.smin;
            dst.s32max = (int) a.smax;
            dst.u32min = a.umin;
            dst.u32max = a.umax;
            dst.zext32();
        } else {
            dst.tnum = a.t;
            dst.smin = a.smin;
            dst.smax = a.smax;
            dst.umin = a.umin;
            dst.umax = a.umax;
            dst.unbound32();
        }
        dst.sync();
    }

    private static boolean safeToCompute(RegState src, int op, int width) {
        switch (op) {
            case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_XOR: case BPF_OR: case BPF_MUL: case BPF_NEG:
                return true;
            case BPF_LSH: case BPF_RSH: case BPF_ARSH: {
                boolean isConst = width == 32 ? src.isConst32() : src.isConst();
                long umax = width == 32 ? src.u32max : src.umax;
                return isConst && Long.compareUnsigned(umax, width) < 0;
            }
            default:
                return TRACK_DIV;
        }
    }

    private static void compute(View a, View b, int op, int off) {
        boolean bothConst = a.isConst() && b.isConst();
        switch (op) {
            case BPF_ADD:
                add(a, b);
                return;
            case BPF_SUB:
                sub(a, b);
                return;
            case BPF_MUL:
                mul(a, b);
                return;
            case BPF_AND:
                bitAnd(a, b);
                return;
            case BPF_OR:
                bitOr(a, b);
                return;
            case BPF_XOR:
                bitXor(a, b);
                return;
            case BPF_LSH:
            case BPF_RSH:
            case BPF_ARSH:
                shift(a, b, op);
                return;
            case BPF_DIV:
            case BPF_MOD:
                divMod(a, b, op, off == 1);
                return;
            default:
                if (bothConst) {
                    a.setConst(a.c());
                } else {
                    a.unknown();
                }
        }
    }

    private static void add(View a, View b) {
        Tnum t = a.t.add(b.t);
        long smin = a.smin + b.smin;
        long smax = a.smax + b.smax;
        boolean sOverflow = a.width == 64
                ? (((a.smin ^ smin) & (b.smin ^ smin)) < 0) || (((a.smax ^ smax) & (b.smax ^ smax)) < 0)
                : !a.signedFits(smin) || !a.signedFits(smax);
        long umin = a.umin + b.umin;
        long umax = a.umax + b.umax;
        boolean uOverflow = a.width == 64
                ? Long.compareUnsigned(umin, a.umin) < 0 || Long.compareUnsigned(umax, a.umax) < 0
                : umax > U32;
        a.t = t;
        if (sOverflow) {
            a.unboundSigned();
        } else {
            a.smin = smin;
            a.smax = smax;
        }
        if (uOverflow) {
            a.unboundUnsigned();
        } else {
            a.umin = umin;
            a.umax = umax;
        }
    }

    private static void sub(View a, View b) {
        Tnum t = a.t.sub(b.t);
        long smin = a.smin - b.smax;
        long smax = a.smax - b.smin;
        boolean sOverflow = a.width == 64
                ? (((a.smin ^ b.smax) & (a.smin ^ smin)) < 0) || (((a.smax ^ b.smin) & (a.smax ^ smax)) < 0)
                : !a.signedFits(smin) || !a.signedFits(smax);
        boolean uUnderflow = Long.compareUnsigned(a.umin, b.umax) < 0;
        long umin = a.umin - b.umax;
        long umax = a.umax - b.umin;
        a.t = t;
        if (sOverflow) {
            a.unboundSigned();
        } else {
            a.smin = smin;
            a.smax = smax;
        }
        if (uUnderflow) {
            a.unboundUnsigned();
        } else {
            a.umin = umin;
            a.umax = umax;
        }
    }

    /** Multiplication bounds: corner products unless they overflow (6.x scalar_min_max_mul). */
    private static void mul(View a, View b) {
        Tnum t = a.t.mul(b.t);
        // unsigned
        boolean uOverflow;
        long umin;
        long umax;
        if (a.width == 64) {
            uOverflow = umulOverflows(a.umax, b.umax) || umulOverflows(a.umin, b.umin);
            umin = a.umin * b.umin;
            umax = a.umax * b.umax;
        } else {
            umin = a.umin * b.umin;
            umax = a.umax * b.umax;
            uOverflow = Long.compareUnsigned(umax, U32) > 0 || Long.compareUnsigned(umin, U32) > 0;
        }
        // signed: the four corners
        long[] corners = new long[4];
        boolean sOverflow = false;
        long[] xs = {a.smin, a.smax};
        long[] ys = {b.smin, b.smax};
        int k = 0;
        for (long x : xs) {
            for (long y : ys) {
                long p;
                if (a.width == 64) {
                    long hi = Math.multiplyHigh(x, y);
                    p = x * y;
                    if ((hi != 0 || p < 0) && (hi != -1 || p >= 0)) {
                        sOverflow = true;
                    }
                } else {
                    p = x * y; // both within int range: exact in 64 bits
                    if (p < Integer.MIN_VALUE || p > Integer.MAX_VALUE) {
                        sOverflow = true;
                    }
                }
                corners[k++] = p;
            }
        }
        a.t = t;
        if (uOverflow) {
            a.unboundUnsigned();
        } else {
            a.umin = umin;
            a.umax = umax;
        }
        if (sOverflow) {
            a.unboundSigned();
        } else {
            a.smin = Math.min(Math.min(corners[0], corners[1]), Math.min(corners[2], corners[3]));
            a.smax = Math.max(Math.max(corners[0], corners[1]), Math.max(corners[2], corners[3]));
        }
    }

    private static boolean umulOverflows(long x, long y) {
        return x != 0 && Long.compareUnsigned(y, Long.divideUnsigned(-1L, x)) > 0;
    }

    private static void bitAnd(View a, View b) {
        boolean nonNeg = a.smin >= 0 && b.smin >= 0;
        long umax = RegState.uminOf(a.umax, b.umax);
        a.t = a.t.and(b.t);
        a.umin = a.t.value();
        a.umax = umax;
        if (nonNeg) {
            a.smin = a.umin;
            a.smax = a.umax;
        } else {
            a.unboundSigned();
        }
    }

    private static void bitOr(View a, View b) {
        boolean nonNeg = a.smin >= 0 && b.smin >= 0;
        long umin = RegState.umaxOf(a.umin, b.umin);
        a.t = a.t.or(b.t);
        a.umin = umin;
        a.umax = a.t.value() | a.t.mask();
        if (nonNeg) {
            a.smin = a.umin;
            a.smax = a.umax;
        } else {
            a.unboundSigned();
        }
    }

    private static void bitXor(View a, View b) {
        boolean nonNeg = a.smin >= 0 && b.smin >= 0;
        a.t = a.t.xor(b.t);
        a.umin = a.t.value();
        a.umax = a.t.value() | a.t.mask();
        if (nonNeg) {
            a.smin = a.umin;
            a.smax = a.umax;
        } else {
            a.unboundSigned();
        }
    }

    private static void shift(View a, View b, int op) {
        if (!b.isConst() || Long.compareUnsigned(b.c(), a.width) >= 0) {
            a.unknown();
            return;
        }
        int k = (int) b.c();
        switch (op) {
            case BPF_LSH: {
                a.t = a.t.lshift(k);
                a.trimTnum();
                long top = a.width == 64 ? (k == 0 ? 0 : a.umax >>> (64 - k)) : (a.umax << k) >>> 32;
                if (top != 0) {
                    a.unboundUnsigned();
                } else {
                    a.umin <<= k;
                    a.umax <<= k;
                }
                a.unboundSigned();
                return;
            }
            case BPF_RSH:
                a.t = a.t.rshift(k);
                a.umin >>>= k;
                a.umax >>>= k;
                a.unboundSigned();
                return;
            default: { // ARSH
                a.t = a.t.arshift(k, a.width);
                a.smin >>= k;
                a.smax >>= k;
                a.unboundUnsigned();
            }
        }
    }

    private static void divMod(View a, View b, int op, boolean signed) {
        if (!TRACK_DIV) {
            a.unknown(); // 6.18 forgets the result of every division, even of constants
            return;
        }
        if (a.isConst() && b.isConst()) {
            long x = signed ? a.sc() : a.c();
            long y = signed ? b.sc() : b.c();
            long r;
            if (op == BPF_DIV) {
                r = y == 0 ? 0 : signed ? (y == -1 ? -x : x / y) : Long.divideUnsigned(x, y);
            } else {
                r = y == 0 ? x : signed ? (y == -1 ? 0 : x % y) : Long.remainderUnsigned(x, y);
            }
            a.setConst(r);
            return;
        }
        if (TRACK_DIV && !signed && b.isConst() && b.c() != 0) {
            long y = b.c();
            if (op == BPF_DIV) {
                a.t = Tnum.range(Long.divideUnsigned(a.umin, y), Long.divideUnsigned(a.umax, y));
                a.umin = Long.divideUnsigned(a.umin, y);
                a.umax = Long.divideUnsigned(a.umax, y);
            } else {
                long hi = Long.compareUnsigned(a.umax, y - 1) < 0 ? a.umax : y - 1;
                a.t = Tnum.range(0, hi);
                a.umin = 0;
                a.umax = hi;
            }
            a.unboundSigned();
            return;
        }
        a.unknown();
    }

    /** Result of BPF_NEG / BPF_END on a scalar: exact for constants, otherwise unknown of the right width. */
    static void unary(RegState dst, int op, int imm, boolean alu32, boolean toBe) {
        if (op == BPF_NEG) {
            // dst = 0 - dst, with the bounds of a subtraction (6.x tracks BPF_NEG this way)
            RegState x = dst.copy();
            dst.markConst(0);
            apply(dst, x, BPF_SUB, 0, alu32);
            return;
        }
        // BPF_END: imm = 16, 32 or 64
        int bytes = imm / 8;
        if (dst.isConst()) {
            long v = dst.constValue();
            long r;
            if (toBe || !alu32) { // byte swap (to_be on little-endian, or bswap)
                r = Long.reverseBytes(v) >>> (64 - imm);
            } else {
                r = imm == 64 ? v : v & ((1L << imm) - 1);
            }
            dst.markConst(r);
            return;
        }
        if (!toBe && alu32) {
            // to_le on a little-endian machine: truncation only
            Tnum t = dst.tnum.cast(bytes);
            dst.markUnknown();
            dst.tnum = t;
        } else {
            dst.markUnknown();
            dst.tnum = Tnum.UNKNOWN.cast(bytes);
        }
        dst.sync();
    }
}
