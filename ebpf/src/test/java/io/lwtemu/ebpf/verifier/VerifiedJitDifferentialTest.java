package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.LwtHelpers;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.Maps;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuffLayout;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import io.lwtemu.ebpf.vm.BpfExecutable;
import io.lwtemu.ebpf.vm.CompiledProgram;
import io.lwtemu.ebpf.vm.Interpreter;
import io.lwtemu.ebpf.vm.JitCompiler;
import io.lwtemu.ebpf.vm.VerifiedAccess;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JIT's verified fast paths (stack, map value, packet and {@code __sk_buff} accesses without run-time checks,
 * helpers called per site) against the interpreter and the fully checked JIT: random LWT programs the verifier
 * accepts, run on packets of several lengths with random mark, priority and cb, must give the same retval, packet,
 * mark, priority, cb, fault and map contents on all three engines.
 */
class VerifiedJitDifferentialTest {
    private static final MapDefinition VALUES = new MapDefinition("values", MapType.ARRAY, 4, 24, 4, 0, 0);
    /** Keys 0..2 present: its values are regions of their own, apart from the array's. */
    private static final MapDefinition TABLE = new MapDefinition("table", MapType.HASH, 4, 24, 8, 0, 0);
    private static final int[] LOAD_FIELDS = {SkBuffLayout.LEN, SkBuffLayout.PKT_TYPE, SkBuffLayout.MARK,
            SkBuffLayout.QUEUE_MAPPING, SkBuffLayout.PROTOCOL, SkBuffLayout.VLAN_PRESENT, SkBuffLayout.VLAN_TCI,
            SkBuffLayout.VLAN_PROTO, SkBuffLayout.PRIORITY, SkBuffLayout.INGRESS_IFINDEX, SkBuffLayout.IFINDEX,
            SkBuffLayout.TC_INDEX, SkBuffLayout.CB, SkBuffLayout.CB + 4, SkBuffLayout.CB + 8, SkBuffLayout.CB + 12,
            SkBuffLayout.CB + 16, SkBuffLayout.HASH, SkBuffLayout.NAPI_ID, SkBuffLayout.GSO_SEGS,
            SkBuffLayout.GSO_SIZE};
    private static final int[] SIZES = {BPF_B, BPF_H, BPF_W, BPF_DW};
    private static final int[] BYTES = {1, 2, 4, 8};

    @Test
    void shouldAgreeWithTheInterpreterAndTheCheckedJitOnRandomVerifiedPrograms() {
        Random rnd = new Random(20261122);
        int compared = 0;
        int fastAccesses = 0;
        for (int n = 0; n < 1500; n++) {
            ProgramType type = rnd.nextInt(4) == 0 ? ProgramType.LWT_IN : ProgramType.LWT_XMIT;
            long[] insns = rnd.nextInt(4) == 0 ? VerifierFuzzTest.structuredProgram(rnd) : lwtProgram(rnd, type);
            Engines e;
            try {
                e = new Engines(insns, type);
            } catch (VerifierException rejected) {
                continue;
            }
            fastAccesses += e.verifiedAccesses;
            for (int k = 0; k < 3; k++) {
                byte[] packet = packet(rnd, new int[] {8, 20, 34, 60, 84}[rnd.nextInt(5)]);
                int[] cb = {rnd.nextInt(), rnd.nextInt(), 0, rnd.nextInt(3), -1};
                ProgTestRun.Input in = new ProgTestRun.Input(packet, rnd.nextInt(), rnd.nextInt(16), cb, 1);
                e.compare(in, "program " + n + " run " + k + " " + Arrays.toString(insns));
            }
            compared++;
        }
        assertThat(compared).as("programs compared").isGreaterThan(600);
        assertThat(fastAccesses).as("accesses the verified JIT takes unchecked").isGreaterThan(10_000);
    }

    /** The same bytecode prepared three ways, each with maps of its own. */
    private static final class Engines {
        final BpfProgram[] programs = new BpfProgram[3];
        final LoadedProgram[] loaded = new LoadedProgram[3];
        final LwtRunner runner = new LwtRunner();
        int verifiedAccesses;

        Engines(long[] insns, ProgramType type) {
            HelperProto[] helpers = LwtHelpers.forType(type);
            for (int i = 0; i < 3; i++) {
                BpfMap values = Maps.create(VALUES, 2);
                BpfMap table = Maps.create(TABLE, 2);
                for (int key = 0; key < 3; key++) {
                    table.update(new byte[] {(byte) key, 0, 0, 0}, new byte[24], 0);
                }
                programs[i] = new BpfProgram("fuzz", "fuzz", type, insns, List.of(values, table), "GPL");
            }
            VerifierResult result = Verifier.verify(programs[0], VerifierEnv.forType(type,
                    id -> id >= 0 && id < helpers.length ? helpers[id] : null));
            for (byte k : result.accessKinds()) {
                if (k == VerifiedAccess.STACK || k == VerifiedAccess.MAP_VALUE || k == VerifiedAccess.PACKET
                        || k == VerifiedAccess.CONTEXT) {
                    verifiedAccesses++;
                }
            }
            Interpreter interpreter = new Interpreter(programs[0], helpers);
            Interpreter forChecked = new Interpreter(programs[1], helpers);
            Interpreter forVerified = new Interpreter(programs[2], helpers);
            CompiledProgram checked = JitCompiler.compile(forChecked);
            JitCompiler.JitClass verified = JitCompiler.compileClass(forVerified, result.accessKinds());
            assertThat(checked).as("checked JIT").isNotNull();
            assertThat(verified).as("verified JIT").isNotNull();
            BpfExecutable[] engines = {interpreter, checked, verified.instantiate(forVerified)};
            for (int i = 0; i < 3; i++) {
                loaded[i] = new LoadedProgram(programs[i], engines[i], result);
            }
        }

        void compare(ProgTestRun.Input in, String what) {
            Outcome expected = run(0, in);
            assertThat(run(1, in)).as("checked JIT, " + what).isEqualTo(expected);
            assertThat(run(2, in)).as("verified JIT, " + what).isEqualTo(expected);
        }

        Outcome run(int i, ProgTestRun.Input in) {
            ProgTestRun.Output out = ProgTestRun.run(loaded[i], in, runner);
            List<String> contents = new ArrayList<>();
            for (BpfMap map : programs[i].maps()) {
                for (int key = 0; key < 4; key++) {
                    contents.add(Arrays.toString(map.lookup(new byte[] {(byte) key, 0, 0, 0})));
                }
            }
            String error = out.error() == null ? null : out.error().replaceAll("0x[0-9a-f]+", "ADDR");
            return new Outcome(out.retval(), Arrays.toString(out.packet()), out.mark(), out.priority(),
                    Arrays.toString(out.cb()), error, contents);
        }
    }

    record Outcome(long retval, String packet, int mark, int priority, String cb, String error, List<String> maps) {
    }

    private static byte[] packet(Random rnd, int len) {
        byte[] p = new byte[len];
        rnd.nextBytes(p);
        p[0] = 0x45;
        return p;
    }

    /**
     * r6 = ctx; context loads (full and narrow) spilled to the stack; context stores to mark, priority and cb; a
     * map lookup whose value is read and written at random offsets and sizes; a packet range check followed by
     * reads and (xmit) writes inside it; stack reloads; r0 mixes what was loaded.
     */
    static long[] lwtProgram(Random rnd, ProgramType type) {
        Asm a = Asm.prog();
        a.movReg(6, 1).mov(7, 0).mov(8, 0);
        int spills = 1 + rnd.nextInt(4);
        for (int i = 0; i < spills; i++) {
            int field = LOAD_FIELDS[rnd.nextInt(LOAD_FIELDS.length)];
            int size = field >= SkBuffLayout.CB && field < SkBuffLayout.CB_END ? rnd.nextInt(3) : 2;
            if (rnd.nextInt(4) == 0) {
                size = rnd.nextInt(3); // narrow
            }
            int off = field + (size == 2 ? 0 : rnd.nextInt(4 / BYTES[size]) * BYTES[size]);
            a.ldx(SIZES[size], 2, 6, off).stx(BPF_DW, 10, 2, -8 * (i + 1)).aluReg(BPF_XOR, 7, 2);
        }
        if (rnd.nextBoolean()) {
            a.stx(BPF_W, 6, 7, SkBuffLayout.MARK);
        }
        if (rnd.nextBoolean()) {
            a.st(BPF_W, 6, SkBuffLayout.PRIORITY, rnd.nextInt(100));
        }
        if (rnd.nextBoolean()) {
            int size = rnd.nextInt(4);
            int off = SkBuffLayout.CB + rnd.nextInt(20 / BYTES[size]) * BYTES[size];
            if (off + BYTES[size] <= SkBuffLayout.CB_END) {
                a.stx(SIZES[size], 6, 7, off);
            }
        }
        // two map values (r9 from the array, r0 from the array or the hash table), accessed in random order
        a.st(BPF_W, 10, -40, rnd.nextInt(5)).ldMap(1, 0).movReg(2, 10).alu(BPF_ADD, 2, -40).call(Asm.MAP_LOOKUP)
                .movReg(9, 0)
                .st(BPF_W, 10, -44, rnd.nextInt(5)).ldMap(1, rnd.nextInt(2)).movReg(2, 10).alu(BPF_ADD, 2, -44).call(Asm.MAP_LOOKUP);
        int ops = 1 + rnd.nextInt(6);
        a.jmp(BPF_JEQ, 9, 0, 1 + 3 * ops).jmp(BPF_JEQ, 0, 0, 3 * ops);
        for (int i = 0; i < ops; i++) {
            int size = rnd.nextInt(4);
            int off = rnd.nextInt(24 / BYTES[size]) * BYTES[size];
            int base = rnd.nextBoolean() ? 0 : 9;
            if (rnd.nextBoolean()) {
                a.ldx(SIZES[size], 3, base, off).aluReg(BPF_ADD, 8, 3).mov(3, 0);
            } else {
                a.stx(SIZES[size], base, 7, off).alu(BPF_ADD, 7, 3).st(SIZES[size], base, off, rnd.nextInt(1000));
            }
        }
        // packet
        int range = 1 + rnd.nextInt(40);
        int pops = 1 + rnd.nextInt(4);
        a.ldx(BPF_W, 2, 6, SkBuffLayout.DATA).ldx(BPF_W, 3, 6, SkBuffLayout.DATA_END).movReg(4, 2)
                .alu(BPF_ADD, 4, range).jmpReg(BPF_JGT, 4, 3, 2 * pops);
        for (int i = 0; i < pops; i++) {
            int size = rnd.nextInt(4);
            while (BYTES[size] > range) {
                size--;
            }
            int off = rnd.nextInt(range - BYTES[size] + 1);
            if (type == ProgramType.LWT_XMIT && rnd.nextBoolean()) {
                a.stx(SIZES[size], 2, 8, off).alu(BPF_ADD, 8, 1);
            } else {
                a.ldx(SIZES[size], 5, 2, off).aluReg(BPF_XOR, 7, 5);
            }
        }
        // stack reloads, narrow ones included
        for (int i = 0; i < spills; i++) {
            int size = rnd.nextInt(4);
            a.ldx(SIZES[size], 5, 10, -8 * (i + 1) + rnd.nextInt(8 / BYTES[size]) * BYTES[size])
                    .aluReg(BPF_ADD, 8, 5);
        }
        return a.movReg(0, 7).aluReg(BPF_XOR, 0, 8).exit().insns();
    }
}
