package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.ExecutionContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static io.lwtemu.ebpf.helpers.Seg6LocalHelpers.*;
import static org.assertj.core.api.Assertions.assertThat;

class Seg6LocalHelpersTest {
    /** IPv6 with a 2-segment SRH (40 bytes) and a UDP payload. */
    private static final String SRV6 = "6000 0000 0034 2b40 2001 0db8 0000 0000 0000 0000 0000 0001"
            + "fc00 0000 0000 0000 0000 0000 0000 0001"
            + "11 04 04 01 01 00 0000" + "2001 0db8 0000 0000 0000 0000 0000 0002"
            + "fc00 0000 0000 0000 0000 0000 0000 0001" + "04d2 162e 000c 0000 6162 6364";

    private HelperFixture f;

    @BeforeEach
    void prepare() {
        f = new HelperFixture(ProgramType.LWT_SEG6LOCAL, SRV6); // LwtRun.begin prepares the SRH state
    }

    @Test
    void shouldFindSrhOfPacket() {
        assertThat(f.ctx.seg6SrhOffset).isEqualTo(40);
        assertThat(f.ctx.seg6SrhHdrLen).isEqualTo(32);
        assertThat(Seg6LocalHelpers.hasValidSrh(f.ctx)).isTrue();
    }

    @Test
    void shouldStoreOnlyIntoFlagsTagAndTlvs() {
        f.put(0, hex("aabb"));
        assertThat(f.call(LWT_SEG6_STORE_BYTES, f.ctxPtr, 46, f.stack(0), 2)).isZero();
        assertThat(hex(f.packet()).substring(92, 96)).isEqualTo("aabb");
        assertThat(f.call(LWT_SEG6_STORE_BYTES, f.ctxPtr, 48, f.stack(0), 2)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(LWT_SEG6_STORE_BYTES, f.ctxPtr, 43, f.stack(0), 2)).isEqualTo(-Errno.EFAULT);
    }

    @Test
    void shouldGrowSrhAndRevalidateIt() {
        assertThat(f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 80, 8)).isZero();
        assertThat(f.skb.len).isEqualTo(100);
        assertThat(be16(f.packet(), 4)).isEqualTo(60);
        assertThat(f.ctx.seg6SrhValid).isFalse();
        assertThat(Seg6LocalHelpers.hasValidSrh(f.ctx)).isTrue();
        assertThat(f.packet()[41]).isEqualTo((byte) 5);
        assertThat(f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 80, 3)).isZero();
        assertThat(Seg6LocalHelpers.hasValidSrh(f.ctx)).isFalse();
    }

    @Test
    void shouldRefuseAdjustOutsideTlvArea() {
        assertThat(f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 60, 8)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 81, 8)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 80, -2)).isEqualTo(-Errno.EFAULT);
    }

    @Test
    void shouldReturnRoutingActionsAsData() {
        f.put(0, hex("fc00 0000 0000 0000 0000 0000 0000 0099"));
        assertThat(f.call(LWT_SEG6_ACTION, f.ctxPtr, SEG6_LOCAL_ACTION_END_X, f.stack(0), 16)).isZero();
        assertThat(f.ctx.seg6Route.action()).isEqualTo(SEG6_LOCAL_ACTION_END_X);
        assertThat(hex(f.ctx.seg6Route.nexthop())).endsWith("0099");
        f.put(32, hex("64000000"));
        assertThat(f.call(LWT_SEG6_ACTION, f.ctxPtr, SEG6_LOCAL_ACTION_END_T, f.stack(32), 4)).isZero();
        assertThat(f.ctx.seg6Route).isEqualTo(new ExecutionContext.Seg6Route(SEG6_LOCAL_ACTION_END_T, 100, null));
        assertThat(f.call(LWT_SEG6_ACTION, f.ctxPtr, SEG6_LOCAL_ACTION_END_T, f.stack(32), 8))
                .isEqualTo(-Errno.EINVAL);
        assertThat(f.call(LWT_SEG6_ACTION, f.ctxPtr, 1, f.stack(32), 4)).isEqualTo(-Errno.EINVAL);
        f.call(LWT_SEG6_ADJUST_SRH, f.ctxPtr, 80, 3);
        assertThat(f.call(LWT_SEG6_ACTION, f.ctxPtr, SEG6_LOCAL_ACTION_END_T, f.stack(32), 4))
                .isEqualTo(-Errno.EBADMSG);
    }
}
