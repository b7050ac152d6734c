package io.lwtemu.bench;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.CompiledProgram;
import io.lwtemu.ebpf.vm.Interpreter;
import io.lwtemu.ebpf.vm.JitCompiler;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Interpreter throughput on two hand-assembled programs over a 1500-byte packet:
 * <ul>
 *   <li>{@code checksumLoop}: a bounded loop summing the packet as 16-bit words and folding the sum
 *       ({@value #CHECKSUM_INSNS} instructions per run: 4 set-up, 4 per 16-bit word, 9 to fold and exit) —
 *       the number to compare with a C interpreter;</li>
 *   <li>{@code straightLine}: {@value #STRAIGHT_INSNS} instructions, two packet loads and ALU work, no branches.</li>
 * </ul>
 * Instructions per second = instructions per run / time per run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InterpreterBench {
    static final int PACKET_LEN = 1500;
    /** Instructions one run of {@link #checksumLoop} executes. */
    public static final int CHECKSUM_INSNS = 4 + 4 * PACKET_LEN / 2 + 9;
    /** Instructions one run of {@link #straightLine} executes. */
    public static final int STRAIGHT_INSNS = 3 + 16 * 8 + 1;

    private ExecutionContext ctx;
    private Interpreter checksum;
    private Interpreter straight;
    private CompiledProgram checksumJit;
    private CompiledProgram straightJit;
    private long packet;

    @Setup
    public void setup() {
        ctx = new ExecutionContext();
        byte[] bytes = new byte[PACKET_LEN];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        ctx.memory.set(AddressSpace.PACKET,
                new MemoryRegion(MemoryRegion.Kind.PACKET, "packet", bytes, 0, bytes.length, true));
        packet = Pointer.of(AddressSpace.PACKET, 0);
        HelperProto[] none = new HelperProto[0];
        checksum = new Interpreter(program("checksum", checksumProgram()), none);
        straight = new Interpreter(program("straight", straightLineProgram()), none);
        checksumJit = JitCompiler.compile(checksum);
        straightJit = JitCompiler.compile(straight);
        if (checksumJit == null || straightJit == null) {
            throw new IllegalStateException("JIT refused a benchmark program");
        }
        if (checksumJit.run(ctx, packet) != checksum.run(ctx, packet)
                || straightJit.run(ctx, packet) != straight.run(ctx, packet)) {
            throw new IllegalStateException("JIT and interpreter disagree");
        }
    }

    @Benchmark
    public long checksumLoop() {
        return checksum.run(ctx, packet);
    }

    @Benchmark
    public long straightLine() {
        return straight.run(ctx, packet);
    }

    /** {@link #checksumLoop} compiled by the {@link JitCompiler}. */
    @Benchmark
    public long checksumLoopJit() {
        return checksumJit.run(ctx, packet);
    }

    /** {@link #straightLine} compiled by the {@link JitCompiler}. */
    @Benchmark
    public long straightLineJit() {
        return straightJit.run(ctx, packet);
    }

    static BpfProgram program(String name, long[] insns) {
        return new BpfProgram(name, "bench", ProgramType.UNSPEC, insns, List.of(), "GPL");
    }

    /** r0 = ones'-complement-style sum of the packet's 16-bit words, folded to 16 bits. */
    static long[] checksumProgram() {
        return new long[] {
            Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 2, 1, 0, 0),          // r2 = r1 (cursor)
            Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 3, 1, 0, 0),          // r3 = r1
            Insn.make(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, PACKET_LEN), // r3 += len (end)
            Insn.make(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),          // r0 = 0
            Insn.make(BPF_LDX | BPF_MEM | BPF_H, 4, 2, 0, 0),            // loop: r4 = *(u16 *)(r2 + 0)
            Insn.make(BPF_ALU64 | BPF_ADD | BPF_X, 0, 4, 0, 0),          // r0 += r4
            Insn.make(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, 2),          // r2 += 2
            Insn.make(BPF_JMP | BPF_JLT | BPF_X, 2, 3, -4, 0),           // if r2 < r3 goto loop
            Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0),          // fold: r1 = r0
            Insn.make(BPF_ALU64 | BPF_RSH | BPF_K, 1, 0, 0, 16),         // r1 >>= 16
            Insn.make(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 0xffff),     // r0 &= 0xffff
            Insn.make(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 0),          // r0 += r1
            Insn.make(BPF_ALU64 | BPF_MOV | BPF_X, 1, 0, 0, 0),          // r1 = r0
            Insn.make(BPF_ALU64 | BPF_RSH | BPF_K, 1, 0, 0, 16),         // r1 >>= 16
            Insn.make(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 0),          // r0 += r1
            Insn.make(BPF_ALU | BPF_XOR | BPF_K, 0, 0, 0, 0xffff),       // w0 ^= 0xffff
            Insn.make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
        };
    }

    /** A mix of loads and 32/64-bit ALU work with no branches. */
    static long[] straightLineProgram() {
        List<Long> p = new ArrayList<>();
        p.add(Insn.make(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 12, 0));            // r2 = saddr
        p.add(Insn.make(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 16, 0));            // r3 = daddr
        p.add(Insn.make(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0));
        for (int i = 0; i < 16; i++) {
            p.add(Insn.make(BPF_ALU64 | BPF_ADD | BPF_X, 0, 2, 0, 0));
            p.add(Insn.make(BPF_ALU64 | BPF_XOR | BPF_X, 0, 3, 0, 0));
            p.add(Insn.make(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 3));
            p.add(Insn.make(BPF_ALU | BPF_ADD | BPF_K, 2, 0, 0, 0x9e3779b9));
            p.add(Insn.make(BPF_ALU64 | BPF_MUL | BPF_K, 3, 0, 0, 31));
            p.add(Insn.make(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 7));
            p.add(Insn.make(BPF_ALU64 | BPF_OR | BPF_X, 0, 3, 0, 0));
            p.add(Insn.make(BPF_ALU | BPF_MOV | BPF_X, 0, 0, 0, 0));
        }
        p.add(Insn.make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        return p.stream().mapToLong(Long::longValue).toArray();
    }
}
