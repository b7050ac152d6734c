package io.lwtemu.ebpf.verifier;

/**
 * A tracked number (the kernel's {@code struct tnum}): bits set in {@code mask} are unknown, the other
 * bits equal those of {@code value}. Invariant: {@code (value & mask) == 0}.
 */
public record Tnum(long value, long mask) {
    public static final Tnum UNKNOWN = new Tnum(0, -1L);
    public static final Tnum ZERO = new Tnum(0, 0);

    public static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /** Smallest tnum holding every value in the unsigned range [min, max]. */
    public static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    public boolean isConst() {
        return mask == 0;
    }

    public boolean isUnknown() {
        return mask == -1L;
    }

    public Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    public Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    public Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    public Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    public Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** Multiplication by shift-and-add over the bits of this operand. */
    public Tnum mul(Tnum b) {
        Tnum a = this;
        long accV = a.value * b.value;
        Tnum accM = ZERO;
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) {
                accM = accM.add(new Tnum(0, b.mask));
            } else if ((a.mask & 1) != 0) {
                accM = accM.add(new Tnum(0, b.value | b.mask));
            }
            a = a.rshift(1);
            b = b.lshift(1);
        }
        return new Tnum(accV, 0).add(accM);
    }

    public Tnum lshift(int shift) {
        return new Tnum(value << shift, mask << shift);
    }

    public Tnum rshift(int shift) {
        return new Tnum(value >>> shift, mask >>> shift);
    }

    /** Arithmetic right shift of the low {@code bits} (32 or 64) bits. */
    public Tnum arshift(int shift, int bits) {
        if (bits == 32) {
            return new Tnum(((int) value >> shift) & 0xffffffffL, ((int) mask >> shift) & 0xffffffffL);
        }
        return new Tnum(value >> shift, mask >> shift);
    }

    public Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** Low 32 bits, upper bits known zero. */
    public Tnum subreg() {
        return new Tnum(value & 0xffffffffL, mask & 0xffffffffL);
    }

    /** Keeps the low {@code size} bytes. */
    public Tnum cast(int size) {
        if (size >= 8) {
            return this;
        }
        long m = (1L << (size * 8)) - 1;
        return new Tnum(value & m, mask & m);
    }

    /** Replaces the low 32 bits by those of {@code sub}. */
    public Tnum withSubreg(Tnum sub) {
        return new Tnum((value & ~0xffffffffL) | (sub.value & 0xffffffffL),
                (mask & ~0xffffffffL) | (sub.mask & 0xffffffffL));
    }

    /** True when every value of {@code b} is a value of this tnum. */
    public boolean contains(Tnum b) {
        if ((b.mask & ~mask) != 0) {
            return false;
        }
        return (b.value & ~mask) == value;
    }

    public boolean upper32Zero() {
        return ((value | mask) >>> 32) == 0;
    }

    public long umin() {
        return value;
    }

    public long umax() {
        return value | mask;
    }

    @Override
    public String toString() {
        return isConst() ? Long.toString(value) : String.format("(0x%x; 0x%x)", value, mask);
    }
}
