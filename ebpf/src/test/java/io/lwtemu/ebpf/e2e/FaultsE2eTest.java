package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.LwtHelpers;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.isa.Opcodes;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.Interpreter;
import io.lwtemu.ebpf.vm.Pointer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytecode the verifier would refuse, run anyway (prepared without verification, as a fuzzer or a verifier
 * bug would let through): every fault ends the run with an error result; no exception leaves ProgTestRun.
 */
class FaultsE2eTest {
    private final E2e host = new E2e();

    private static LoadedProgram unverified(long... insns) {
        BpfProgram p = new BpfProgram("forged", "lwt_xmit", ProgramType.LWT_XMIT, insns, List.of(), "GPL");
        return new LoadedProgram(p, new Interpreter(p, LwtHelpers.forType(ProgramType.LWT_XMIT)), null);
    }

    private static long[] ldImm64(int dst, long value) {
        return new long[] {
            Insn.make(Opcodes.BPF_LD | Opcodes.BPF_DW | Opcodes.BPF_IMM, dst, 0, 0, (int) value),
            Insn.make(0, 0, 0, 0, (int) (value >>> 32))};
    }

    private static long[] program(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static long[] one(int opcode, int dst, int src, int off, int imm) {
        return new long[] {Insn.make(opcode, dst, src, off, imm)};
    }

    private static final long[] EXIT = one(Opcodes.BPF_JMP | Opcodes.BPF_EXIT, 0, 0, 0, 0);

    @Test
    void shouldReportAnErrorForAReadPastThePacketThroughAForgedPointer() {
        LoadedProgram p = unverified(program(ldImm64(1, Pointer.of(AddressSpace.PACKET, 0x1000)),
                one(Opcodes.BPF_LDX | Opcodes.BPF_B | Opcodes.BPF_MEM, 0, 1, 0, 0), EXIT));
        byte[] ping = Packets.ping4();

        ProgTestRun.Output out = host.run(p, ping);

        assertThat(out.error()).contains("forged").contains("insn");
        assertThat(out.retval()).isZero();
        assertThat(out.packet()).isEqualTo(ping);
    }

    @Test
    void shouldReportAnErrorForAPointerIntoNoRegion() {
        LoadedProgram p = unverified(program(ldImm64(1, 0x0000_7777_0000_0010L),
                one(Opcodes.BPF_LDX | Opcodes.BPF_DW | Opcodes.BPF_MEM, 0, 1, 0, 0), EXIT));
        assertThat(host.run(p, Packets.ping4()).error()).isNotNull();
    }

    @Test
    void shouldReportAnErrorForAWriteIntoTheReadOnlyContextField() {
        // *(u32 *)(r1 + 0) = r1 : skb->len is read-only
        LoadedProgram p = unverified(program(one(Opcodes.BPF_STX | Opcodes.BPF_W | Opcodes.BPF_MEM, 1, 1, 0, 0),
                one(Opcodes.BPF_ALU64 | Opcodes.BPF_MOV | Opcodes.BPF_K, 0, 0, 0, 0), EXIT));
        assertThat(host.run(p, Packets.ping4()).error()).isNotNull();
    }

    @Test
    void shouldReportAnErrorForAStackReadBelowTheFrame() {
        LoadedProgram p = unverified(program(one(Opcodes.BPF_LDX | Opcodes.BPF_DW | Opcodes.BPF_MEM, 0, 10, -32000, 0),
                EXIT));
        assertThat(host.run(p, Packets.ping4()).error()).isNotNull();
    }

    @Test
    void shouldReportAnErrorWhenAnEndlessLoopRunsOutOfInstructions() {
        LoadedProgram p = unverified(program(one(Opcodes.BPF_JMP | Opcodes.BPF_JA, 0, 0, -1, 0), EXIT));
        host.runner.context().instructionBudget = 10_000;
        ProgTestRun.Output out = host.run(p, Packets.ping4());
        assertThat(out.error()).isNotNull();
    }

    @Test
    void shouldRunNormallyAgainAfterAFault() {
        LoadedProgram bad = unverified(program(ldImm64(1, Pointer.of(AddressSpace.PACKET, 0x1000)),
                one(Opcodes.BPF_LDX | Opcodes.BPF_B | Opcodes.BPF_MEM, 0, 1, 0, 0), EXIT));
        host.run(bad, Packets.ping4());
        ProgTestRun.Output ok = host.run(host.prepare("lwt/set_mark_cb.o", "set_mark_cb"), Packets.ping4());
        assertThat(ok.error()).isNull();
        assertThat(ok.mark()).isEqualTo(42);
        assertThat(ok.cb()).containsExactly(0, 84, 0, 0, 0);
    }
}
