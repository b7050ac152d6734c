package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Programs that use {@code skb->data} / {@code skb->data_end} (the commonest way to read a packet). In
 * the kernel {@code convert_ctx_accesses} turns the 4-byte loads of these fields into full pointer loads;
 * lwtemu's context hands out full pointers, but the interpreter keeps only the low 32 bits of a 4-byte load.
 */
class DirectPacketAccessTest {
    private final E2e host = new E2e();

    @Test
    void shouldReadThePacketThroughSkbData() {
        // rewrite_daddr reads iph->version/ihl and daddr through skb->data before any helper call.
        ProgTestRun.Output out = host.run(host.prepare("lwt/rewrite_daddr_csum.o", "rewrite_daddr"), Packets.ping4());

        assertThat(out.error()).isNull();
        assertThat(out.packet()[19]).isEqualTo((byte) 3);
    }

    @Test
    void shouldEndWithAnErrorResultNotAnExceptionWhileTheBugLasts() {
        ProgTestRun.Output out = host.run(host.prepare("lwt/rewrite_daddr_csum.o", "rewrite_daddr"), Packets.ping4());

        if (out.error() != null) {
            assertThat(out.retval()).isZero();
            assertThat(out.error()).contains("rewrite_daddr");
        }
    }
}
