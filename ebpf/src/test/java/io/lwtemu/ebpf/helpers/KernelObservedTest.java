package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.AddressSpace;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static io.lwtemu.ebpf.helpers.HelperIds.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helper sequences of the programs in src/test/bpf/lwt replayed directly on the helper bodies, compared
 * with the packets Linux 6.18 produced for the same input under BPF_PROG_TEST_RUN (output hex copied from
 * {@code bpftool prog run ... data_out}, without the 14-byte Ethernet prefix).
 */
class KernelObservedTest {
    @Test
    void shouldRewriteDaddrLikeRewriteDaddrCsum() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        long oldIp = AddressSpace.get(f.skb.head, f.skb.data + 16, 4);
        long newIp = AddressSpace.get(hex("0a000003"), 0, 4);
        assertThat(f.call(SkbHelpers.L4_CSUM_REPLACE_P, f.ctxPtr, 26, oldIp, newIp,
                BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4)).isZero();
        assertThat(f.call(SkbHelpers.L3_CSUM_REPLACE_P, f.ctxPtr, 10, oldIp, newIp, 4)).isZero();
        f.put(0, hex("0a000003"));
        assertThat(f.call(SkbHelpers.SKB_STORE_BYTES_P, f.ctxPtr, 16, f.stack(0), 4, 0)).isZero();
        assertThat(hex(f.packet()))
                .isEqualTo("4500002000010000401166c90a0000010a00000304d2162e000c0c0c61626364");
    }

    @Test
    void shouldDecrementTtlLikeStoreLoadBytes() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        assertThat(f.call(SkbHelpers.SKB_LOAD_BYTES_P, f.ctxPtr, 0, f.stack(0), 20)).isZero();
        long oldWord = AddressSpace.get(f.stack.bytes, 8, 2);
        f.stack.bytes[8]--;
        long newWord = AddressSpace.get(f.stack.bytes, 8, 2);
        assertThat(f.call(SkbHelpers.L3_CSUM_REPLACE_P, f.ctxPtr, 10, oldWord, newWord, 2)).isZero();
        assertThat(f.call(SkbHelpers.SKB_STORE_BYTES_P, f.ctxPtr, 8, f.stack(8), 1, BPF_F_INVALIDATE_HASH)).isZero();
        assertThat(hex(f.packet()))
                .isEqualTo("45000020000100003f1167ca0a0000010a00000204d2162e000c0c0d61626364");
    }

    @Test
    void shouldEncapsulateLikeIpipEncap() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        f.put(0, hex("4500 0034 0000 0000 4004 0000 ac10 0101 ac10 0201"));
        assertThat(f.call(LwtEncap.LWT_XMIT_PUSH_ENCAP, f.ctxPtr, BPF_LWT_ENCAP_IP, f.stack(0), 20)).isZero();
        assertThat(hex(f.packet())).isEqualTo("450000340000000040041fa4ac100101ac100201" + hex(hex(UDP4)));
    }

    @Test
    void shouldEncapsulateLikeGreEncap() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        f.put(0, hex("4500 0038 0000 0000 402f 0000 ac10 0164 ac10 0264 0000 0800"));
        assertThat(f.call(LwtEncap.LWT_XMIT_PUSH_ENCAP, f.ctxPtr, BPF_LWT_ENCAP_IP, f.stack(0), 24)).isZero();
        assertThat(hex(f.packet())).isEqualTo("4500003800000000402f1eafac100164ac10026400000800" + hex(hex(UDP4)));
    }

    @Test
    void shouldPushLinkLayerLikePushLlAndRedirect() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        assertThat(f.call(SkbHelpers.SKB_CHANGE_HEAD_P, f.ctxPtr, 14, 0)).isZero();
        f.ctx.memory.write(io.lwtemu.ebpf.vm.Pointer.of(AddressSpace.PACKET, f.skb.data),
                hex("020000000002 020000000001 0800"), 0, 14);
        assertThat(f.call(SkbHelpers.REDIRECT_P, 2, 0)).isEqualTo(TC_ACT_REDIRECT);
        assertThat(hex(f.packet())).isEqualTo("020000000002020000000001" + "0800" + hex(hex(UDP4)));
    }

    @Test
    void shouldInsertSrhLikeSeg6Encap() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP6);
        f.put(0, hex("00 04 04 01 01 00 0000" + "0000 0000 0000 0000 0000 0000 0000 0000"
                + "fc00 0000 0000 0000 0000 0000 0000 00e1"));
        assertThat(f.call(LwtEncap.LWT_IN_PUSH_ENCAP, f.ctxPtr, BPF_LWT_ENCAP_SEG6_INLINE, f.stack(0), 40)).isZero();
        assertThat(hex(f.packet())).isEqualTo("6000000000342b4020010db8000000000000000000000001"
                + "fc0000000000000000000000000000e1" + "1104040101000000" + "20010db8000000000000000000000002"
                + "fc0000000000000000000000000000e1" + "04d2162e000c000061626364");
    }
}
