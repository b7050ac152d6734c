package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.ProgArrayMap;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

class TailCallTest {
    private static final HelperProto[] NO_HELPERS = new HelperProto[0];

    private final ProgArrayMap jumps = new ProgArrayMap(
            new MapDefinition("jumps", MapType.PROG_ARRAY, 4, 4, 4, 0, 0));

    @AfterEach
    void close() {
        jumps.close();
    }

    private static long mapFd(int dst) {
        return Insn.make(BPF_LD | BPF_IMM | BPF_DW, dst, BPF_PSEUDO_MAP_FD, 0, 0);
    }

    /** r6 = r1; tail_call(r1, jumps, index); r0 = r0 * 1000 (only reached when the tail call fails); exit. */
    private BpfProgram caller(int index) {
        return program("caller", ProgramType.LWT_XMIT, prog(mapFd(2), Insn.make(0, 0, 0, 0, 0), mov(3, index),
                call(12), alu64(BPF_ADD, 0, 1000), exit()), jumps);
    }

    private static BpfProgram returning(String name, int value) {
        return program(name, ProgramType.LWT_XMIT, prog(mov(0, value), exit()));
    }

    @Test
    void shouldContinueInTargetProgramWithR1Preserved() {
        BpfProgram target = program("target", ProgramType.LWT_XMIT, prog(movx(0, 1), exit()));
        assertThat(jumps.setProgram(2, target)).isZero();
        long r0 = new Interpreter(caller(2), NO_HELPERS).run(new ExecutionContext(), 777);
        assertThat(r0).isEqualTo(777);
    }

    @Test
    void shouldFallThroughWhenSlotIsEmptyOrOutOfRange() {
        assertThat(new Interpreter(caller(1), NO_HELPERS).run(new ExecutionContext(), 0))
                .isEqualTo(1000 - Errno.ENOENT);
        assertThat(new Interpreter(caller(9), NO_HELPERS).run(new ExecutionContext(), 0))
                .isEqualTo(1000 - Errno.ENOENT);
    }

    @Test
    void shouldStopAfterThirtyThreeTailCalls() {
        // a program that counts in stack-independent memory and tail-calls itself
        byte[] counter = new byte[8];
        BpfProgram self = program("self", ProgramType.LWT_XMIT, prog(
                movx(6, 1), ldx(BPF_DW, 2, 6, 0), alu64(BPF_ADD, 2, 1), stx(BPF_DW, 6, 2, 0),
                mapFd(2), Insn.make(0, 0, 0, 0, 0), mov(3, 0), call(12), exit()), jumps);
        jumps.setProgram(0, self);
        ExecutionContext ctx = context(counter);
        long r0 = new Interpreter(self, NO_HELPERS).run(ctx, memory(0));
        assertThat(AddressSpace.get(counter, 0, 8)).as("first run + 33 tail calls").isEqualTo(34);
        assertThat(r0).isEqualTo(-Errno.E2BIG);
    }

    @Test
    void shouldRefuseProgramsOfAnotherTypeAndIndexesOutOfRange() {
        assertThat(jumps.setProgram(0, returning("a", 1))).isZero();
        assertThat(jumps.setProgram(1, program("b", ProgramType.LWT_IN, prog(mov(0, 0), exit()))))
                .isEqualTo(-Errno.EINVAL);
        assertThat(jumps.setProgram(4, returning("c", 1))).isEqualTo(-Errno.E2BIG);
    }

    @Test
    void shouldOfferUserSideApiWithKernelErrnos() {
        jumps.setProgramResolver(fd -> fd == 42 ? returning("by_fd", 5) : null);
        byte[] k1 = {1, 0, 0, 0};
        assertThat(jumps.update(k1, new byte[] {42, 0, 0, 0}, 0)).isZero();
        assertThat(jumps.lookup(k1)).containsExactly(42, 0, 0, 0);
        assertThat(jumps.update(k1, new byte[] {43, 0, 0, 0}, 0)).isEqualTo(-Errno.EBADF);
        assertThat(jumps.update(k1, new byte[] {42, 0, 0, 0}, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(jumps.update(new byte[] {4, 0, 0, 0}, new byte[] {42, 0, 0, 0}, 0)).isEqualTo(-Errno.E2BIG);
        assertThat(jumps.nextKey(null)).containsExactly(0, 0, 0, 0);
        assertThat(jumps.nextKey(k1)).containsExactly(2, 0, 0, 0);
        assertThat(jumps.nextKey(new byte[] {3, 0, 0, 0})).isNull();
        assertThat(jumps.delete(k1)).isZero();
        assertThat(jumps.delete(k1)).isEqualTo(-Errno.ENOENT);
        assertThat(jumps.lookup(k1)).isNull();
        assertThat(jumps.lookupElem(k1, 0, 0)).as("programs cannot look up a prog array").isZero();
    }

    @Test
    void shouldPrepareTargetOnceAndReuseIt() {
        jumps.setProgram(0, returning("t", 3));
        Interpreter first = jumps.interpreter(0, NO_HELPERS);
        assertThat(jumps.interpreter(0, NO_HELPERS)).isSameAs(first);
        assertThat(jumps.interpreter(1, NO_HELPERS)).isNull();
    }
}
