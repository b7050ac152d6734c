package io.lwtemu.ebpf.isa;

/**
 * eBPF opcode fields, named as in the kernel's {@code include/uapi/linux/bpf.h} and RFC 9669.
 *
 * <pre>
 *  opcode byte:  +--------+----+-------+      ALU/JMP: op(4) | source(1) | class(3)
 *                |  op    | s  | class |      LD/ST:   mode(3) | size(2) | class(3)
 *                +--------+----+-------+
 * </pre>
 */
public final class Opcodes {
    private Opcodes() {}

    // Instruction classes (low 3 bits).
    public static final int BPF_LD = 0x00;
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ST = 0x02;
    public static final int BPF_STX = 0x03;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_JMP32 = 0x06;
    public static final int BPF_ALU64 = 0x07;

    // Source bit for ALU/JMP.
    public static final int BPF_K = 0x00;
    public static final int BPF_X = 0x08;
    /** For BPF_END: BPF_TO_LE == BPF_K, BPF_TO_BE == BPF_X. */
    public static final int BPF_TO_LE = 0x00;
    public static final int BPF_TO_BE = 0x08;

    // ALU operations (high 4 bits).
    public static final int BPF_ADD = 0x00;
    public static final int BPF_SUB = 0x10;
    public static final int BPF_MUL = 0x20;
    public static final int BPF_DIV = 0x30;
    public static final int BPF_OR = 0x40;
    public static final int BPF_AND = 0x50;
    public static final int BPF_LSH = 0x60;
    public static final int BPF_RSH = 0x70;
    public static final int BPF_NEG = 0x80;
    public static final int BPF_MOD = 0x90;
    public static final int BPF_XOR = 0xa0;
    public static final int BPF_MOV = 0xb0;
    public static final int BPF_ARSH = 0xc0;
    public static final int BPF_END = 0xd0;

    // Jump operations (high 4 bits).
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JSET = 0x40;
    public static final int BPF_JNE = 0x50;
    public static final int BPF_JSGT = 0x60;
    public static final int BPF_JSGE = 0x70;
    public static final int BPF_CALL = 0x80;
    public static final int BPF_EXIT = 0x90;
    public static final int BPF_JLT = 0xa0;
    public static final int BPF_JLE = 0xb0;
    public static final int BPF_JSLT = 0xc0;
    public static final int BPF_JSLE = 0xd0;

    // Load/store sizes (bits 3-4).
    public static final int BPF_W = 0x00;
    public static final int BPF_H = 0x08;
    public static final int BPF_B = 0x10;
    public static final int BPF_DW = 0x18;

    // Load/store modes (high 3 bits).
    public static final int BPF_IMM = 0x00;
    public static final int BPF_ABS = 0x20;
    public static final int BPF_IND = 0x40;
    public static final int BPF_MEM = 0x60;
    public static final int BPF_MEMSX = 0x80;
    public static final int BPF_ATOMIC = 0xc0;

    // Atomic operations (in imm of BPF_ATOMIC).
    public static final int BPF_FETCH = 0x01;
    public static final int BPF_XCHG = 0xe0 | BPF_FETCH;
    public static final int BPF_CMPXCHG = 0xf0 | BPF_FETCH;

    // src_reg of BPF_LD|BPF_IMM|BPF_DW (ld_imm64).
    public static final int BPF_PSEUDO_MAP_FD = 1;
    public static final int BPF_PSEUDO_MAP_VALUE = 2;
    public static final int BPF_PSEUDO_BTF_ID = 3;
    public static final int BPF_PSEUDO_FUNC = 4;
    public static final int BPF_PSEUDO_MAP_IDX = 5;
    public static final int BPF_PSEUDO_MAP_IDX_VALUE = 6;

    // src_reg of BPF_JMP|BPF_CALL.
    public static final int BPF_PSEUDO_CALL = 1;
    public static final int BPF_PSEUDO_KFUNC_CALL = 2;

    public static final int MAX_BPF_REG = 11;
    public static final int BPF_REG_FP = 10;
    public static final int MAX_BPF_STACK = 512;
    /** Kernel's MAX_CALL_FRAMES. */
    public static final int MAX_CALL_FRAMES = 8;
    /** Kernel's MAX_TAIL_CALL_CNT. */
    public static final int MAX_TAIL_CALL_CNT = 33;

    public static int insnClass(int opcode) {
        return opcode & 0x07;
    }

    public static int aluOp(int opcode) {
        return opcode & 0xf0;
    }

    public static int source(int opcode) {
        return opcode & 0x08;
    }

    public static int size(int opcode) {
        return opcode & 0x18;
    }

    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    /** Bytes moved by a load/store of the given size field. */
    public static int sizeBytes(int opcode) {
        switch (size(opcode)) {
            case BPF_W: return 4;
            case BPF_H: return 2;
            case BPF_B: return 1;
            default: return 8;
        }
    }
}
