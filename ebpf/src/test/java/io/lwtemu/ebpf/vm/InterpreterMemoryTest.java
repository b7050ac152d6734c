package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Asm.*;
import static org.assertj.core.api.Assertions.assertThat;

class InterpreterMemoryTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[64];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void shouldLoadLittleEndianZeroExtended() {
        byte[] m = bytes(0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88);
        assertThat(run(m, ldx(BPF_B, 0, 1, 0), exit())).isEqualTo(0x81L);
        assertThat(run(m, ldx(BPF_H, 0, 1, 0), exit())).isEqualTo(0x8281L);
        assertThat(run(m, ldx(BPF_W, 0, 1, 0), exit())).isEqualTo(0x8483_8281L);
        assertThat(run(m, ldx(BPF_DW, 0, 1, 0), exit())).isEqualTo(0x8887_8685_8483_8281L);
        assertThat(run(m, ldx(BPF_B, 0, 1, 7), exit())).isEqualTo(0x88L);
    }

    @Test
    void shouldSignExtendOnMemsxLoads() {
        byte[] m = bytes(0x81, 0x82, 0x83, 0x84);
        assertThat(run(m, ldxs(BPF_B, 0, 1, 0), exit())).isEqualTo((long) (byte) 0x81);
        assertThat(run(m, ldxs(BPF_H, 0, 1, 0), exit())).isEqualTo((long) (short) 0x8281);
        assertThat(run(m, ldxs(BPF_W, 0, 1, 0), exit())).isEqualTo((long) 0x8483_8281);
    }

    @Test
    void shouldStoreEverySizeFromRegisterAndImmediate() {
        byte[] m = new byte[64];
        run(m, mov(2, 0x1122_3344), stx(BPF_B, 1, 2, 0), stx(BPF_H, 1, 2, 2), stx(BPF_W, 1, 2, 4),
                stx(BPF_DW, 1, 2, 8), st(BPF_B, 1, 16, 0x55), st(BPF_H, 1, 18, 0x6677), st(BPF_W, 1, 20, -1),
                st(BPF_DW, 1, 24, -2), exit());
        assertThat(AddressSpace.get(m, 0, 1)).isEqualTo(0x44L);
        assertThat(AddressSpace.get(m, 2, 2)).isEqualTo(0x3344L);
        assertThat(AddressSpace.get(m, 4, 4)).isEqualTo(0x1122_3344L);
        assertThat(AddressSpace.get(m, 8, 8)).isEqualTo(0x1122_3344L);
        assertThat(AddressSpace.get(m, 16, 1)).isEqualTo(0x55L);
        assertThat(AddressSpace.get(m, 18, 2)).isEqualTo(0x6677L);
        assertThat(AddressSpace.get(m, 20, 4)).isEqualTo(0xffff_ffffL);
        assertThat(AddressSpace.get(m, 24, 8)).as("ST DW sign-extends its imm").isEqualTo(-2L);
    }

    @Test
    void shouldUseStackBelowR10() {
        assertThat(run(mov(2, 42), stx(BPF_DW, 10, 2, -8), ldx(BPF_DW, 0, 10, -8), exit())).isEqualTo(42L);
        assertThat(run(mov(2, 7), stx(BPF_DW, 10, 2, -512), ldx(BPF_DW, 0, 10, -512), exit())).isEqualTo(7L);
    }

    @Test
    void shouldRouteContextAccessThroughContextAccess() {
        List<String> stores = new ArrayList<>();
        ExecutionContext ctx = new ExecutionContext();
        ctx.memory.set(AddressSpace.CONTEXT, MemoryRegion.context("ctx", new ContextAccess() {
            @Override
            public long load(int offset, int size) {
                return offset == 8 && size == 4 ? 0xfedc_ba98L : 0;
            }

            @Override
            public void store(int offset, int size, long value) {
                stores.add(offset + "/" + size + "=" + value);
            }
        }));
        BpfProgram p = program(prog(ldx(BPF_W, 0, 1, 8), ldxs(BPF_W, 3, 1, 8), st(BPF_W, 1, 4, 9),
                stx(BPF_W, 1, 3, 12), exit()));
        long r0 = new Interpreter(p, new HelperProto[0]).run(ctx, Pointer.of(AddressSpace.CONTEXT, 0));
        assertThat(r0).isEqualTo(0xfedc_ba98L);
        assertThat(stores).containsExactly("4/4=9", "12/4=" + (long) (int) 0xfedc_ba98L);
    }

    @Test
    void shouldResolveMapReferencesOfLdImm64() {
        TestArrayMap map = new TestArrayMap("counters", 8, 4, true);
        AddressSpace.put(map.values, 16, 8, 1234);
        long[] insns = prog(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0),
                Insn.make(0, 0, 0, 0, 16), ldx(BPF_DW, 0, 1, 0),
                Insn.make(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_FD, 0, 0), Insn.make(0, 0, 0, 0, 0),
                stx(BPF_DW, 10, 2, -8), exit());
        ExecutionContext ctx = context(new byte[0]);
        long r0 = new Interpreter(program(insns, map), new HelperProto[0]).run(ctx, 0);
        assertThat(r0).isEqualTo(1234L);
        assertThat(BpfMap.fromHandle(AddressSpace.get(ctx.stack.bytes, Interpreter.STACK_SIZE - 8, 8))).isSameAs(map);
        map.close();
    }

    @Test
    void shouldUpdateMapValueInPlaceThroughLookupPointer() {
        TestArrayMap map = new TestArrayMap("m", 8, 2, true);
        HelperProto[] helpers = new HelperProto[2];
        helpers[1] = new HelperProto(1, "map_lookup_elem", RetType.PTR_TO_MAP_VALUE_OR_NULL,
                List.of(ArgType.CONST_MAP_PTR, ArgType.PTR_TO_MAP_KEY), (ctx, r1, r2, r3, r4, r5) -> {
                    byte[] key = new byte[4];
                    ctx.memory.read(r2, key, 0, 4);
                    return BpfMap.fromHandle(r1).lookupElem(key, 0, ctx.cpu);
                });
        long[] insns = prog(st(BPF_W, 10, -4, 1), movx(2, 10), alu64(BPF_ADD, 2, -4),
                Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 0), Insn.make(0, 0, 0, 0, 0),
                call(1), jmp(BPF_JEQ, 0, 0, 3), mov(1, 5), atomic(BPF_DW, 0, 1, 0, BPF_ADD), mov(0, 1), exit());
        Interpreter vm = new Interpreter(program(insns, map), helpers);
        ExecutionContext ctx = context(new byte[0]);
        vm.run(ctx, 0);
        vm.run(ctx, 0);
        assertThat(AddressSpace.get(map.values, 8, 8)).isEqualTo(10L);
        map.close();
    }

    @Test
    void shouldApplyEveryAtomicOperation() {
        byte[] m = new byte[64];
        AddressSpace.put(m, 0, 8, 0b1100);
        AddressSpace.put(m, 8, 4, 100);
        long r0 = run(m, mov(2, 0b1010), atomic(BPF_DW, 1, 2, 0, BPF_AND | BPF_FETCH), // r2 = old 0b1100
                mov(3, 1), atomic(BPF_DW, 1, 3, 0, BPF_OR),                                  // 0b1000 | 1
                mov(4, 0xff), atomic(BPF_DW, 1, 4, 0, BPF_XOR),                              // ^ 0xff
                mov(5, 7), atomic(BPF_W, 1, 5, 8, BPF_XCHG),                                 // r5 = 100
                mov(0, 7), mov(6, 9), atomic(BPF_W, 1, 6, 8, BPF_CMPXCHG),                   // 7 == 7 -> 9
                alu64x(BPF_ADD, 0, 2), alu64x(BPF_ADD, 0, 5), exit());
        assertThat(AddressSpace.get(m, 0, 8)).isEqualTo((0b1000 | 1) ^ 0xff);
        assertThat(AddressSpace.get(m, 8, 4)).isEqualTo(9L);
        assertThat(r0).isEqualTo(7 + 0b1100 + 100);
    }

    @Test
    void shouldFailCmpxchgWhenValueDiffers() {
        byte[] m = new byte[64];
        AddressSpace.put(m, 0, 8, 5);
        long r0 = run(m, mov(0, 4), mov(2, 9), atomic(BPF_DW, 1, 2, 0, BPF_CMPXCHG), exit());
        assertThat(r0).isEqualTo(5L);
        assertThat(AddressSpace.get(m, 0, 8)).isEqualTo(5L);
    }

    @Test
    void shouldAddAtomicallyFromManyThreads() throws Exception {
        TestArrayMap map = new TestArrayMap("shared", 8, 1, true);
        long[] insns = prog(Insn.make(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 0),
                Insn.make(0, 0, 0, 0, 0), mov(2, 1), atomic(BPF_DW, 1, 2, 0, BPF_ADD), mov(0, 0), exit());
        Interpreter vm = new Interpreter(program(insns, map), new HelperProto[0]);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                ExecutionContext ctx = new ExecutionContext();
                for (int i = 0; i < 20_000; i++) {
                    vm.run(ctx, 0);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(AddressSpace.get(map.values, 0, 8)).isEqualTo(80_000L);
        map.close();
    }
}
