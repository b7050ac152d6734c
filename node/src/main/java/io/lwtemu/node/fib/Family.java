package io.lwtemu.node.fib;

/** Address family with the kernel's AF_* number and address width in bits. */
public enum Family {
    INET(2, 32),
    INET6(10, 128);

    public final int af;
    public final int bits;

    Family(int af, int bits) {
        this.af = af;
        this.bits = bits;
    }

    public int bytes() {
        return bits / 8;
    }
}
