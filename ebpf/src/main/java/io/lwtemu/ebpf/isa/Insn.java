package io.lwtemu.ebpf.isa;

/**
 * One 8-byte eBPF instruction held in a {@code long} exactly as it sits little-endian in the object
 * file, so a program is a plain {@code long[]}.
 *
 * <pre>
 *  bit 63            32 31       16 15    12 11     8 7          0
 *  +-------------------+-----------+--------+--------+------------+
 *  |   imm (s32)       |  off (s16)| src(4) | dst(4) |  opcode    |
 *  +-------------------+-----------+--------+--------+------------+
 * </pre>
 *
 * {@code ld_imm64} takes two slots: the second holds the upper 32 bits of the constant in its imm.
 */
public final class Insn {
    private Insn() {}

    public static int opcode(long insn) {
        return (int) (insn & 0xff);
    }

    public static int dst(long insn) {
        return (int) ((insn >>> 8) & 0x0f);
    }

    public static int src(long insn) {
        return (int) ((insn >>> 12) & 0x0f);
    }

    public static short off(long insn) {
        return (short) (insn >>> 16);
    }

    public static int imm(long insn) {
        return (int) (insn >>> 32);
    }

    public static long make(int opcode, int dst, int src, int off, int imm) {
        return (opcode & 0xffL)
                | ((dst & 0x0fL) << 8)
                | ((src & 0x0fL) << 12)
                | ((off & 0xffffL) << 16)
                | ((imm & 0xffffffffL) << 32);
    }

    public static long withImm(long insn, int imm) {
        return (insn & 0xffffffffL) | ((imm & 0xffffffffL) << 32);
    }

    public static long withSrc(long insn, int src) {
        return (insn & ~0xf000L) | ((src & 0x0fL) << 12);
    }

    public static boolean isLdImm64(long insn) {
        return opcode(insn) == (Opcodes.BPF_LD | Opcodes.BPF_IMM | Opcodes.BPF_DW);
    }

    /** Reads instruction {@code index} from little-endian bytes. */
    public static long read(byte[] code, int offset) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (code[offset + i] & 0xff);
        }
        return v;
    }

    /** Decodes a whole little-endian byte array (length a multiple of 8) into instructions. */
    public static long[] decode(byte[] code) {
        if (code.length % 8 != 0) {
            throw new IllegalArgumentException("program size " + code.length + " is not a multiple of 8 bytes");
        }
        long[] insns = new long[code.length / 8];
        for (int i = 0; i < insns.length; i++) {
            insns[i] = read(code, i * 8);
        }
        return insns;
    }
}
