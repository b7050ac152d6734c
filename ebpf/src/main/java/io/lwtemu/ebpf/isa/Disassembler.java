package io.lwtemu.ebpf.isa;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Renders instructions in the syntax {@code llvm-objdump -d} (LLVM 19) prints for BPF objects, so a dump
 * of a loaded program reads like the disassembly of its object file:
 * {@code r1 = *(u32 *)(r1 + 0x4c)}, {@code w0 += w1}, {@code if r2 > r3 goto +0x5 <prog+0x50>},
 * {@code r0 = 0x0 ll}, {@code call 0xc}, {@code exit}.
 *
 * <p>Loads and stores narrower than 64 bits use r-register names, as llvm-objdump does without
 * {@code --mcpu}; 32-bit atomics use the w-register forms it prints for {@code -mcpu=v3} and later
 * (without it LLVM prints them as {@code <unknown>}). Undecodable instructions print as {@code <unknown>}.
 */
public final class Disassembler {
    private Disassembler() {}

    /** One instruction (both slots of an {@code ld_imm64}) without a jump-target label. */
    public static String format(long[] insns, int pc) {
        return format(insns, pc, null);
    }

    /**
     * One instruction; jumps get llvm-objdump's {@code <symbol+0xBYTES>} label when {@code symbol} is
     * not null, the target's byte offset counted from instruction 0.
     */
    public static String format(long[] insns, int pc, String symbol) {
        long insn = insns[pc];
        int op = Insn.opcode(insn);
        int dst = Insn.dst(insn);
        int src = Insn.src(insn);
        int off = Insn.off(insn);
        int imm = Insn.imm(insn);
        switch (insnClass(op)) {
            case BPF_ALU:
            case BPF_ALU64:
                return alu(op, dst, src, off, imm);
            case BPF_JMP:
            case BPF_JMP32:
                return jump(op, dst, src, off, imm, pc, symbol);
            case BPF_LD:
                if (op != (BPF_LD | BPF_IMM | BPF_DW) || pc + 1 >= insns.length) {
                    return "<unknown>";
                }
                if (src != 0) {
                    return "ld_pseudo\tr" + dst + ", " + hex(src) + ", " + hex(imm);
                }
                return "r" + dst + " = " + hex((imm & 0xffffffffL) | ((long) Insn.imm(insns[pc + 1]) << 32)) + " ll";
            case BPF_LDX:
                if (mode(op) == BPF_MEM) {
                    return "r" + dst + " = *(u" + sizeBits(op) + " *)" + address(src, off);
                }
                if (mode(op) == BPF_MEMSX && size(op) != BPF_DW) {
                    return "r" + dst + " = *(s" + sizeBits(op) + " *)" + address(src, off);
                }
                return "<unknown>";
            case BPF_ST:
                if (mode(op) != BPF_MEM) {
                    return "<unknown>";
                }
                return "*(u" + sizeBits(op) + " *)" + address(dst, off) + " = " + hex(imm);
            case BPF_STX:
                if (mode(op) == BPF_MEM) {
                    return "*(u" + sizeBits(op) + " *)" + address(dst, off) + " = r" + src;
                }
                if (mode(op) == BPF_ATOMIC && (size(op) == BPF_W || size(op) == BPF_DW)) {
                    return atomic(size(op) == BPF_DW, dst, src, off, imm);
                }
                return "<unknown>";
            default:
                return "<unknown>";
        }
    }

    /** An llvm-objdump-like listing: {@code index: bytes<TAB>text} per instruction. */
    public static String listing(String symbol, long[] insns) {
        StringBuilder sb = new StringBuilder();
        for (int pc = 0; pc < insns.length; pc++) {
            boolean wide = Insn.isLdImm64(insns[pc]) && pc + 1 < insns.length;
            sb.append(String.format("%8d:\t", pc)).append(bytes(insns[pc]));
            if (wide) {
                sb.append(' ').append(bytes(insns[pc + 1]));
            }
            sb.append('\t').append(format(insns, pc, symbol)).append('\n');
            if (wide) {
                pc++;
            }
        }
        return sb.toString();
    }

    private static String alu(int op, int dst, int src, int off, int imm) {
        boolean is64 = insnClass(op) == BPF_ALU64;
        String r = is64 ? "r" : "w";
        String d = r + dst;
        boolean x = source(op) == BPF_X;
        String operand = x ? r + src : hex(imm);
        switch (aluOp(op)) {
            case BPF_ADD: return d + " += " + operand;
            case BPF_SUB: return d + " -= " + operand;
            case BPF_MUL: return d + " *= " + operand;
            case BPF_DIV: return off == 0 ? d + " /= " + operand : off == 1 ? d + " s/= " + operand : "<unknown>";
            case BPF_OR: return d + " |= " + operand;
            case BPF_AND: return d + " &= " + operand;
            case BPF_LSH: return d + " <<= " + operand;
            case BPF_RSH: return d + " >>= " + operand;
            case BPF_NEG: return x ? "<unknown>" : d + " = -" + d;
            case BPF_MOD: return off == 0 ? d + " %= " + operand : off == 1 ? d + " s%= " + operand : "<unknown>";
            case BPF_XOR: return d + " ^= " + operand;
            case BPF_MOV:
                if (off == 0) {
                    return d + " = " + operand;
                }
                if (x && (off == 8 || off == 16 || (off == 32 && is64))) {
                    return d + " = (s" + off + ")" + r + src;
                }
                return "<unknown>";
            case BPF_ARSH: return d + " s>>= " + operand;
            case BPF_END:
                if (imm != 16 && imm != 32 && imm != 64) {
                    return "<unknown>";
                }
                if (is64) {
                    return x ? "<unknown>" : "r" + dst + " = bswap" + imm + " r" + dst;
                }
                return "r" + dst + " = " + (x ? "be" : "le") + imm + " r" + dst;
            default:
                return "<unknown>";
        }
    }

    private static String jump(int op, int dst, int src, int off, int imm, int pc, String symbol) {
        boolean is32 = insnClass(op) == BPF_JMP32;
        String r = is32 ? "w" : "r";
        String operand = source(op) == BPF_X ? r + src : hex(imm);
        String cond;
        switch (aluOp(op)) {
            case BPF_JA:
                if (source(op) == BPF_X) {
                    return "<unknown>";
                }
                return is32 ? "gotol " + signedHex(imm) + label(symbol, pc, imm)
                        : "goto " + signedHex(off) + label(symbol, pc, off);
            case BPF_CALL:
                if (is32) {
                    return "<unknown>";
                }
                return source(op) == BPF_X ? "callx r" + dst : "call " + hex(imm);
            case BPF_EXIT:
                return is32 || source(op) == BPF_X ? "<unknown>" : "exit";
            case BPF_JEQ: cond = "=="; break;
            case BPF_JGT: cond = ">"; break;
            case BPF_JGE: cond = ">="; break;
            case BPF_JSET: cond = "&"; break;
            case BPF_JNE: cond = "!="; break;
            case BPF_JSGT: cond = "s>"; break;
            case BPF_JSGE: cond = "s>="; break;
            case BPF_JLT: cond = "<"; break;
            case BPF_JLE: cond = "<="; break;
            case BPF_JSLT: cond = "s<"; break;
            case BPF_JSLE: cond = "s<="; break;
            default: return "<unknown>";
        }
        return "if " + r + dst + " " + cond + " " + operand + " goto " + signedHex(off) + label(symbol, pc, off);
    }

    private static String atomic(boolean is64, int dst, int src, int off, int imm) {
        String r = is64 ? "r" : "w";
        String type = is64 ? "u64" : "u32";
        String s = r + src;
        String addr = "r" + dst + (off < 0 ? " - " + hex(-(long) off) : " + " + hex(off));
        switch (imm) {
            case BPF_ADD: return "lock *(" + type + " *)(" + addr + ") += " + s;
            case BPF_OR: return "lock *(" + type + " *)(" + addr + ") |= " + s;
            case BPF_AND: return "lock *(" + type + " *)(" + addr + ") &= " + s;
            case BPF_XOR: return "lock *(" + type + " *)(" + addr + ") ^= " + s;
            case BPF_ADD | BPF_FETCH: return s + " = atomic_fetch_add((" + type + " *)(" + addr + "), " + s + ")";
            case BPF_OR | BPF_FETCH: return s + " = atomic_fetch_or((" + type + " *)(" + addr + "), " + s + ")";
            case BPF_AND | BPF_FETCH: return s + " = atomic_fetch_and((" + type + " *)(" + addr + "), " + s + ")";
            case BPF_XOR | BPF_FETCH: return s + " = atomic_fetch_xor((" + type + " *)(" + addr + "), " + s + ")";
            case BPF_XCHG: return s + " = " + (is64 ? "xchg_64(" : "xchg32_32(") + addr + ", " + s + ")";
            case BPF_CMPXCHG:
                return r + "0 = " + (is64 ? "cmpxchg_64(" : "cmpxchg32_32(") + addr + ", " + r + "0, " + s + ")";
            default: return "<unknown>";
        }
    }

    private static String address(int reg, int off) {
        return "(r" + reg + (off < 0 ? " - " + hex(-(long) off) : " + " + hex(off)) + ")";
    }

    private static String label(String symbol, int pc, long offset) {
        if (symbol == null) {
            return "";
        }
        long bytes = (pc + 1 + offset) * 8;
        return bytes == 0 ? " <" + symbol + ">" : " <" + symbol + (bytes < 0 ? "-" + hex(-bytes) : "+" + hex(bytes)) + ">";
    }

    private static int sizeBits(int op) {
        return sizeBytes(op) * 8;
    }

    private static String bytes(long insn) {
        StringBuilder sb = new StringBuilder(23);
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", (insn >>> (8 * i)) & 0xff));
        }
        return sb.toString();
    }

    /** {@code 0x2a}, {@code -0x3}; Long.MIN_VALUE prints as its unsigned magnitude. */
    static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    private static String signedHex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "+0x" + Long.toHexString(v);
    }
}
