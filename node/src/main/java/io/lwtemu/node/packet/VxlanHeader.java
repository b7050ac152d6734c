package io.lwtemu.node.packet;

/**
 * Flyweight over a VXLAN header (RFC 7348), carried in UDP (port 4789) in front of an inner Ethernet frame.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-----------------------------------------------+
 * |R|R|R|R|I|R|R|R|                 Reserved                      |  0
 * +-+-+-+-+-+-+-+-+-------------------------------+---------------+
 * |          VXLAN Network Identifier (VNI)       |   Reserved    |  4
 * +-----------------------------------------------+---------------+
 * </pre>
 */
public final class VxlanHeader {
    public static final int FLAGS = 0;
    public static final int VNI = 4;
    public static final int LENGTH = 8;
    public static final int FLAG_VNI_VALID = 0x08;

    private byte[] buf;
    private int off;

    public VxlanHeader wrap(byte[] buf, int off) {
        if (this.buf != buf) {
            this.buf = buf; // only when it changes: a reference store into a long-lived object costs a GC barrier
        }
        this.off = off;
        return this;
    }

    public int flags() {
        return Bytes.u8(buf, off + FLAGS);
    }

    public boolean vniValid() {
        return (flags() & FLAG_VNI_VALID) != 0;
    }

    public int vni() {
        return Bytes.i32(buf, off + VNI) >>> 8;
    }

    /** Writes a complete header: I flag, VNI, reserved bytes zeroed. */
    public VxlanHeader set(int vni) {
        Bytes.put32(buf, off, FLAG_VNI_VALID << 24);
        Bytes.put32(buf, off + VNI, vni << 8);
        return this;
    }
}
