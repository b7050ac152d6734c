package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.maps.MapType;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.prog.ProgramType.*;

class ZzPrintTest {
    @Test
    void print() throws Exception {
        String[][] cases = {{"accept_counter.o", "count_proto", "o"}, {"accept_rewrite.o", "rewrite_unrolled", "x"},
                {"accept_rewrite.o", "rewrite_loop", "x"}, {"accept_rewrite.o", "sum_payload", "i"},
                {"accept_encap.o", "encap_ipip", "x"}, {"accept_encap.o", "encap_gre", "i"},
                {"accept_parse.o", "parse_ports", "i"}};
        for (String[] c : cases) {
            var t = c[2].equals("o") ? LWT_OUT : c[2].equals("x") ? LWT_XMIT : LWT_IN;
            var r = VerifierObjectTest.verify(c[0], c[1], t, VerifierObjectTest.map("counters", MapType.ARRAY, 4, 8));
            System.out.println("ZZ " + c[1] + " " + r.log().get(r.log().size() - 1));
        }
    }
}
