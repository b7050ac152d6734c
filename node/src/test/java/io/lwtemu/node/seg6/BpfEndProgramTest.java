package io.lwtemu.node.seg6;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.node.forward.DropReason;
import io.lwtemu.node.forward.Outcome;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import io.lwtemu.node.packet.Srh;
import io.lwtemu.node.tunnel.TestNet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End.BPF with real bytecode (src/test/bpf/seg6/end_bpf.c) through the eBPF runtime: r2 runs the program on
 * SID fc00:2::b, r3 decapsulates with End.DX4 on fc00:3::d4.
 */
class BpfEndProgramTest {
    private static final String OBJ = "src/test/bpf/seg6/end_bpf.o";
    private static final byte[] FOOBAR = "foobar".getBytes(StandardCharsets.US_ASCII);

    private final TestNet net = new TestNet();
    private final TestNet.Router r2 = net.router("r2");
    private final TestNet.Router r3 = net.router("r3");
    private final List<String> log = new ArrayList<>();

    @BeforeEach
    void wire() {
        BpfRuntime runtime = new BpfRuntime(1);
        for (TestNet.Router r : List.of(r2, r3)) {
            Seg6 seg6 = new Seg6(log::add);
            ExecutionContext ctx = new ExecutionContext();
            r.encapLoader = spec -> seg6.stateFor(spec, ref -> BpfEndProgram.load(runtime, ref, ctx));
        }
        r2.addDevice("eth0", 1500);
        net.link(r2, "eth1", r3, "eth0");
        r3.addDevice("lan", 1500);
        r2.config("""
                ip addr add fd00:12::2/64 dev eth0
                ip addr add fd00:23::2/64 dev eth1
                ip route add fc00:3::/64 via fd00:23::3 dev eth1
                """);
        r3.config("""
                ip addr add fd00:23::3/64 dev eth0
                ip addr add 10.0.3.1/24 dev lan
                ip route add fc00:3::d4/128 encap seg6local action End.DX4 nh4 10.0.3.7 dev eth0
                """);
    }

    private static byte[] inner(int ttl) {
        return PacketBuilder.ipv4("10.0.1.5", "10.0.3.7").ttl(ttl).udp(4000, 5000, FOOBAR);
    }

    /** IPv6 to fc00:2::b with SRH [fc00:2::b, fc00:3::d4], segments left 1, carrying the IPv4 packet. */
    private static byte[] packet() {
        byte[] in = inner(64);
        byte[][] segs = {Ipv6Header.parse("fc00:2::b"), Ipv6Header.parse("fc00:3::d4")};
        byte[] p = new byte[40 + 40 + in.length];
        new Ipv6Header().wrap(p, 0).versionClassFlow(0, 0).payloadLength(40 + in.length)
                .nextHeader(IpProtocol.ROUTING).hopLimit(64).src(Ipv6Header.parse("fd00:12::1"))
                .dst(Ipv6Header.parse("fc00:2::b"));
        Srh.write(p, 40, IpProtocol.IPIP, segs);
        System.arraycopy(in, 0, p, 80, in.length);
        return p;
    }

    private void endBpf(String section) {
        r2.config("ip route add fc00:2::b/128 encap seg6local action End.BPF endpoint obj " + OBJ + " section "
                + section + " dev eth0");
    }

    @Test
    void shouldGrowTheSrhWithATlvAndStillDeliverThePayload() {
        endBpf("add_tlv");
        assertThat(r2.inject("eth0", packet())).isEqualTo(Outcome.FORWARDED);
        net.run();
        byte[] w = r2.lastSent("eth1");
        Srh srh = new Srh().wrap(w, 40);
        assertThat(srh.length()).as("8-byte TLV added").isEqualTo(48);
        assertThat(srh.segmentsLeft()).isZero();
        assertThat(w[40 + 40]).isEqualTo((byte) 4);
        assertThat(w[40 + 41]).isEqualTo((byte) 6);
        assertThat(new Ipv6Header().wrap(w, 0).payloadLength()).isEqualTo(w.length - 40);
        assertThat(Arrays.copyOfRange(w, 88, w.length)).isEqualTo(inner(64));
        assertThat(r3.lastSent("lan")).isEqualTo(inner(63));
    }

    @Test
    void shouldForwardToTheEndXNeighbourTheProgramChose() {
        endBpf("end_x");
        r2.config("ip route del fc00:3::/64 via fd00:23::3 dev eth1");
        assertThat(r2.inject("eth0", packet())).isEqualTo(Outcome.FORWARDED);
        net.run();
        assertThat(r3.lastSent("lan")).isEqualTo(inner(63));
    }

    @Test
    void shouldDropWhenTheProgramLeavesAnInvalidSrh() {
        endBpf("break_srh");
        assertThat(r2.inject("eth0", packet())).isEqualTo(Outcome.DROPPED);
        assertThat(r2.pipeline.lastDropReason()).isEqualTo(DropReason.SEG6_INVALID_SRH);
        assertThat(r2.sentOn("eth1")).isEmpty();
    }
}
