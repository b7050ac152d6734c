package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import org.junit.jupiter.api.Test;

import static io.lwtemu.ebpf.e2e.Packets.le64;
import static org.assertj.core.api.Assertions.assertThat;

/** BPF_PROG_TEST_RUN's own rules, beyond what a program does. */
class ProgTestRunE2eTest {
    private final E2e host = new E2e();

    @Test
    void shouldRefuseIpPacketsShorterThanTheirHeaderWithoutRunning() {
        LoadedObject obj = host.open("lwt/counters.o");
        LoadedProgram prog = obj.prepare("count");
        byte[] shortV4 = Packets.slice(Packets.ping4(), 0, 19);

        ProgTestRun.Output out = host.run(prog, shortV4, 9);

        assertThat(out.error()).contains("EINVAL").contains("IPv4");
        assertThat(out.mark()).isEqualTo(9);
        assertThat(out.packet()).isEqualTo(shortV4);
        assertThat(host.run(prog, Packets.slice(Packets.udp6(0), 0, 39)).error()).contains("IPv6");
        assertThat(obj.maps().get("pkts").lookup(Packets.DST4)).as("the program never ran").isNull();
    }

    @Test
    void shouldRunShortNonIpPacketsLikeTheKernel() {
        byte[] notIp = new byte[19];
        notIp[1] = 0x11;
        ProgTestRun.Output out = host.run(host.prepare("lwt/drop_all.o", "drop_xmit"), notIp);
        assertThat(out.error()).isNull();
        assertThat(out.retval()).isEqualTo(2);
    }

    @Test
    void shouldRunTheProgramRepeatTimesOnOneSkb() {
        LoadedObject obj = host.open("lwt/counters.o");
        ProgTestRun.Output out = host.run(obj.prepare("count"),
                new ProgTestRun.Input(Packets.ping4(), 0, 0, new int[5], 5));
        assertThat(out.error()).isNull();
        assertThat(obj.maps().get("pkts").lookup(Packets.DST4)).isEqualTo(le64(5));
    }
}
