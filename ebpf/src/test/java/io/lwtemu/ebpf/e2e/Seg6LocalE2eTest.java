package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.e2e.Packets.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** The End.BPF helpers (lwt_seg6local), which the kernel cannot test-run: lwtemu runs them with the SRH state set. */
class Seg6LocalE2eTest {
    private final E2e host = new E2e();

    @Test
    void shouldFailTheHelpersWithoutAnSrh() {
        ProgTestRun.Output out = host.run(host.prepare("e2e/seg6local.o", "end_bpf"), Packets.udp6(20));
        assertThat(out.error()).isNull();
        assertThat(out.retval()).isZero();
        assertThat(out.cb()[0]).isEqualTo(-22); // -EINVAL: no SRH state (srh_state->srh == NULL)
        assertThat(out.packet()).isEqualTo(Packets.udp6(20));
    }

    @Test
    void shouldStoreTagGrowSrhAndRequestEndT() {
        byte[] in = Packets.srh6(4);
        ProgTestRun.Output out = host.run(host.prepare("e2e/seg6local.o", "end_bpf"), in);

        assertThat(out.error()).isNull();
        assertThat(out.retval()).as("BPF_REDIRECT: the action routed the packet").isEqualTo(7);
        assertThat(out.cb()).containsExactly(0, 0, 0, 0, 0);
        byte[] srh = Packets.concat(new byte[] {17, 5, 4, 0, 1, 0, 0x0b, (byte) 0xad}, Packets.DST6,
                Packets.addr6(0xfc, 0xe1), new byte[] {4, 6, 0, 0, 0, 0, 0, 0});
        byte[] expected = Packets.ipv6(43, Packets.SRC6, Packets.DST6,
                Packets.concat(srh, Packets.slice(in, 80, in.length)));
        assertThat(hex(out.packet())).isEqualTo(hex(expected));
        assertThat(host.runner.context().seg6Route.action()).isEqualTo(3); // END_T
        assertThat(host.runner.context().seg6Route.table()).isEqualTo(254);
    }
}
