package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.PerfEventArrayMap;
import io.lwtemu.ebpf.maps.RingBufMap;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.lwtemu.ebpf.e2e.Packets.concat;
import static io.lwtemu.ebpf.e2e.Packets.hex;
import static io.lwtemu.ebpf.e2e.Packets.le32;
import static io.lwtemu.ebpf.e2e.Packets.le64;
import static io.lwtemu.ebpf.e2e.Packets.slice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every program of {@code src/test/bpf/lwt/*.o}, opened with BpfRuntime, verified, and run with
 * ProgTestRun on hand-built packets; expectations are the ones the comment on top of each C file states.
 */
class LwtObjectsE2eTest {
    static final int BPF_OK = 0;
    static final int BPF_DROP = 2;
    static final int BPF_REDIRECT = 7;
    static final int BPF_LWT_REROUTE = 128;

    private final E2e host = new E2e();

    @Test
    void shouldGrowThenTrimTailWithChangeTail() {
        byte[] ping = Packets.ping4();
        ProgTestRun.Output out = host.run(host.prepare("lwt/change_tail.o", "lwt_xmit"), ping);

        assertThat(out.error()).isNull();
        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(out.mark()).isEqualTo(92);
        assertThat(hex(out.packet())).isEqualTo(hex(concat(ping, new byte[8])));
    }

    @Test
    void shouldCountPacketsPerDestinationAndBytesPerCpu() {
        LoadedObject obj = host.open("lwt/counters.o");
        LoadedProgram prog = obj.prepare("lwt_out");
        ProgTestRun.Output out = host.run(prog, Packets.ping4());

        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(obj.maps().get("pkts").lookup(Packets.DST4)).isEqualTo(le64(1));
        byte[] bytes = obj.maps().get("bytes").lookup(le32(0));
        assertThat(bytes).isEqualTo(concat(le64(84), le64(0))); // CPU 0 ran it, CPU 1 did not
        host.run(prog, Packets.ping4());
        assertThat(obj.maps().get("pkts").lookup(Packets.DST4)).isEqualTo(le64(2));
        assertThat(obj.maps().get("last_hash").lookup(le32(0))).isNotEqualTo(le32(0));
    }

    @Test
    void shouldMarkOneWhenCsumDiffMatchesTheHeaderChecksum() {
        LoadedProgram prog = host.prepare("lwt/csum_diff.o", "lwt_xmit");
        byte[] ping = Packets.ping4();
        assertThat(host.run(prog, ping).mark()).isEqualTo(1);
        byte[] bad = ping.clone();
        bad[11] ^= 1;
        ProgTestRun.Output out = host.run(prog, bad);
        assertThat(out.mark()).isEqualTo(2);
        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(out.packet()).isEqualTo(bad);
    }

    @Test
    void shouldDropOnEveryHook() {
        LoadedObject obj = host.open("lwt/drop_all.o");
        for (var p : obj.programs()) {
            ProgTestRun.Output out = host.run(obj.prepare(p), Packets.udp6(10));
            assertThat(out.retval()).as(p.section()).isEqualTo(BPF_DROP);
        }
    }

    @Test
    void shouldPushGreHeaderAndReroute() {
        LoadedObject obj = host.open("lwt/gre_encap.o");
        byte[] ping = Packets.ping4();
        for (String section : List.of("lwt_xmit", "lwt_in")) {
            ProgTestRun.Output out = host.run(obj.prepare(section), ping);
            assertThat(out.retval()).as(section).isEqualTo(BPF_LWT_REROUTE);
            byte[] outer = Packets.hex("4500006c 00000000 402f0000 ac100164 ac100264 00000800");
            Packets.fixIpv4Checksum(outer, 0);
            assertThat(hex(out.packet())).as(section).isEqualTo(hex(concat(outer, ping)));
        }
    }

    @Test
    void shouldRejectIllegalReturnValuesOnlyAtTheHook() {
        LoadedObject obj = host.open("lwt/illegal_ret.o");
        assertThat(host.run(obj.prepare("illegal_ret"), Packets.ping4()).retval()).isEqualTo(3);
        ProgTestRun.Output redirect = host.run(obj.prepare("redirect_without_target"), Packets.ping4());
        assertThat(redirect.retval()).isEqualTo(BPF_REDIRECT);
        assertThat(host.runner.context().redirectIfindex).isZero();
        assertThat(host.run(obj.prepare("out_redirect"), Packets.ping4()).retval()).isEqualTo(BPF_REDIRECT);
    }

    @Test
    void shouldPushOuterIpv6HeaderForBothFamilies() {
        LoadedProgram prog = host.prepare("lwt/ip6_encap.o", "lwt_xmit");
        byte[] ping = Packets.ping4();
        ProgTestRun.Output out4 = host.run(prog, ping);
        assertThat(out4.retval()).isEqualTo(BPF_LWT_REROUTE);
        assertThat(hex(out4.packet())).isEqualTo(hex(Packets.ipv6(4, Packets.addr6(0xfd, 1), Packets.addr6(0xfd, 2),
                ping)));
        byte[] udp6 = Packets.udp6(100);
        ProgTestRun.Output out6 = host.run(prog, udp6);
        assertThat(hex(out6.packet())).isEqualTo(hex(Packets.ipv6(41, Packets.addr6(0xfd, 1),
                Packets.addr6(0xfd, 2), udp6)));
    }

    @Test
    void shouldPushIpipHeaderOnIpv4Only() {
        LoadedProgram prog = host.prepare("lwt/ipip_encap.o", "lwt_xmit");
        byte[] ping = Packets.ping4();
        ProgTestRun.Output out = host.run(prog, ping);
        assertThat(out.retval()).isEqualTo(BPF_OK);
        byte[] outer = Packets.hex("45000068 00000000 40040000 ac100101 ac100201");
        Packets.fixIpv4Checksum(outer, 0);
        assertThat(hex(out.packet())).isEqualTo(hex(concat(outer, ping)));
        byte[] v6 = Packets.icmp6(8);
        assertThat(host.run(prog, v6).packet()).isEqualTo(v6);
    }

    @Test
    void shouldCountLengthsInPinnedPerCpuHistogram() {
        LoadedObject obj = host.open("lwt/len_hist.o");
        host.run(obj.prepare("lwt_out"), Packets.ping4());
        assertThat(obj.maps().get("lwt_len_hist_map").lookup(le64(6))).isEqualTo(concat(le64(1), le64(0)));
        assertThat(host.runtime.pins().list()).containsKey("/sys/fs/bpf/lwt_len_hist_map");
    }

    @Test
    void shouldDropWhenLpmPolicySaysOne() {
        LoadedObject obj = host.open("lwt/lpm.o");
        LoadedProgram prog = obj.prepare("lwt_xmit");
        ProgTestRun.Output none = host.run(prog, Packets.ping4());
        assertThat(none.retval()).isEqualTo(BPF_OK);
        assertThat(none.mark()).isEqualTo(1);

        BpfMap policy = obj.maps().get("policy");
        assertThat(policy.update(concat(le32(24), new byte[] {10, 0, 0, 0}), le32(1), BpfMap.BPF_ANY)).isZero();
        ProgTestRun.Output dropped = host.run(prog, Packets.ping4());
        assertThat(dropped.retval()).isEqualTo(BPF_DROP);
        assertThat(dropped.mark()).isEqualTo(2);

        assertThat(policy.update(concat(le32(32), Packets.DST4), le32(5), BpfMap.BPF_ANY)).isZero();
        ProgTestRun.Output longest = host.run(prog, Packets.ping4());
        assertThat(longest.retval()).isEqualTo(BPF_OK);
        assertThat(longest.mark()).isEqualTo(6);
    }

    @Test
    void shouldWritePerfSampleOfMetaAndPacketHead() {
        LoadedObject obj = host.open("lwt/perf_output.o");
        PerfEventArrayMap events = (PerfEventArrayMap) obj.maps().get("events");
        PerfEventArrayMap.PerfBuffer buffer = events.open(0, 0, 4096);
        byte[] ping = Packets.ping4();
        assertThat(host.run(obj.prepare("lwt_xmit"), ping).retval()).isEqualTo(BPF_OK);

        List<byte[]> samples = new ArrayList<>();
        buffer.poll(samples::add);
        assertThat(samples).hasSize(1);
        byte[] sample = samples.get(0);
        assertThat(slice(sample, 0, 72)).isEqualTo(concat(le32(84), le32(1), slice(ping, 0, 64)));
    }

    @Test
    void shouldPushEthernetHeaderAndRedirectToIfindexTwo() {
        byte[] udp6 = Packets.udp6(20);
        ProgTestRun.Output out = host.run(host.prepare("lwt/push_ll_and_redirect.o", "lwt_xmit"), udp6);
        assertThat(out.retval()).isEqualTo(BPF_REDIRECT);
        assertThat(host.runner.context().redirectIfindex).isEqualTo(2);
        assertThat(hex(out.packet())).isEqualTo("020000000002" + "020000000001" + "86dd" + hex(udp6));
    }

    @Test
    void shouldRewriteDestinationAndFixIpAndUdpChecksums() {
        LoadedProgram prog = host.prepare("lwt/rewrite_daddr_csum.o", "lwt_xmit");
        for (byte[] in : List.of(Packets.ping4(), Packets.udp4(33))) {
            ProgTestRun.Output out = host.run(prog, in);
            byte[] expected = in.clone();
            expected[19] = 3;
            Packets.fixIpv4Checksum(expected, 0);
            if (expected[9] == 17) {
                Packets.put16(expected, 26, 0);
                byte[] udp = slice(expected, 20, expected.length);
                long pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0003 + 17 + udp.length;
                Packets.put16(expected, 26, Packets.checksum(udp, 0, udp.length, pseudo));
            }
            assertThat(out.retval()).isEqualTo(BPF_OK);
            assertThat(hex(out.packet())).isEqualTo(hex(expected));
        }
    }

    @Test
    void shouldEmitTwoRingBufferRecordsPerPacket() {
        LoadedObject obj = host.open("lwt/ringbuf.o");
        byte[] ping = Packets.ping4();
        assertThat(host.run(obj.prepare("lwt_out"), ping).retval()).isEqualTo(BPF_OK);
        List<byte[]> records = new ArrayList<>();
        ((RingBufMap) obj.maps().get("events")).poll(records::add);
        assertThat(records).hasSize(2);
        assertThat(records.get(0)).isEqualTo(concat(le32(84), le32(0x0008), slice(ping, 0, 20)));
        assertThat(records.get(1)).isEqualTo(le32(84));
    }

    @Test
    void shouldInsertSrhInlineOnIpv6AndDropIpv4() {
        LoadedProgram prog = host.prepare("lwt/seg6_encap.o", "lwt_in");
        byte[] in = Packets.ipv6(17, Packets.SRC6, Packets.DST6, slice(Packets.udp6(12), 40, 60));
        ProgTestRun.Output out = host.run(prog, in);
        assertThat(out.retval()).isEqualTo(BPF_OK);
        byte[] srh = Packets.hex("11 04 04 01 01 00 0000");
        byte[] expected = concat(slice(in, 0, 40), srh, Packets.addr6(0xfc, 2), Packets.addr6(0xfc, 0xe1),
                slice(in, 40, in.length));
        expected[6] = 43; // routing header
        Packets.put16(expected, 4, in.length - 40 + 40);
        System.arraycopy(Packets.addr6(0xfc, 0xe1), 0, expected, 24, 16);
        assertThat(hex(out.packet())).isEqualTo(hex(expected));

        assertThat(host.run(prog, Packets.ping4()).retval()).isEqualTo(BPF_DROP);
    }

    @Test
    void shouldSetMarkPriorityAndTraceWhileTestRunKeepsCb() {
        ProgTestRun.Output out = host.run(host.prepare("lwt/set_mark_cb.o", "lwt_xmit"), Packets.ping4());
        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(out.mark()).isEqualTo(42);
        assertThat(out.priority()).isEqualTo(7);
        assertThat(out.cb()).containsExactly(0, 84, 0, 0, 0); // test runs return what the program wrote
        assertThat(host.trace).containsExactly("len 84 proto 8 cb0 0");
    }

    @Test
    void shouldDecrementTtlWithLoadStoreAndL3CsumReplace() {
        byte[] ping = Packets.ping4();
        ProgTestRun.Output out = host.run(host.prepare("lwt/store_load_bytes.o", "lwt_xmit"), ping);
        byte[] expected = ping.clone();
        expected[8]--;
        Packets.fixIpv4Checksum(expected, 0);
        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(out.mark()).isEqualTo(1);
        assertThat(out.cb()[0]).isEqualTo(-14);
        assertThat(hex(out.packet())).isEqualTo(hex(expected));
    }

    @Test
    void shouldTailCallIntoTheSlotTheObjectInitialises() {
        LoadedObject obj = host.open("lwt/tail_call.o");
        ProgTestRun.Output out = host.run(obj.prepare("entry"), Packets.ping4());
        assertThat(out.error()).isNull();
        assertThat(out.retval()).isEqualTo(BPF_OK);
        assertThat(out.mark()).isEqualTo(0x77);
        assertThat(obj.object().progArraySlots()).hasSize(1);
    }

    @Test
    void shouldKeepUnchangedPacketsByteForByteWhenProgramOnlyReads() {
        byte[] udp = Packets.udp4(300);
        ProgTestRun.Output out = host.run(host.prepare("lwt/csum_diff.o", "lwt_xmit"), udp);
        assertThat(Arrays.equals(out.packet(), udp)).isTrue();
    }
}
