package io.lwtemu.ebpf.prog;

import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.Pointer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static io.lwtemu.ebpf.prog.SkBuffLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SkBuffContextTest {
    private static final byte[] IPV4 = HexFormat.of().parseHex(
            "45000020000100004011" + "66ca" + "0a000001" + "0a000002" + "04d2162e000c0c0d61626364");
    private static final byte[] IPV6 = HexFormat.of().parseHex("6000000000041140" + "20010db8000000000000000000000001"
            + "20010db8000000000000000000000002" + "61626364");

    private final ExecutionContext ctx = new ExecutionContext();
    private final LwtRun run = new LwtRun(ctx);

    private long field(long ctxPtr, int offset, int size) {
        return ctx.memory.load(ctxPtr + offset, size);
    }

    @Test
    void shouldShowProtocolInNetworkByteOrder() {
        long c = run.begin(SkBuff.of(IPV4, 16), ProgramType.LWT_OUT, 0);
        assertThat(field(c, PROTOCOL, 4)).isEqualTo(0x0008);
        assertThat(field(c, PROTOCOL, 2)).isEqualTo(0x0008);
        assertThat(field(c, PROTOCOL, 1)).isEqualTo(0x08);
        assertThat(field(c, PROTOCOL + 1, 1)).isEqualTo(0x00);
        assertThat(field(c, LEN, 4)).isEqualTo(32);
        run.end();
        c = run.begin(SkBuff.of(IPV6, 16), ProgramType.LWT_OUT, 0);
        assertThat(field(c, PROTOCOL, 4)).isEqualTo(0xdd86);
    }

    @Test
    void shouldLoadDataPointersIntoPacketRegion() {
        SkBuff skb = SkBuff.of(IPV4, 16);
        long c = run.begin(skb, ProgramType.LWT_XMIT, 2);
        long data = field(c, DATA, 4);
        long end = field(c, DATA_END, 4);
        assertThat(Pointer.region(data)).isEqualTo(AddressSpace.PACKET);
        assertThat(end - data).isEqualTo(32);
        assertThat(ctx.memory.load(data, 1)).isEqualTo(0x45);
        assertThat(ctx.memory.load(data + 16, 4)).isEqualTo(0x0200000aL);
        ctx.memory.store(data + 8, 1, 63);
        assertThat(skb.head[skb.data + 8]).isEqualTo((byte) 63);
        assertThatThrownBy(() -> ctx.memory.load(end, 1)).isInstanceOf(BpfFault.class);
    }

    @Test
    void shouldRefuseDirectPacketWritesOutsideXmit() {
        long c = run.begin(SkBuff.of(IPV4, 16), ProgramType.LWT_IN, 1);
        long data = field(c, DATA, 4);
        assertThatThrownBy(() -> ctx.memory.store(data, 1, 0)).isInstanceOf(BpfFault.class);
    }

    @Test
    void shouldClearCbForTheRunAndRestoreItAfter() {
        SkBuff skb = SkBuff.of(IPV4, 16);
        skb.cb[0] = 11;
        skb.cb[4] = 15;
        long c = run.begin(skb, ProgramType.LWT_XMIT, 2);
        assertThat(field(c, CB, 4)).isZero();
        assertThat(field(c, CB + 16, 4)).isZero();
        ctx.memory.store(c + CB + 4, 4, 0x01020304);
        ctx.memory.store(c + CB + 8, 8, 0x1122334455667788L);
        ctx.memory.store(c + CB + 1, 1, 0xff);
        assertThat(field(c, CB + 4, 4)).isEqualTo(0x01020304);
        assertThat(field(c, CB + 8, 8)).isEqualTo(0x1122334455667788L);
        assertThat(field(c, CB, 4)).isEqualTo(0xff00);
        assertThat(field(c, CB + 4, 2)).isEqualTo(0x0304);
        run.end();
        assertThat(skb.cb).containsExactly(11, 0, 0, 0, 15);
    }

    @Test
    void shouldWriteMarkAndPriorityButFaultOnReadOnlyFields() {
        SkBuff skb = SkBuff.of(IPV4, 16);
        long c = run.begin(skb, ProgramType.LWT_XMIT, 2);
        ctx.memory.store(c + MARK, 4, 0x2a);
        ctx.memory.store(c + PRIORITY, 4, 7);
        assertThat(skb.mark).isEqualTo(0x2a);
        assertThat(skb.priority).isEqualTo(7);
        assertThat(field(c, MARK, 4)).isEqualTo(0x2a);
        for (int ro : new int[] {LEN, PKT_TYPE, PROTOCOL, IFINDEX, HASH, DATA, DATA_END, NAPI_ID, GSO_SIZE}) {
            assertThatThrownBy(() -> ctx.memory.store(c + ro, 4, 1)).isInstanceOf(BpfFault.class);
        }
        assertThatThrownBy(() -> ctx.memory.store(c + MARK, 2, 1)).isInstanceOf(BpfFault.class);
        assertThatThrownBy(() -> ctx.memory.store(c + CB + 16, 8, 1)).isInstanceOf(BpfFault.class);
    }

    @Test
    void shouldFaultOnFieldsLwtMayNotRead() {
        long c = run.begin(SkBuff.of(IPV4, 16), ProgramType.LWT_XMIT, 2);
        for (int off : new int[] {TC_CLASSID, FAMILY, REMOTE_IP4, LOCAL_PORT, DATA_META, FLOW_KEYS, TSTAMP, WIRE_LEN,
                TSTAMP_TYPE, HWTSTAMP, SIZE}) {
            assertThatThrownBy(() -> field(c, off, 4)).isInstanceOf(BpfFault.class)
                    .hasMessageContaining("invalid bpf_context access");
        }
        assertThatThrownBy(() -> field(c, DATA, 2)).isInstanceOf(BpfFault.class);
        assertThatThrownBy(() -> field(c, LEN + 1, 2)).isInstanceOf(BpfFault.class);
        assertThat(field(c, SK, 8)).isZero();
    }

    @Test
    void shouldShowInterfacesPerHook() {
        SkBuff skb = SkBuff.of(IPV4, 16);
        long c = run.begin(skb, ProgramType.LWT_XMIT, 5);
        assertThat(field(c, IFINDEX, 4)).isEqualTo(5);
        assertThat(field(c, INGRESS_IFINDEX, 4)).isZero();
        run.end();
        c = run.begin(skb, ProgramType.LWT_OUT, 5);
        assertThat(field(c, IFINDEX, 4)).isZero();
        assertThat(field(c, INGRESS_IFINDEX, 4)).isZero();
        run.end();
        c = run.begin(skb, ProgramType.LWT_IN, 1);
        assertThat(field(c, IFINDEX, 4)).isEqualTo(1);
        assertThat(field(c, INGRESS_IFINDEX, 4)).isEqualTo(1);
    }
}
