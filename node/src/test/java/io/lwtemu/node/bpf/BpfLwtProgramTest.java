package io.lwtemu.node.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.LwtRunner;
import io.lwtemu.node.forward.HookContext;
import io.lwtemu.node.forward.LwtHook;
import io.lwtemu.node.forward.LwtVerdict;
import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.PacketBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BpfLwtProgramTest {
    private static final Path DIR = Path.of("../topology-examples/ipip-3hop");

    private static BpfLwtProgram load(String file, String section) {
        LoadedProgram p = new BpfRuntime(1).open(DIR.resolve(file), ProgramType.LWT_XMIT).prepare(section);
        return new BpfLwtProgram(p, new LwtRunner());
    }

    private static HookContext xmitContext() {
        HookContext ctx = new HookContext();
        ctx.hook = LwtHook.XMIT;
        ctx.egress = new NetDevice("eth1", 3, 1500);
        return ctx;
    }

    @Test
    void shouldReturnBpfDropFromDropAll() {
        SkBuff skb = SkBuff.of(PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").icmpEchoRequest(1, 1, 56), 32);
        HookContext ctx = xmitContext();
        ctx.verdict.reset();
        LwtVerdict v = load("drop_all.o", "lwt_xmit/drop").run(skb, ctx);
        assertThat(v.fault).isFalse();
        assertThat(v.ret).isEqualTo(LwtVerdict.BPF_DROP);
    }

    @Test
    void shouldPushTheOuterIpipHeader() {
        SkBuff skb = SkBuff.of(PacketBuilder.ipv4("10.0.1.2", "10.0.3.2").icmpEchoRequest(1, 1, 56), 32);
        HookContext ctx = xmitContext();
        ctx.verdict.reset();
        LwtVerdict v = load("ipip_encap.o", "lwt_xmit/ipip").run(skb, ctx);
        assertThat(v.ret).isEqualTo(LwtVerdict.BPF_OK);
        assertThat(v.redirectSet).isFalse();
        assertThat(skb.len).isEqualTo(104);
        assertThat(skb.head[skb.data + 9]).isEqualTo((byte) 4);
        assertThat(Bytes.i32(skb.head, skb.data + 16)).isEqualTo(0x0a001703);
        assertThat(Bytes.u16(skb.head, skb.data + 2) & 0xffff).isEqualTo(104);
    }
}
