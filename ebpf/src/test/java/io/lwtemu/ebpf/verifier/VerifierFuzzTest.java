package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Random bytecode must end in a verdict (accepted or VerifierException), never in another exception. */
class VerifierFuzzTest {
    private static final int[] SIZES = {BPF_B, BPF_H, BPF_W, BPF_DW};
    private static final int[] IMMS = {0, 1, -1, 4, 8, -8, 14, 20, 63, 64, 76, 80, 255, 0x7fffffff,
            Integer.MIN_VALUE};

    @Test
    void shouldNeverCrashOnRandomPrograms() {
        Random rnd = new Random(42);
        List<BpfMap> maps = List.of(Asm.map(MapType.ARRAY, 4, 16, 0), Asm.hash(8, 8));
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            long[] insns = randomProgram(rnd);
            ProgramType type = rnd.nextBoolean() ? ProgramType.LWT_XMIT : ProgramType.LWT_IN;
            BpfProgram p = new BpfProgram("fuzz", "fuzz", type, insns, maps, "GPL");
            try {
                Verifier.verify(p, Asm.env(type));
                accepted++;
            } catch (VerifierException e) {
                assertThat(e.getMessage()).isNotBlank();
            }
        }
        assertThat(accepted).isGreaterThan(100);
    }

    /**
     * With -Dverifier.dump=FILE, writes random programs with this verifier's verdicts (privileged rules) so a
     * script can load them into the running kernel and compare.
     */
    @Test
    void dumpForKernelComparison() throws Exception {
        String file = System.getProperty("verifier.dump");
        org.junit.jupiter.api.Assumptions.assumeTrue(file != null);
        Random rnd = new Random(Long.getLong("verifier.seed", 7));
        List<BpfMap> maps = List.of(Asm.map(MapType.ARRAY, 4, 16, 0), Asm.hash(8, 8));
        StringBuilder out = new StringBuilder();
        boolean structured = Boolean.getBoolean("verifier.structured");
        for (int n = 0; n < Integer.getInteger("verifier.count", 3000); n++) {
            long[] insns = structured ? structuredProgram(rnd) : randomProgram(rnd);
            ProgramType type = rnd.nextBoolean() ? ProgramType.LWT_XMIT : ProgramType.LWT_IN;
            BpfProgram p = new BpfProgram("fuzz", "fuzz", type, insns, maps, "GPL");
            String verdict;
            try {
                Verifier.verify(p, Asm.env(type).withAllowUninitStack(true));
                verdict = "ACCEPT";
            } catch (VerifierException e) {
                verdict = "REJECT:" + e.getMessage().replace(' ', '_');
            }
            StringBuilder hex = new StringBuilder();
            for (long x : insns) {
                hex.append(hex.length() == 0 ? "" : ",").append(Long.toHexString(x));
            }
            out.append(type.kernelId).append(' ').append(verdict).append(' ').append(hex).append('\n');
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
    }

    private static final int[] ALU_OPS = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
            BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_NEG};
    private static final int[] JMP_OPS = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
            BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};

    /** Programs shaped like clang output: checked packet pointer, scalars from the packet, forward jumps. */
    static long[] structuredProgram(Random rnd) {
        Asm a = Asm.prog();
        int check = 1 + rnd.nextInt(40);
        a.movReg(6, 1).ldx(BPF_W, 2, 1, 76).ldx(BPF_W, 3, 1, 80).movReg(4, 2).alu(BPF_ADD, 4, check);
        int body = 6 + rnd.nextInt(30);
        // jgt r4, r3 -> exit label (placed after body)
        int jmpIdx = 5;
        a.raw(0); // patched below
        a.ldx(BPF_B, 7, 2, 0).ldx(BPF_B, 8, 2, rnd.nextInt(4)).mov(9, rnd.nextInt(100)).mov(0, 0)
                .st(BPF_DW, 10, -8, 0).st(BPF_DW, 10, -16, rnd.nextInt(8));
        int start = a.insns().length;
        int[] regs = {0, 5, 7, 8, 9};
        for (int i = 0; i < body; i++) {
            int remaining = body - i;
            int r = regs[rnd.nextInt(regs.length)];
            int r2 = regs[rnd.nextInt(regs.length)];
            switch (rnd.nextInt(10)) {
                case 0: case 1: case 2: {
                    int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
                    int imm = op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH ? rnd.nextInt(32)
                            : op == BPF_DIV || op == BPF_MOD ? 1 + rnd.nextInt(20) : rnd.nextInt(300) - 50;
                    int cls = rnd.nextBoolean() ? BPF_ALU64 : BPF_ALU;
                    boolean x = op != BPF_NEG && rnd.nextInt(3) == 0;
                    a.raw(Insn.make(cls | op | (x ? BPF_X : BPF_K), r, x ? r2 : 0, 0, op == BPF_NEG || x ? 0 : imm));
                    break;
                }
                case 3: case 4: {
                    int op = JMP_OPS[rnd.nextInt(JMP_OPS.length)];
                    int cls = rnd.nextBoolean() ? BPF_JMP : BPF_JMP32;
                    boolean x = rnd.nextInt(3) == 0;
                    a.raw(Insn.make(cls | op | (x ? BPF_X : BPF_K), r, x ? r2 : 0, 1 + rnd.nextInt(remaining),
                            x ? 0 : rnd.nextInt(80) - 10));
                    break;
                }
                case 5: // packet read at a constant offset
                    a.ldx(new int[] {BPF_B, BPF_H, BPF_W}[rnd.nextInt(3)], r, 2, rnd.nextInt(check + 4));
                    break;
                case 6: // variable packet pointer: r5 = r2 + (r & mask); check; read
                    a.movReg(5, r).alu(BPF_AND, 5, (1 << rnd.nextInt(7)) - 1).aluReg(BPF_ADD, 5, 2);
                    break;
                case 7:
                    a.ldx(BPF_B, r, 5, 0);
                    break;
                case 8:
                    a.stx(new int[] {BPF_B, BPF_H, BPF_W, BPF_DW}[rnd.nextInt(4)], 10, r, -8 * (1 + rnd.nextInt(2)));
                    break;
                default:
                    a.ldx(new int[] {BPF_B, BPF_H, BPF_W, BPF_DW}[rnd.nextInt(4)], r, 10, -8 * (1 + rnd.nextInt(2)));
            }
        }
        int exitIdx = a.insns().length;
        a.mov(0, 0).exit();
        long[] insns = a.insns();
        insns[jmpIdx] = Insn.make(BPF_JMP | BPF_JGT | BPF_X, 4, 3, exitIdx - jmpIdx - 1, 0);
        // clamp forward jumps inside the body
        for (int i = start; i < exitIdx; i++) {
            int op = Insn.opcode(insns[i]);
            int cls = op & 7;
            if ((cls == BPF_JMP || cls == BPF_JMP32) && (op & 0xf0) != BPF_CALL && (op & 0xf0) != BPF_EXIT) {
                int target = i + Insn.off(insns[i]) + 1;
                if (target > exitIdx) {
                    insns[i] = Insn.make(op, Insn.dst(insns[i]), Insn.src(insns[i]), exitIdx - i - 1,
                            Insn.imm(insns[i]));
                }
            }
        }
        return insns;
    }

    private static long[] randomProgram(Random rnd) {
        int len = 2 + rnd.nextInt(24);
        long[] insns = new long[len];
        for (int i = 0; i < len - 1; i++) {
            int kind = rnd.nextInt(14);
            if (kind == 0 && i + 2 < len) {
                int srcKind = new int[] {0, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_FUNC}[rnd.nextInt(4)];
                insns[i] = Insn.make(BPF_LD | BPF_IMM | BPF_DW, rnd.nextInt(10), srcKind, 0,
                        srcKind == BPF_PSEUDO_FUNC ? rnd.nextInt(len) - i - 1 : rnd.nextInt(3));
                insns[++i] = Insn.make(0, 0, 0, 0, rnd.nextInt(20));
            } else if (kind == 1) {
                insns[i] = Insn.make(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rnd.nextInt(len) - i - 1);
            } else {
                insns[i] = randomInsn(rnd, len - i);
            }
        }
        insns[len - 1] = Insn.make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        if (rnd.nextInt(3) == 0) {
            insns[0] = Insn.make(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
        }
        return insns;
    }

    private static long randomInsn(Random rnd, int remaining) {
        int dst = rnd.nextInt(20) == 0 ? rnd.nextInt(16) : rnd.nextInt(11);
        int src = rnd.nextInt(20) == 0 ? rnd.nextInt(16) : rnd.nextInt(11);
        int off = rnd.nextInt(10) == 0 ? rnd.nextInt(65536) - 32768 : rnd.nextInt(33) - 16;
        int imm = rnd.nextInt(4) == 0 ? rnd.nextInt() : IMMS[rnd.nextInt(IMMS.length)];
        switch (rnd.nextInt(9)) {
            case 0:
            case 1: {
                int cls = rnd.nextBoolean() ? BPF_ALU64 : BPF_ALU;
                int op = rnd.nextInt(14) << 4;
                return Insn.make(cls | op | (rnd.nextBoolean() ? BPF_X : BPF_K), dst, src,
                        rnd.nextInt(4) == 0 ? off : 0, imm);
            }
            case 2:
                return Insn.make(BPF_LDX | BPF_MEM | SIZES[rnd.nextInt(4)], dst, src, off, 0);
            case 3:
                return Insn.make(BPF_STX | BPF_MEM | SIZES[rnd.nextInt(4)], dst, src, off, 0);
            case 4:
                return Insn.make(BPF_ST | BPF_MEM | SIZES[rnd.nextInt(4)], dst, 0, off, imm);
            case 5: {
                int cls = rnd.nextBoolean() ? BPF_JMP : BPF_JMP32;
                int op = (1 + rnd.nextInt(13)) << 4;
                if (op == BPF_CALL || op == BPF_EXIT) {
                    op = BPF_JEQ;
                }
                return Insn.make(cls | op | (rnd.nextBoolean() ? BPF_X : BPF_K), dst, src,
                        rnd.nextInt(remaining + 2) - 2, imm);
            }
            case 6:
                return Insn.make(BPF_JMP | BPF_CALL, 0, 0, 0, rnd.nextInt(5) == 0 ? rnd.nextInt(300) : 1 + rnd.nextInt(30));
            case 7:
                return Insn.make(BPF_STX | BPF_ATOMIC | (rnd.nextBoolean() ? BPF_W : BPF_DW), dst, src, off,
                        new int[] {BPF_ADD, BPF_ADD | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG, 0x42}[rnd.nextInt(5)]);
            default:
                return rnd.nextInt(16) == 0 ? rnd.nextLong()
                        : Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, dst, rnd.nextBoolean() ? 10 : 1, 0, 0);
        }
    }
}
