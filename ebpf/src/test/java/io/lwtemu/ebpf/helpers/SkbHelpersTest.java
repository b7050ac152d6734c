package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.Pointer;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static io.lwtemu.ebpf.helpers.HelperIds.*;
import static io.lwtemu.ebpf.helpers.SkbHelpers.*;
import static org.assertj.core.api.Assertions.assertThat;

class SkbHelpersTest {
    private final HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);

    @Test
    void shouldLoadBytesFromPacket() {
        assertThat(f.call(SKB_LOAD_BYTES_P, f.ctxPtr, 16, f.stack(0), 4)).isZero();
        assertThat(hex(f.stackBytes(0, 4))).isEqualTo("0a000002");
    }

    @Test
    void shouldZeroBufferAndFailWhenLoadPassesPacketEnd() {
        f.put(0, hex("ffffffff"));
        assertThat(f.call(SKB_LOAD_BYTES_P, f.ctxPtr, 30, f.stack(0), 4)).isEqualTo(-Errno.EFAULT);
        assertThat(hex(f.stackBytes(0, 4))).isEqualTo("00000000");
        assertThat(f.call(SKB_LOAD_BYTES_P, f.ctxPtr, 0xffffffffL, f.stack(0), 4)).isEqualTo(-Errno.EFAULT);
    }

    @Test
    void shouldStoreBytesAndInvalidateHash() {
        f.skb.hash = 5;
        f.skb.hashValid = true;
        f.put(0, hex("0a000003"));
        assertThat(f.call(SKB_STORE_BYTES_P, f.ctxPtr, 16, f.stack(0), 4, BPF_F_INVALIDATE_HASH)).isZero();
        assertThat(hex(f.packet()).substring(32, 40)).isEqualTo("0a000003");
        assertThat(f.skb.hashValid).isFalse();
        assertThat(f.skb.hash).isZero();
    }

    @Test
    void shouldRejectStoreWithUnknownFlagsOrOutsidePacket() {
        assertThat(f.call(SKB_STORE_BYTES_P, f.ctxPtr, 0, f.stack(0), 4, 4)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SKB_STORE_BYTES_P, f.ctxPtr, 30, f.stack(0), 4, 0)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(SKB_STORE_BYTES_P, f.ctxPtr, 0x80000000L, f.stack(0), 4, 0)).isEqualTo(-Errno.EFAULT);
    }

    @Test
    void shouldFixIpAndUdpChecksumsAfterDaddrRewrite() {
        byte[] p = f.skb.head;
        int d = f.skb.data;
        long oldAddr = AddressSpace.get(p, d + 16, 4);
        long newAddr = AddressSpace.get(hex("0a000003"), 0, 4);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 10, oldAddr, newAddr, 4)).isZero();
        assertThat(f.call(L4_CSUM_REPLACE_P, f.ctxPtr, 26, oldAddr, newAddr, BPF_F_PSEUDO_HDR | 4)).isZero();
        AddressSpace.put(p, d + 16, 4, newAddr);

        byte[] pkt = f.packet();
        assertThat(internetChecksum(pkt, 0, 20, 0)).isZero();
        byte[] pseudo = hex("0a000001 0a000003 0011 000c");
        long sum = 0;
        for (int i = 0; i < pseudo.length; i += 2) {
            sum += be16(pseudo, i);
        }
        assertThat(internetChecksum(pkt, 20, 12, sum)).isZero();
    }

    @Test
    void shouldApplyChecksumDiffWhenSizeIsZero() {
        int d = f.skb.data;
        long oldAddr = AddressSpace.get(f.skb.head, d + 16, 4);
        f.put(0, hex("0a000002"));
        f.put(4, hex("0a000003"));
        long diff = f.call(CSUM_DIFF_P, f.stack(0), 4, f.stack(4), 4, 0);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 10, 0, diff, 0)).isZero();
        AddressSpace.put(f.skb.head, d + 16, 4, AddressSpace.get(hex("0a000003"), 0, 4));
        assertThat(internetChecksum(f.packet(), 0, 20, 0)).isZero();
        assertThat(oldAddr).isNotZero();
    }

    @Test
    void shouldRejectBadChecksumArguments() {
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 11, 0, 0, 2)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 0x10000, 0, 0, 2)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 32, 0, 0, 2)).isEqualTo(-Errno.EFAULT);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 10, 0, 0, 3)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 10, 1, 0, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(L3_CSUM_REPLACE_P, f.ctxPtr, 10, 0, 0, BPF_F_PSEUDO_HDR | 2)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(L4_CSUM_REPLACE_P, f.ctxPtr, 26, 0, 0, 1L << 8)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(L4_CSUM_REPLACE_P, f.ctxPtr, 26, 0, 0, 8)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldLeaveZeroUdpChecksumWhenMarkedMangled() {
        f.skb.head[f.skb.data + 26] = 0;
        f.skb.head[f.skb.data + 27] = 0;
        assertThat(f.call(L4_CSUM_REPLACE_P, f.ctxPtr, 26, 1, 2, BPF_F_MARK_MANGLED_0 | 2)).isZero();
        assertThat(be16(f.packet(), 26)).isZero();
        assertThat(f.call(L4_CSUM_REPLACE_P, f.ctxPtr, 26, 1, 2, BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | 2))
                .isZero();
        assertThat(be16(f.packet(), 26)).isNotZero();
    }

    @Test
    void shouldComputeCsumDiffLikeKernelSelftest() {
        f.put(0, hex("efbeaddeefbeadde"));
        assertThat(f.call(CSUM_DIFF_P, 0, 0, f.stack(0), 8, 0)).isEqualTo(0x3b3b);
        // values observed with BPF_PROG_TEST_RUN on Linux 6.18
        assertThat(f.call(CSUM_DIFF_P, f.stack(0), 8, f.stack(0), 8, 0)).isEqualTo(0xffff);
        f.put(16, hex("01020304"));
        assertThat(f.call(CSUM_DIFF_P, f.stack(16), 4, 0, 0, 0)).isEqualTo(0xf9fb);
        assertThat(f.call(CSUM_DIFF_P, 0, 0, f.stack(16), 3, 0x12345)).isEqualTo(0x254a);
        assertThat(f.call(CSUM_DIFF_P, 0, 0, 0, 0, 0x1234)).isEqualTo(0x1234);
    }

    @Test
    void shouldModelCsumLevelOnUncheckedPackets() {
        assertThat(f.call(CSUM_LEVEL_P, f.ctxPtr, BPF_CSUM_LEVEL_QUERY)).isEqualTo(-13);
        assertThat(f.call(CSUM_LEVEL_P, f.ctxPtr, BPF_CSUM_LEVEL_INC)).isZero();
        assertThat(f.call(CSUM_LEVEL_P, f.ctxPtr, BPF_CSUM_LEVEL_QUERY)).isZero();
        assertThat(f.call(CSUM_LEVEL_P, f.ctxPtr, 7)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(CSUM_UPDATE_P, f.ctxPtr, 1)).isEqualTo(-Errno.ENOTSUPP);
    }

    @Test
    void shouldComputeStableNonZeroHashAndInvalidateIt() {
        long h = f.call(GET_HASH_RECALC_P, f.ctxPtr);
        assertThat(h).isNotZero();
        assertThat(f.skb.hashValid).isTrue();
        assertThat(f.call(SET_HASH_INVALID_P, f.ctxPtr)).isZero();
        assertThat(f.skb.hashValid).isFalse();
        assertThat(f.call(GET_HASH_RECALC_P, f.ctxPtr)).isEqualTo(h);
        f.skb.hash = 42;
        assertThat(f.call(GET_HASH_RECALC_P, f.ctxPtr)).isEqualTo(42);
    }

    @Test
    void shouldPullOnlyWithinPacket() {
        assertThat(f.call(SKB_PULL_DATA_P, f.ctxPtr, 0)).isZero();
        assertThat(f.call(SKB_PULL_DATA_P, f.ctxPtr, 32)).isZero();
        assertThat(f.call(SKB_PULL_DATA_P, f.ctxPtr, 33)).isEqualTo(-Errno.ENOMEM);
    }

    @Test
    void shouldPushZeroedHeadroomAndMovePacketRegion() {
        assertThat(f.call(SKB_CHANGE_HEAD_P, f.ctxPtr, 14, 0)).isZero();
        assertThat(f.skb.len).isEqualTo(46);
        assertThat(hex(f.packet())).startsWith("0000000000000000000000000000" + "4500");
        assertThat(f.ctx.memory.region(AddressSpace.PACKET).start).isEqualTo(f.skb.data);
        assertThat(f.ctx.memory.load(Pointer.of(AddressSpace.PACKET, f.skb.data + 14), 1)).isEqualTo(0x45);
    }

    @Test
    void shouldGrowHeadroomBeyondBuffer() {
        assertThat(f.call(SKB_CHANGE_HEAD_P, f.ctxPtr, 100, 0)).isZero();
        assertThat(f.skb.len).isEqualTo(132);
        assertThat(hex(f.packet()).substring(200)).startsWith("4500");
    }

    @Test
    void shouldRejectChangeHeadWithFlagsOrOverflow() {
        assertThat(f.call(SKB_CHANGE_HEAD_P, f.ctxPtr, 14, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SKB_CHANGE_HEAD_P, f.ctxPtr, 0xffffffffL, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SKB_CHANGE_HEAD_P, f.ctxPtr, 70000, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(f.skb.len).isEqualTo(32);
    }

    @Test
    void shouldChangeTailWithZeroFill() {
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 40, 0)).isZero();
        assertThat(hex(f.packet())).endsWith("61626364" + "0000000000000000");
        assertThat(f.ctx.memory.region(AddressSpace.PACKET).end).isEqualTo(f.skb.data + 40);
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 28, 0)).isZero();
        assertThat(f.skb.len).isEqualTo(28);
    }

    @Test
    void shouldRejectChangeTailBelowTransportHeaderOrWithFlags() {
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 19, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 20, 0)).isZero();
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 40, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 0x10000, 0)).isEqualTo(-Errno.EINVAL);
        f.skb.encapsulation = true;
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 40, 0)).isEqualTo(-Errno.ENOTSUPP);
    }

    @Test
    void shouldShrinkToZeroWithoutTransportHeaderAsUnderTestRun() {
        f.ctx.transportHeaderSet = false;
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 19, 0)).isZero();
        assertThat(f.call(SKB_CHANGE_TAIL_P, f.ctxPtr, 0, 0)).isZero();
        assertThat(f.skb.len).isZero();
    }

    @Test
    void shouldRecordRedirectTarget() {
        assertThat(f.call(REDIRECT_P, 7, BPF_F_INGRESS)).isEqualTo(TC_ACT_REDIRECT);
        assertThat(f.ctx.redirectIfindex).isEqualTo(7);
        assertThat(f.ctx.redirectFlags).isEqualTo(BPF_F_INGRESS);
        assertThat(f.call(REDIRECT_P, 7, 2)).isEqualTo(TC_ACT_SHOT);
    }

    @Test
    void shouldRecordClonedPacket() {
        f.skb.mark = 9;
        assertThat(f.call(CLONE_REDIRECT_P, f.ctxPtr, 4, 0)).isZero();
        assertThat(f.ctx.clones).hasSize(1);
        ExecutionContext.ClonedPacket c = f.ctx.clones.get(0);
        assertThat(c.packet()).isEqualTo(hex(UDP4));
        assertThat(c.ifindex()).isEqualTo(4);
        assertThat(c.mark()).isEqualTo(9);
        assertThat(c.ingress()).isFalse();
        f.skb.head[f.skb.data] = 0;
        assertThat(c.packet()[0]).isEqualTo((byte) 0x45);
    }

    @Test
    void shouldRejectCloneWithBadFlagsUnknownDeviceOrEmptyPacket() {
        assertThat(f.call(CLONE_REDIRECT_P, f.ctxPtr, 4, 2)).isEqualTo(-Errno.EINVAL);
        f.ctx.deviceExists = i -> i == 4;
        assertThat(f.call(CLONE_REDIRECT_P, f.ctxPtr, 5, 0)).isEqualTo(-Errno.EINVAL);
        f.skb.len = 0;
        assertThat(f.call(CLONE_REDIRECT_P, f.ctxPtr, 4, 0)).isEqualTo(-Errno.ERANGE);
        assertThat(f.ctx.clones).isEmpty();
    }

    @Test
    void shouldReportRealmClassidAndNoSocketCgroup() {
        f.skb.routeRealm = 0x10002;
        f.skb.cgroupClassid = 0x100001;
        assertThat(f.call(GET_ROUTE_REALM_P, f.ctxPtr)).isEqualTo(0x10002);
        assertThat(f.call(GET_CGROUP_CLASSID_P, f.ctxPtr)).isEqualTo(0x100001);
        assertThat(f.call(SKB_UNDER_CGROUP_P, f.ctxPtr, 0, 0)).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void shouldFailTunnelHelpersWithoutMetadata() {
        f.put(0, hex("ffffffff"));
        assertThat(f.call(SKB_GET_TUNNEL_KEY_P, f.ctxPtr, f.stack(0), 4, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(hex(f.stackBytes(0, 4))).isEqualTo("00000000");
        assertThat(f.call(SKB_GET_TUNNEL_OPT_P, f.ctxPtr, f.stack(0), 4)).isEqualTo(-Errno.ENOENT);
        assertThat(f.call(SKB_SET_TUNNEL_OPT_P, f.ctxPtr, f.stack(0), 4)).isEqualTo(-Errno.EINVAL);
    }
}
