package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.ProgramRejectedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** C programs the verifier must refuse when prepared through BpfRuntime, with the reason in the message. */
class VerifierRejectionsE2eTest {
    private final E2e host = new E2e();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pkt_no_bounds  | invalid access to packet",
        "pkt_write_in   | cannot write into packet",
        "tc_classid     | invalid bpf_context access",
        "store_bytes_in | cannot use helper bpf_skb_store_bytes",
        "push_encap_out | cannot use helper bpf_lwt_push_encap",
        "null_deref     | map_value_or_null",
        "value_oob      | invalid access to map value",
        "uninit_key     | invalid read from stack", // Linux accepts this from root: see VerifierAgreementTest
    })
    void shouldRejectWithTheKernelsReason(String program, String reason) {
        LoadedObject obj = host.open("e2e/rejects.o");
        assertThatThrownBy(() -> obj.prepare(program))
                .isInstanceOf(ProgramRejectedException.class)
                .hasMessageContaining(program)
                .hasMessageContaining(reason);
    }

    @Test
    void shouldAcceptTheSameShapeDoneRight() {
        LoadedObject obj = host.open("e2e/rejects.o");
        assertThat(obj.prepare("accepted").verification().processedInsns()).isPositive();
    }

    @Test
    void shouldKeepTheLogOfARejection() {
        LoadedObject obj = host.open("e2e/rejects.o");
        ProgramRejectedException e = org.junit.jupiter.api.Assertions.assertThrows(ProgramRejectedException.class,
                () -> obj.prepare("null_deref"));
        assertThat(e.log()).isNotEmpty();
        assertThat(e.insnIndex()).isGreaterThanOrEqualTo(0);
    }
}
