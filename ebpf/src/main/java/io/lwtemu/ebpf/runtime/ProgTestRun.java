package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;

/**
 * One program run on one L3 packet, as the kernel's {@code BPF_PROG_TEST_RUN} does for LWT programs
 * ({@code bpf_prog_test_run_skb}): the skb is on the loopback device (ifindex 1), mark, priority and cb
 * come from the input context and are what the program leaves behind (no cb hiding, unlike a real LWT
 * hook), and with {@code repeat > 1} the program runs that many times on the same skb.
 */
public final class ProgTestRun {
    /** Headroom the kernel gives a test-run skb on x86: NET_SKB_PAD (64) plus the pulled Ethernet header. */
    public static final int HEADROOM = 64 + 14;
    public static final int LOOPBACK_IFINDEX = 1;

    private ProgTestRun() {}

    /** Input of a test run. {@code cb} has 5 entries. */
    public record Input(byte[] packet, int mark, int priority, int[] cb, int repeat) {
        public Input {
            if (cb.length != 5) {
                throw new IllegalArgumentException("cb has 5 entries, got " + cb.length);
            }
            if (repeat < 1) {
                throw new IllegalArgumentException("repeat must be >= 1, got " + repeat);
            }
        }

        public static Input of(byte[] packet) {
            return new Input(packet, 0, 0, new int[5], 1);
        }
    }

    /**
     * Result of a test run.
     *
     * @param retval     the program's r0 (of the last run)
     * @param packet     the packet after the run
     * @param durationNs average nanoseconds per run
     * @param error      fault text when the program faulted (retval is then 0 and the packet as it was left), or
     *                   why the kernel would refuse the run (packet shorter than its IP header: nothing ran)
     */
    /**
     * Why the kernel refuses to run a packet (the syscall fails with EINVAL before the program runs), or null.
     * {@code bpf_prog_test_run_skb} pulls the network header of IPv4 and IPv6 packets first.
     */
    static String refuse(byte[] packet) {
        int protocol = SkBuff.protocolOf(packet);
        if (protocol == SkBuff.ETH_P_IP && packet.length < 20) {
            return "BPF_PROG_TEST_RUN: EINVAL: IPv4 packet of " + packet.length + " bytes is shorter than its header (20)";
        }
        if (protocol == SkBuff.ETH_P_IPV6 && packet.length < 40) {
            return "BPF_PROG_TEST_RUN: EINVAL: IPv6 packet of " + packet.length + " bytes is shorter than its header (40)";
        }
        return null;
    }

    public record Output(long retval, byte[] packet, int mark, int priority, int[] cb, long durationNs,
                         String error) {
    }

    public static Output run(LoadedProgram program, Input in) {
        return run(program, in, new LwtRunner());
    }

    public static Output run(LoadedProgram program, Input in, LwtRunner runner) {
        String refused = refuse(in.packet());
        if (refused != null) {
            return new Output(0, in.packet().clone(), in.mark(), in.priority(), in.cb().clone(), 0, refused);
        }
        SkBuff skb = SkBuff.of(in.packet(), HEADROOM);
        skb.mark = in.mark();
        skb.priority = in.priority();
        ExecutionContext ctx = runner.context();
        long retval = 0;
        String error = null;
        int[] cbOut = new int[5];
        long start = System.nanoTime();
        int runs = 0;
        try {
            for (; runs < in.repeat(); runs++) {
                long r1 = runner.lwtRun().begin(skb, program.program().type(), LOOPBACK_IFINDEX);
                // Test runs show the program the caller's cb and return what it wrote.
                runner.lwtRun().setProgramCb(runs == 0 ? in.cb() : cbOut);
                runner.lwtRun().setDevices(LOOPBACK_IFINDEX, 0);
                try {
                    retval = program.interpreter().run(ctx, r1);
                } finally {
                    System.arraycopy(runner.lwtRun().programCb(), 0, cbOut, 0, 5);
                    runner.lwtRun().end();
                }
            }
        } catch (BpfFault f) {
            retval = 0;
            error = "program " + program.name() + " faulted at insn " + f.pc() + ": " + f.getMessage();
        }
        long elapsed = System.nanoTime() - start;
        return new Output(retval, skb.toByteArray(), skb.mark, skb.priority, cbOut,
                elapsed / Math.max(1, runs), error);
    }
}
