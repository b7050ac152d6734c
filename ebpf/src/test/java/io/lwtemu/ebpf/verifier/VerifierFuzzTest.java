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
        for (int n = 0; n < Integer.getInteger("verifier.count", 3000); n++) {
            long[] insns = randomProgram(rnd);
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
