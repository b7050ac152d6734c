package io.lwtemu.node.config;

import io.lwtemu.node.fib.IpAddress;
import java.util.List;

/** The {@code encap ...} part of {@code ip route}: what lightweight tunnel the route carries. */
public sealed interface EncapSpec {

    /** {@code encap bpf [in ...] [out ...] [xmit ...] [headroom N]}; absent hooks are null. */
    record Bpf(ProgRef in, ProgRef out, ProgRef xmit, int headroom) implements EncapSpec {
        /** LWT_BPF_MAX_HEADROOM of net/core/lwt_bpf.c. */
        public static final int MAX_HEADROOM = 256;
    }

    /** {@code encap seg6 mode encap|inline|l2encap segs A,B,...}: segments in travel order. */
    record Seg6(Mode mode, List<IpAddress> segments) implements EncapSpec {
        public enum Mode { ENCAP, INLINE, L2ENCAP }
    }

    /**
     * {@code encap seg6local action ACTION [nh4 A] [nh6 A] [table N] [endpoint obj F section S]}; fields that the
     * action does not use are null / 0.
     */
    record Seg6Local(Action action, IpAddress nh4, IpAddress nh6, int table, ProgRef program) implements EncapSpec {
        /** SEG6_LOCAL_ACTION_* with iproute2's spelling. */
        public enum Action {
            END("End"), END_X("End.X"), END_T("End.T"), END_DX2("End.DX2"), END_DX4("End.DX4"),
            END_DX6("End.DX6"), END_DT4("End.DT4"), END_DT6("End.DT6"), END_B6("End.B6"),
            END_B6_ENCAP("End.B6.Encaps"), END_BPF("End.BPF");

            public final String spelling;

            Action(String spelling) {
                this.spelling = spelling;
            }
        }
    }
}
