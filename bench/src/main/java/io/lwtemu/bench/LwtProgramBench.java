package io.lwtemu.bench;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import io.lwtemu.ebpf.vm.ExecutionContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whole LWT program runs through {@link LwtRunner}, as a router does per packet: verified real C programs
 * on one reused skb. Each run's instruction count is printed at setup, so ns/run converts to
 * instructions/s (count / ns).
 * <ul>
 *   <li>{@code flowStats}: map-heavy, a hash flow table (lookup + 2 atomic adds) and 3 per-CPU array
 *       counters per packet (bench/src/main/bpf/flow_stats.c);</li>
 *   <li>{@code counters}: the LWT test program counters.o (hash, per-CPU array, array, skb_load_bytes,
 *       get_hash_recalc);</li>
 *   <li>{@code ipipEncap}: bpf_lwt_push_encap of an outer IPv4 header (ipip_encap.o); the skb is put back
 *       to the 84-byte ping before every run so the packet does not grow;</li>
 *   <li>{@code csumCopy}: one bpf_skb_load_bytes of a 1500-byte packet into a per-CPU map value, then a
 *       bounded loop summing its 750 words (bench/src/main/bpf/csum_copy.c, ~5300 instructions per run);</li>
 *   <li>{@code csumLoop}: the same sum as a bounded loop of direct packet reads
 *       (bench/src/main/bpf/csum_loop.c, ~6000 instructions per run).</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar LwtProgramBench}; compare with the kernel through
 * {@code bpftool prog run pinned P data_in F repeat 1000000} (see BENCHMARKS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LwtProgramBench {
    /** An 84-byte IPv4 ICMP echo request 10.0.0.1 -> 10.0.0.2, as the LWT test programs' headers use. */
    static final byte[] PING = ipv4(84, 1);
    /** A 1500-byte IPv4 UDP-protocol packet with a patterned payload. */
    static final byte[] FULL_MTU = ipv4(1500, 17);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One program, one runner, one skb: the per-thread state a router's forwarding thread keeps. */
    public abstract static class ProgramState {
        LoadedProgram program;
        final LwtRunner runner = new LwtRunner();
        SkBuff skb;
        byte[] packet;
        /** Runs so far and the thread's CPU time at the iteration's start: CPU ns/run despite a loaded machine. */
        long runs;
        private long iterationRuns;
        private long iterationCpuNs;

        abstract String object();

        abstract String section();

        abstract byte[] packet();

        /**
         * Instructions one run executes (the programs are deterministic on their packet), counted with an
         * interpreter that reported {@code ExecutionContext.instructionsExecuted}; used when the running
         * interpreter no longer has that field.
         */
        abstract long knownInstructions();

        /** Instructions per run: measured when the interpreter counts them, else {@link #knownInstructions()}. */
        long instructions;

        @Setup(Level.Trial)
        public void setup() {
            Path file = extract(object());
            try {
                program = new BpfRuntime(1).open(file, null).prepare(section());
            } finally {
                file.toFile().delete();
            }
            packet = packet();
            skb = SkBuff.of(packet, ProgTestRun.HEADROOM);
            long r0;
            try {
                r0 = runner.run(program, skb, 1);
            } catch (RuntimeException e) {
                throw new IllegalStateException(object() + " " + section() + " faults on its first run: " + e, e);
            }
            long counted = countedInstructions(runner.context());
            instructions = counted >= 0 ? counted : knownInstructions();
            System.out.printf("%n%s %s: r0 %d, %d instructions per run (%s)%n", object(), section(), r0,
                    instructions, counted >= 0 ? "counted by the interpreter" : "known count");
            restore();
        }

        /** Puts the skb back to the original packet (head, data offset, length). */
        final void restore() {
            System.arraycopy(packet, 0, skb.head, ProgTestRun.HEADROOM, packet.length);
            skb.data = ProgTestRun.HEADROOM;
            skb.len = packet.length;
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            iterationRuns = runs;
            iterationCpuNs = THREADS.getCurrentThreadCpuTime();
        }

        /**
         * Prints the thread's CPU time per run: JMH's score is wall time, which on a shared 2-core machine
         * includes the time other processes ran; the CPU time does not.
         */
        @TearDown(Level.Iteration)
        public void endIteration() {
            long n = runs - iterationRuns;
            if (n > 0) {
                double ns = (double) (THREADS.getCurrentThreadCpuTime() - iterationCpuNs) / n;
                System.out.printf(" [cpu %.1f ns/run, %.1f M insns/s of CPU time] ", ns,
                        instructions / ns * 1000);
            }
        }

    }

    @State(Scope.Thread)
    public static class FlowStats extends ProgramState {
        @Override
        long knownInstructions() {
            return 72;
        }

        @Override
        String object() {
            return "flow_stats.o";
        }

        @Override
        String section() {
            return "flow_stats";
        }

        @Override
        byte[] packet() {
            return PING;
        }
    }

    @State(Scope.Thread)
    public static class Counters extends ProgramState {
        @Override
        long knownInstructions() {
            return 44;
        }

        @Override
        String object() {
            return "counters.o";
        }

        @Override
        String section() {
            return "count";
        }

        @Override
        byte[] packet() {
            return PING;
        }
    }

    @State(Scope.Thread)
    public static class IpipEncap extends ProgramState {
        @Override
        long knownInstructions() {
            return 29;
        }

        @Override
        String object() {
            return "ipip_encap.o";
        }

        @Override
        String section() {
            return "ipip_encap";
        }

        @Override
        byte[] packet() {
            return PING;
        }
    }

    @State(Scope.Thread)
    public static class CsumLoop extends ProgramState {
        @Override
        long knownInstructions() {
            return 6766;
        }

        @Override
        String object() {
            return "csum_loop.o";
        }

        @Override
        String section() {
            return "csum_loop";
        }

        @Override
        byte[] packet() {
            return FULL_MTU;
        }
    }

    @State(Scope.Thread)
    public static class CsumCopy extends ProgramState {
        @Override
        long knownInstructions() {
            return 5278;
        }

        @Override
        String object() {
            return "csum_copy.o";
        }

        @Override
        String section() {
            return "csum_copy";
        }

        @Override
        byte[] packet() {
            return FULL_MTU;
        }
    }

    @Benchmark
    public long flowStats(FlowStats s) {
        s.runs++;
        return s.runner.run(s.program, s.skb, 1);
    }

    @Benchmark
    public long counters(Counters s) {
        s.runs++;
        return s.runner.run(s.program, s.skb, 1);
    }

    @Benchmark
    public long ipipEncap(IpipEncap s) {
        s.runs++;
        s.restore();
        return s.runner.run(s.program, s.skb, 2);
    }

    @Benchmark
    public long csumCopy(CsumCopy s) {
        s.runs++;
        return s.runner.run(s.program, s.skb, 2);
    }

    @Benchmark
    public long csumLoop(CsumLoop s) {
        s.runs++;
        return s.runner.run(s.program, s.skb, 2);
    }

    /**
     * {@code ExecutionContext.instructionsExecuted} of the last run, or -1 when the interpreter does not
     * count (read reflectively, once per trial, so the benchmark builds against either interpreter).
     */
    static long countedInstructions(ExecutionContext ctx) {
        try {
            Field f = ExecutionContext.class.getField("instructionsExecuted");
            return f.getLong(ctx);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return -1;
        }
    }

    static Path extract(String object) {
        try (InputStream in = LwtProgramBench.class.getResourceAsStream("/bpf/" + object)) {
            if (in == null) {
                throw new IllegalStateException("bpf/" + object + " is not on the class path");
            }
            Path file = Files.createTempFile("lwtemu-bench-", "-" + object);
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ipv4(int length, int protocol) {
        byte[] p = new byte[length];
        p[0] = 0x45;
        p[2] = (byte) (length >> 8);
        p[3] = (byte) length;
        p[4] = 0x12;
        p[5] = 0x34;
        p[6] = 0x40;
        p[8] = 64;
        p[9] = (byte) protocol;
        p[12] = 10;
        p[15] = 1;
        p[16] = 10;
        p[19] = 2;
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = ~((sum & 0xffff) + (sum >>> 16));
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        if (protocol == 1) {
            // ICMP echo request id 1 seq 1 with 56 zero bytes: checksum 0xf7ff.
            p[20] = 8;
            p[22] = (byte) 0xf7;
            p[23] = (byte) 0xff;
            p[25] = 1;
            p[27] = 1;
        } else {
            for (int i = 20; i < length; i++) {
                p[i] = (byte) ((i - 20) * 7);
            }
        }
        return p;
    }
}
