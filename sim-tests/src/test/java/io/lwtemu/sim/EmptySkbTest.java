package io.lwtemu.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The kernel's prog_tests/empty_skb for LWT xmit: a test run of a program that calls bpf_clone_redirect. The
 * kernel's data_in carries a 14-byte Ethernet header in front of the L3 packet that an LWT program sees; lwtemu's
 * test run takes the L3 packet itself. So the kernel's 14-byte input is an empty packet here: clone_redirect
 * refuses it with -ERANGE; a packet with something in it is cloned (0).
 */
class EmptySkbTest {
    private static LoadedProgram program() {
        return new BpfRuntime(1).open(Path.of("src/test/bpf/empty_skb.o"), ProgramType.LWT_XMIT).prepare("lwt_xmit");
    }

    @Test
    void shouldRefuseToCloneAnEmptyPacketWithErange() {
        ProgTestRun.Output out = ProgTestRun.run(program(), ProgTestRun.Input.of(new byte[0]));

        assertThat(out.error()).isNull();
        assertThat((int) out.retval()).isEqualTo(-Errno.ERANGE);
    }

    @Test
    void shouldCloneAPacketWithData() {
        ProgTestRun.Output out = ProgTestRun.run(program(), ProgTestRun.Input.of(new byte[] {0}));

        assertThat(out.error()).isNull();
        assertThat(out.retval()).isZero();
    }
}
