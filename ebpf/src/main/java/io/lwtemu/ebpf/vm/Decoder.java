package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Disassembler;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Turns a program's bytecode into the flat arrays the {@link Interpreter} runs, checking every
 * instruction once so the run loop never has to.
 *
 * <p>Each instruction becomes one {@code int} in {@link #code}: {@code op | dst << 8 | src << 12 | off << 16}
 * (the low half of the original instruction, with {@code op} possibly rewritten) and one {@code long} in
 * {@link #imms}: the sign-extended immediate, the full 64-bit constant of an {@code ld_imm64}, the
 * absolute target of a bpf-to-bpf call or the offset of a {@code gotol}. Instructions whose meaning depends
 * on more than the opcode byte (signed division, {@code movsx}, byte swaps, special helper calls) are
 * rewritten to internal opcodes taken from byte values the ISA leaves unused, so the interpreter switches
 * on one byte only. A sentinel after the last instruction catches a program that runs off its end.
 */
final class Decoder {
    // Internal opcodes: LDX-class and LD-class byte values that are not valid eBPF instructions.
    static final int SDIV64_K = 0x01;
    static final int SDIV64_X = 0x09;
    static final int SMOD64_K = 0x11;
    static final int SMOD64_X = 0x19;
    static final int SDIV32_K = 0x21;
    static final int SDIV32_X = 0x29;
    static final int SMOD32_K = 0x31;
    static final int SMOD32_X = 0x39;
    static final int MOVSX64_8 = 0x41;
    static final int MOVSX64_16 = 0x49;
    static final int MOVSX64_32 = 0x51;
    static final int MOVSX32_8 = 0x59;
    static final int MOVSX32_16 = 0xa1;
    static final int LE16 = 0xa9;
    static final int LE32 = 0xb1;
    static final int LE64 = 0xb9;
    static final int BE16 = 0xc1;
    static final int BE32 = 0xc9;
    static final int BE64 = 0xd1;
    static final int SWAP16 = 0xd9;
    static final int SWAP32 = 0xe1;
    static final int SWAP64 = 0xe9;
    static final int CALL_LOCAL = 0xf1;
    static final int TAIL_CALL = 0xf9;
    static final int LOOP = 0x00;
    static final int FELL_OFF = 0x08;
    static final int LDDW_SLOT2 = 0x10;

    static final int LDDW = BPF_LD | BPF_IMM | BPF_DW;
    static final int CALL_HELPER = BPF_JMP | BPF_CALL;
    static final int CALLX = BPF_JMP | BPF_CALL | BPF_X;
    static final int EXIT = BPF_JMP | BPF_EXIT;
    static final int GOTOL = BPF_JMP32 | BPF_JA;
    static final int ATOMIC_W = BPF_STX | BPF_ATOMIC | BPF_W;
    static final int ATOMIC_DW = BPF_STX | BPF_ATOMIC | BPF_DW;

    static final int BPF_FUNC_TAIL_CALL = 12;
    static final int BPF_FUNC_LOOP = 181;

    final int[] code;
    final long[] imms;
    /** Helper called by the instruction at each pc (null elsewhere). */
    final HelperProto[] calls;

    private final BpfProgram program;
    private final HelperProto[] helpers;
    private final long[] insns;

    Decoder(BpfProgram program, HelperProto[] helpers) {
        this.program = program;
        this.helpers = helpers;
        this.insns = program.insns();
        int n = insns.length;
        if (n == 0) {
            throw new InvalidBytecodeException(0, "program '" + program.name() + "' has no instructions");
        }
        code = new int[n + 1];
        imms = new long[n + 1];
        calls = new HelperProto[n + 1];
        for (int pc = 0; pc < n; pc++) {
            pc = decode(pc);
        }
        code[n] = FELL_OFF;
        checkTargets();
    }

    /** Decodes the instruction at {@code pc}; returns the index of its last slot. */
    private int decode(int pc) {
        long insn = insns[pc];
        int op = Insn.opcode(insn);
        int dst = Insn.dst(insn);
        int src = Insn.src(insn);
        int off = Insn.off(insn);
        int imm = Insn.imm(insn);
        if (dst > BPF_REG_FP || src > BPF_REG_FP) {
            throw error(pc, "register number out of range (r0..r10)");
        }
        int internal = op;
        long value = imm;
        switch (insnClass(op)) {
            case BPF_ALU:
            case BPF_ALU64:
                internal = decodeAlu(pc, op, dst, off, imm);
                break;
            case BPF_JMP:
            case BPF_JMP32:
                internal = decodeJump(pc, op, src, off, imm);
                if (internal == CALL_LOCAL) {
                    value = pc + 1L + imm;
                }
                break;
            case BPF_LD:
                if (op != LDDW) {
                    if (mode(op) == BPF_ABS || mode(op) == BPF_IND) {
                        throw error(pc, "legacy BPF_ABS/BPF_IND packet loads are not supported (LWT programs use"
                                + " direct packet access)");
                    }
                    throw unknown(pc, op);
                }
                if (pc + 1 >= insns.length) {
                    throw error(pc, "ld_imm64 needs two instruction slots but the program ends after the first");
                }
                if (Insn.opcode(insns[pc + 1]) != 0 || Insn.dst(insns[pc + 1]) != 0
                        || Insn.src(insns[pc + 1]) != 0 || Insn.off(insns[pc + 1]) != 0) {
                    throw error(pc, "second slot of ld_imm64 must be all zero except its imm");
                }
                checkWritable(pc, dst);
                value = ldImm64(pc, src, imm, Insn.imm(insns[pc + 1]));
                code[pc] = op | dst << 8 | src << 12;
                imms[pc] = value;
                code[pc + 1] = LDDW_SLOT2;
                return pc + 1;
            case BPF_LDX:
                if (!(mode(op) == BPF_MEM || (mode(op) == BPF_MEMSX && size(op) != BPF_DW))) {
                    throw unknown(pc, op);
                }
                checkWritable(pc, dst);
                break;
            case BPF_ST:
                if (mode(op) != BPF_MEM) {
                    throw unknown(pc, op);
                }
                break;
            case BPF_STX:
                if (mode(op) == BPF_ATOMIC) {
                    if (op != ATOMIC_W && op != ATOMIC_DW) {
                        throw error(pc, "atomic operations need a 32- or 64-bit size");
                    }
                    checkAtomic(pc, imm);
                } else if (mode(op) != BPF_MEM) {
                    throw unknown(pc, op);
                }
                break;
            default:
                throw unknown(pc, op);
        }
        code[pc] = internal | dst << 8 | src << 12 | (off & 0xffff) << 16;
        imms[pc] = value;
        return pc;
    }

    private int decodeAlu(int pc, int op, int dst, int off, int imm) {
        boolean is64 = insnClass(op) == BPF_ALU64;
        boolean x = source(op) == BPF_X;
        int aluOp = aluOp(op);
        checkWritable(pc, dst);
        switch (aluOp) {
            case BPF_DIV:
            case BPF_MOD:
                if (off == 0) {
                    return op;
                }
                if (off != 1) {
                    throw error(pc, "division offset must be 0 (unsigned) or 1 (signed)");
                }
                if (aluOp == BPF_DIV) {
                    return is64 ? (x ? SDIV64_X : SDIV64_K) : (x ? SDIV32_X : SDIV32_K);
                }
                return is64 ? (x ? SMOD64_X : SMOD64_K) : (x ? SMOD32_X : SMOD32_K);
            case BPF_MOV:
                if (off == 0) {
                    return op;
                }
                if (x && is64 && (off == 8 || off == 16 || off == 32)) {
                    return off == 8 ? MOVSX64_8 : off == 16 ? MOVSX64_16 : MOVSX64_32;
                }
                if (x && !is64 && (off == 8 || off == 16)) {
                    return off == 8 ? MOVSX32_8 : MOVSX32_16;
                }
                throw error(pc, "mov offset must be 0 or a sign-extension width (8, 16" + (is64 ? ", 32" : "") + ")");
            case BPF_NEG:
                if (x) {
                    throw unknown(pc, op);
                }
                return op;
            case BPF_END:
                if (imm != 16 && imm != 32 && imm != 64) {
                    throw error(pc, "byte swap width must be 16, 32 or 64, not " + imm);
                }
                if (is64) {
                    if (x) {
                        throw unknown(pc, op);
                    }
                    return imm == 16 ? SWAP16 : imm == 32 ? SWAP32 : SWAP64;
                }
                if (x) {
                    return imm == 16 ? BE16 : imm == 32 ? BE32 : BE64;
                }
                return imm == 16 ? LE16 : imm == 32 ? LE32 : LE64;
            case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND: case BPF_LSH:
            case BPF_RSH: case BPF_XOR: case BPF_ARSH:
                return op;
            default:
                throw unknown(pc, op);
        }
    }

    private int decodeJump(int pc, int op, int src, int off, int imm) {
        boolean jmp32 = insnClass(op) == BPF_JMP32;
        switch (aluOp(op)) {
            case BPF_JA:
                if (source(op) == BPF_X) {
                    throw unknown(pc, op);
                }
                return op;
            case BPF_CALL:
                if (jmp32) {
                    throw unknown(pc, op);
                }
                if (source(op) == BPF_X) {
                    return CALLX;
                }
                if (src == BPF_PSEUDO_CALL) {
                    return CALL_LOCAL;
                }
                if (src == BPF_PSEUDO_KFUNC_CALL) {
                    throw error(pc, "kfunc calls are not supported");
                }
                if (src != 0) {
                    throw error(pc, "call with unknown src_reg " + src);
                }
                if (imm == BPF_FUNC_TAIL_CALL) {
                    return TAIL_CALL;
                }
                if (imm == BPF_FUNC_LOOP) {
                    return LOOP;
                }
                HelperProto proto = imm >= 0 && imm < helpers.length ? helpers[imm] : null;
                if (proto == null) {
                    throw error(pc, "call to unknown helper " + imm);
                }
                calls[pc] = proto;
                return op;
            case BPF_EXIT:
                if (jmp32 || source(op) == BPF_X) {
                    throw unknown(pc, op);
                }
                return op;
            case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE: case BPF_JSGT:
            case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT: case BPF_JSLE:
                return op;
            default:
                throw unknown(pc, op);
        }
    }

    private long ldImm64(int pc, int src, int lo, int hi) {
        switch (src) {
            case 0:
                return (lo & 0xffffffffL) | ((long) hi << 32);
            case BPF_PSEUDO_MAP_FD:
            case BPF_PSEUDO_MAP_IDX:
                return map(pc, lo).handle();
            case BPF_PSEUDO_MAP_VALUE:
            case BPF_PSEUDO_MAP_IDX_VALUE: {
                BpfMap map = map(pc, lo);
                long address = map.directValueAddress(hi);
                if (address == 0) {
                    throw error(pc, "map '" + map.name() + "' has no value at offset " + hi
                            + " for direct access (ld_imm64 map value)");
                }
                return address;
            }
            case BPF_PSEUDO_FUNC: {
                long target = pc + 1L + lo;
                if (target < 0 || target >= insns.length) {
                    throw error(pc, "callback target " + target + " is outside the program");
                }
                return Pointer.of(Interpreter.CALLBACK_REGION, (int) target);
            }
            case BPF_PSEUDO_BTF_ID:
                throw error(pc, "ld_imm64 of a kernel BTF object (ksym) is not supported");
            default:
                throw error(pc, "ld_imm64 with unknown src_reg " + src);
        }
    }

    private BpfMap map(int pc, int index) {
        if (index < 0 || index >= program.maps().size()) {
            throw error(pc, "map index " + index + " out of range (program has " + program.maps().size() + " maps)");
        }
        return program.maps().get(index);
    }

    private void checkAtomic(int pc, int imm) {
        switch (imm) {
            case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR:
            case BPF_ADD | BPF_FETCH: case BPF_OR | BPF_FETCH: case BPF_AND | BPF_FETCH: case BPF_XOR | BPF_FETCH:
            case BPF_XCHG: case BPF_CMPXCHG:
                return;
            default:
                throw error(pc, "unknown atomic operation 0x" + Integer.toHexString(imm));
        }
    }

    private void checkWritable(int pc, int dst) {
        if (dst == BPF_REG_FP) {
            throw error(pc, "r10 (frame pointer) is read-only");
        }
    }

    /** Jumps and calls must land on the first slot of an instruction inside the program. */
    private void checkTargets() {
        int n = insns.length;
        for (int pc = 0; pc < n; pc++) {
            int op = code[pc] & 0xff;
            long target;
            if (op == CALL_LOCAL) {
                target = imms[pc];
            } else if (op == GOTOL) {
                target = pc + 1L + imms[pc];
            } else if ((insnClass(op) == BPF_JMP || insnClass(op) == BPF_JMP32) && op != CALL_HELPER && op != CALLX
                    && op != EXIT) {
                target = pc + 1L + (code[pc] >> 16);
            } else if (op == LDDW && ((code[pc] >>> 12) & 0xf) == BPF_PSEUDO_FUNC) {
                target = Pointer.index(imms[pc]);
            } else {
                continue;
            }
            if (target < 0 || target >= n) {
                throw error(pc, "jump target " + target + " is outside the program (0.." + (n - 1) + ")");
            }
            if (code[(int) target] == LDDW_SLOT2) {
                throw error(pc, "jump target " + target + " is the second slot of an ld_imm64");
            }
        }
    }

    private InvalidBytecodeException unknown(int pc, int op) {
        return error(pc, "unknown opcode 0x" + String.format("%02x", op));
    }

    private InvalidBytecodeException error(int pc, String what) {
        String text;
        try {
            text = Disassembler.format(insns, pc);
        } catch (RuntimeException e) {
            text = String.format("0x%016x", insns[pc]);
        }
        return new InvalidBytecodeException(pc, "program '" + program.name() + "', instruction " + pc + " ("
                + text + "): " + what);
    }
}
