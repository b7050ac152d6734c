package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A real LWT hook (LwtRunner), as the router runs programs: cb hidden from the program and restored. */
class LwtRunnerE2eTest {
    private final E2e host = new E2e();

    @Test
    void shouldHideAndRestoreCbAroundARealHookRun() {
        LoadedProgram prog = host.prepare("lwt/set_mark_cb.o", "set_mark_cb");
        SkBuff skb = SkBuff.of(Packets.ping4(), ProgTestRun.HEADROOM);
        skb.cb[0] = 7;
        skb.cb[1] = 8;

        long rc = host.runner.run(prog, skb, 3);

        assertThat(rc).isZero();
        assertThat(skb.mark).isEqualTo(42);
        assertThat(skb.priority).isEqualTo(7);
        assertThat(skb.cb).containsExactly(7, 8, 0, 0, 0);
        assertThat(host.trace).containsExactly("len 84 proto 8 cb0 0");
    }

    @Test
    void shouldReturnEveryLwtReturnCodeUnchangedForTheRouterToInterpret() {
        LwtRunner runner = host.runner;
        byte[] ping = Packets.ping4();
        assertThat(runner.run(host.prepare("lwt/set_mark_cb.o", "set_mark_cb"), SkBuff.of(ping, 64), 3))
                .as("BPF_OK").isEqualTo(0);
        assertThat(runner.run(host.prepare("lwt/drop_all.o", "drop_xmit"), SkBuff.of(ping, 64), 3))
                .as("BPF_DROP").isEqualTo(2);
        LoadedObject illegal = host.open("lwt/illegal_ret.o");
        assertThat(runner.run(illegal.prepare("redirect_without_target"), SkBuff.of(ping, 64), 3))
                .as("BPF_REDIRECT").isEqualTo(7);
        assertThat(runner.run(illegal.prepare("illegal_ret"), SkBuff.of(ping, 64), 3)).as("illegal").isEqualTo(3);
        SkBuff encap = SkBuff.of(ping, 64);
        assertThat(runner.run(host.prepare("lwt/gre_encap.o", "gre_encap_xmit"), encap, 3))
                .as("BPF_LWT_REROUTE").isEqualTo(128);
        assertThat(encap.len).isEqualTo(84 + 24);
    }

    @Test
    void shouldRunTailCallsAtARealHook() {
        SkBuff skb = SkBuff.of(Packets.ping4(), 64);
        assertThat(host.runner.run(host.prepare("e2e/tail_loop.o", "loop"), skb, 3)).isZero();
        assertThat(skb.mark).isEqualTo(34);
    }
}
