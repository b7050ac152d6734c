package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.ExecutionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static io.lwtemu.ebpf.helpers.HelperIds.*;
import static org.assertj.core.api.Assertions.assertThat;

class LwtEncapTest {
    /** Outer IPv4 192.168.0.1 -> 192.168.0.2, protocol IPIP, tot_len and checksum left 0. */
    private static final String OUTER4 = "4500 0000 0000 0000 4004 0000 c0a8 0001 c0a8 0002";
    private static final String OUTER6 = "6000 0000 0000 2940" + "fd00 0000 0000 0000 0000 0000 0000 0001"
            + "fd00 0000 0000 0000 0000 0000 0000 0002";
    /** SRH: 2 segments (hdrlen 4), segments_left 1, first_segment 1, seg0 ::, seg1 fc00::1. */
    private static final String SRH = "00 04 04 01 01 00 0000" + "0000 0000 0000 0000 0000 0000 0000 0000"
            + "fc00 0000 0000 0000 0000 0000 0000 0001";

    private long push(HelperFixture f, HelperProto p, long type, String header) {
        byte[] h = hex(header);
        f.put(0, h);
        return f.call(p, f.ctxPtr, type, f.stack(0), h.length);
    }

    @Test
    void shouldPushIpv4OuterHeaderWithChecksumOnXmit() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4, 0);
        f.skb.hash = 3;
        f.skb.hashValid = true;
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER4)).isZero();
        assertThat(hex(f.packet())).isEqualTo(hex(hex("4500 0000 0000 0000 4004 f9a6 c0a8 0001 c0a8 0002" + UDP4)));
        assertThat(f.skb.protocol).isEqualTo(SkBuff.ETH_P_IP);
        assertThat(f.skb.innerProtocol).isEqualTo(SkBuff.ETH_P_IP);
        assertThat(f.skb.encapsulation).isTrue();
        assertThat(f.skb.hashValid).isFalse();
        assertThat(f.ctx.memory.region(AddressSpace.PACKET).end - f.ctx.memory.region(AddressSpace.PACKET).start)
                .isEqualTo(52);
    }

    @Test
    void shouldKeepChecksumTheProgramFilledIn() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP4);
        assertThat(push(f, LwtEncap.LWT_IN_PUSH_ENCAP, BPF_LWT_ENCAP_IP,
                "4500 0000 0000 0000 4004 1234 c0a8 0001 c0a8 0002")).isZero();
        assertThat(hex(f.packet())).startsWith("45000000000000004004" + "1234");
    }

    @Test
    void shouldSwitchProtocolForIpv6Outer() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER6)).isZero();
        assertThat(f.skb.protocol).isEqualTo(SkBuff.ETH_P_IPV6);
        assertThat(f.skb.innerProtocol).isEqualTo(SkBuff.ETH_P_IP);
        assertThat(hex(f.packet())).isEqualTo(hex(hex(OUTER6 + UDP4)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4500 0000 0000 0000 4004 0000 c0a8 0001 c0a8",          // 18 bytes < 20
            "5500 0000 0000 0000 4004 0000 c0a8 0001 c0a8 0002",     // version 5
            "4600 0000 0000 0000 4004 0000 c0a8 0001 c0a8 0002",     // ihl 6 needs 24 bytes
            "6000 0000 0000 2940 fd00 0000 0000 0000 0000 0000 0000 0001 fd00 0000 0000"  // IPv6 < 40
    })
    void shouldRejectBadOuterHeaderAndLeavePacketUntouched(String header) {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, header)).isEqualTo(-Errno.EINVAL);
        assertThat(f.packet()).isEqualTo(hex(UDP4));
        assertThat(f.skb.encapsulation).isFalse();
    }

    @Test
    void shouldRejectHeaderLongerThanMaxHeadroom() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        f.put(0, hex(OUTER4));
        assertThat(f.call(LwtEncap.LWT_XMIT_PUSH_ENCAP, f.ctxPtr, BPF_LWT_ENCAP_IP, f.stack(0), 257))
                .isEqualTo(-Errno.EINVAL);
        assertThat(f.packet()).isEqualTo(hex(UDP4));
    }

    @Test
    void shouldRejectSeg6OnXmitAndUnknownTypes() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP6);
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_SEG6, SRH)).isEqualTo(-Errno.EINVAL);
        HelperFixture in = new HelperFixture(ProgramType.LWT_IN, UDP6);
        assertThat(push(in, LwtEncap.LWT_IN_PUSH_ENCAP, 3, SRH)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldRefuseNonTcpGsoPacketsAfterPushing() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
        f.skb.gsoSize = 1400;
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER4)).isEqualTo(-Errno.ENOTSUPP);
    }

    @Test
    void shouldShrinkGsoSizeForTcpOverIpip() {
        String tcp4 = "4500 0028 0001 0000 4006 0000 0a00 0001 0a00 0002"
                + "04d2 162e 0000 0001 0000 0000 5010 ffff 0000 0000";
        HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, tcp4);
        f.skb.gsoSize = 1400;
        f.skb.gsoSegs = 3;
        assertThat(push(f, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER4)).isZero();
        assertThat(f.skb.gsoSize).isEqualTo(1380);
        assertThat(f.skb.gsoSegs).isZero();
        HelperFixture gre = new HelperFixture(ProgramType.LWT_XMIT, tcp4);
        gre.skb.gsoSize = 1400;
        assertThat(push(gre, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER4.replace("4004", "402f")))
                .isEqualTo(-Errno.EINVAL);
        HelperFixture icmp = new HelperFixture(ProgramType.LWT_XMIT, tcp4);
        icmp.skb.gsoSize = 1400;
        assertThat(push(icmp, LwtEncap.LWT_XMIT_PUSH_ENCAP, BPF_LWT_ENCAP_IP, OUTER4.replace("4004", "4001")))
                .isEqualTo(-Errno.EPROTONOSUPPORT);
    }

    @Test
    void shouldInsertSrhInline() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP6);
        assertThat(push(f, LwtEncap.LWT_IN_PUSH_ENCAP, BPF_LWT_ENCAP_SEG6_INLINE, SRH)).isZero();
        String expected = "6000 0000 0034 2b40 2001 0db8 0000 0000 0000 0000 0000 0001"
                + "fc00 0000 0000 0000 0000 0000 0000 0001"
                + "11 04 04 01 01 00 0000" + "2001 0db8 0000 0000 0000 0000 0000 0002"
                + "fc00 0000 0000 0000 0000 0000 0000 0001" + "04d2 162e 000c 0000 6162 6364";
        assertThat(hex(f.packet())).isEqualTo(hex(hex(expected)));
        assertThat(f.ctx.seg6Route.action()).isEqualTo(ExecutionContext.Seg6Route.LOOKUP_NEXTHOP);
    }

    @Test
    void shouldEncapsulateIpv4InOuterIpv6WithSrh() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP4);
        f.ctx.seg6TunnelSource = hex("fd00 0000 0000 0000 0000 0000 0000 0009");
        assertThat(push(f, LwtEncap.LWT_IN_PUSH_ENCAP, BPF_LWT_ENCAP_SEG6, SRH)).isZero();
        String expected = "6000 0020 0048 2b40 fd00 0000 0000 0000 0000 0000 0000 0009"
                + "fc00 0000 0000 0000 0000 0000 0000 0001"
                + "29 04 04 01 01 00 0000" + "0000 0000 0000 0000 0000 0000 0000 0000"
                + "fc00 0000 0000 0000 0000 0000 0000 0001" + UDP4;
        assertThat(hex(f.packet())).isEqualTo(hex(hex(expected)));
        assertThat(f.skb.protocol).isEqualTo(SkBuff.ETH_P_IPV6);
        assertThat(f.skb.encapsulation).isTrue();
    }

    @Test
    void shouldNeedIpv6PacketForInlineSrh() {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP4);
        assertThat(push(f, LwtEncap.LWT_IN_PUSH_ENCAP, BPF_LWT_ENCAP_SEG6_INLINE, SRH)).isEqualTo(-Errno.EBADMSG);
        assertThat(f.packet()).isEqualTo(hex(UDP4));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00 04 03 01 01 00 0000",   // routing type 3
            "00 05 04 01 01 00 0000",   // hdrlen says 48 bytes
            "00 04 04 02 01 00 0000",   // segments_left beyond first_segment
            "00 04 04 00 02 00 0000"    // first_segment beyond the list
    })
    void shouldRejectInvalidSrh(String fixed) {
        HelperFixture f = new HelperFixture(ProgramType.LWT_IN, UDP6);
        assertThat(push(f, LwtEncap.LWT_IN_PUSH_ENCAP, BPF_LWT_ENCAP_SEG6, fixed + SRH.substring(SRH.indexOf("0000") + 4)))
                .isEqualTo(-Errno.EINVAL);
        assertThat(f.packet()).isEqualTo(hex(UDP6));
    }

    @Test
    void shouldValidateSrhTlvs() {
        // one segment (hdrlen 4 = 40 bytes): 8 fixed + 16 segment + 16 bytes of TLVs
        byte[] srh = hex("00 04 04 00 00 00 0000" + "fc00 0000 0000 0000 0000 0000 0000 0001"
                + "05 0e 0000 0000 0000 0000 0000 0000 0000");
        assertThat(LwtEncap.validateSrh(srh, 0, 40, false)).isTrue();
        srh[25] = 0x0f; // TLV now runs past the header
        assertThat(LwtEncap.validateSrh(srh, 0, 40, false)).isFalse();
    }
}
