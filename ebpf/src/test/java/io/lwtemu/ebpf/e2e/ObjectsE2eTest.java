package io.lwtemu.ebpf.e2e;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.ProgArrayMap;
import io.lwtemu.ebpf.maps.RingBufMap;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import io.lwtemu.ebpf.vm.ExecutionContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lwtemu.ebpf.e2e.Packets.concat;
import static io.lwtemu.ebpf.e2e.Packets.le32;
import static io.lwtemu.ebpf.e2e.Packets.le64;
import static io.lwtemu.ebpf.e2e.Packets.readLe64;
import static org.assertj.core.api.Assertions.assertThat;

/** The e2e/*.o objects: tail calls, the map types and helpers the lwt/ programs leave out. */
class ObjectsE2eTest {
    private final E2e host = new E2e();

    @Test
    void shouldStopSelfTailCallsAfterThirtyThreeLikeTheKernel() {
        LoadedObject obj = host.open("e2e/tail_loop.o");
        ProgTestRun.Output out = host.run(obj.prepare("loop"), Packets.ping4());

        assertThat(out.error()).isNull();
        assertThat(out.retval()).isZero();
        assertThat(out.mark()).as("1 run + MAX_TAIL_CALL_CNT (33) tail calls").isEqualTo(34);
        assertThat(host.run(obj.prepare("loop"), Packets.ping4(), 100).mark()).isEqualTo(134);
    }

    @Test
    void shouldFallThroughATailCallToAnEmptySlot() {
        LoadedObject obj = host.open("e2e/tail_loop.o");
        assertThat(host.run(obj.prepare("bounce"), Packets.ping4()).retval()).isEqualTo(2);
    }

    @Test
    void shouldTailCallIntoASlotUserSpaceSets() {
        LoadedObject obj = host.open("e2e/tail_loop.o");
        obj.setTailCall("jmp", 1, "loop");
        ProgTestRun.Output out = host.run(obj.prepare("bounce"), Packets.ping4());
        assertThat(out.retval()).isZero();
        assertThat(out.mark()).as("bounce's call counts: loop runs 33 times").isEqualTo(33);
        assertThat(((ProgArrayMap) obj.maps().get("jmp")).program(0).name()).isEqualTo("loop");
    }

    @Test
    void shouldFillInitialSlotsWhicheverProgramIsPreparedFirst() {
        LoadedObject obj = host.open("lwt/tail_call.o");
        ProgArrayMap jmp = (ProgArrayMap) obj.maps().get("jmp");
        assertThat(jmp.program(0)).as("empty until a program is prepared").isNull();
        obj.prepare("entry");
        assertThat(jmp.program(0).name()).isEqualTo("stage2");
        assertThat(jmp.lookup(le32(0))).isNotNull();
    }

    @Test
    void shouldHandlePerCpuLruAndHashMapsAndTheirReturnCodes() {
        LoadedObject obj = host.open("e2e/more_maps.o");
        LoadedProgram prog = obj.prepare("more_maps");
        ProgTestRun.Output out = host.run(prog, Packets.ping4());
        assertThat(out.error()).isNull();
        assertThat(out.mark()).isEqualTo(1);
        host.runner.context().cpu = 1;
        host.run(prog, Packets.udp4(100));

        BpfMap rcs = obj.maps().get("rcs");
        long[] expected = {0, 0x1234, 0, -2, 0, -17, -2};
        for (int i = 0; i < expected.length; i++) {
            assertThat(readLe64(rcs.lookup(le32(i)), 0)).as("rcs[" + i + "]").isEqualTo(expected[i]);
        }
        assertThat(obj.maps().get("pc_hash").lookup(Packets.DST4)).isEqualTo(concat(le64(1), le64(1)));
        assertThat(obj.maps().get("lru").lookup(Packets.DST4)).isEqualTo(le32(128));
        assertThat(obj.maps().get("lru_pc").lookup(Packets.DST4)).isEqualTo(concat(le64(84), le64(128)));
        assertThat(obj.maps().get("scratch").lookup(le32(1))).isNull();
    }

    @Test
    void shouldCallTheRemainingHelpers() {
        LoadedObject obj = host.open("e2e/helpers_misc.o");
        ProgTestRun.Output out = host.run(obj.prepare("helpers_misc"), Packets.ping4());
        assertThat(out.error()).isNull();
        assertThat(out.retval()).isZero();
        assertThat(out.mark()).isEqualTo(0x600d);

        BpfMap rcs = obj.maps().get("rcs");
        long[] got = new long[22];
        for (int i = 0; i < got.length; i++) {
            got[i] = readLe64(rcs.lookup(le32(i)), 0);
        }
        // Checked against Linux 6.18 by KernelDifferentialTest (helpers_misc case).
        // get_tunnel_key -EINVAL and query 24 after the discard are what Linux 6.18 returns too.
        assertThat(got).containsExactly(1, 1, 1, 1, 1, 1, 0, 55, 10, 0, 0, 0, 0, -524, -13, -22, -2, -22, 1, 9, 1,
                24);
        assertThat(host.trace).containsExactly("hello 42\n");
        List<byte[]> records = new ArrayList<>();
        ((RingBufMap) obj.maps().get("rb")).poll(records::add);
        assertThat(records).as("the discarded record is not delivered").isEmpty();
    }

    @Test
    void shouldCloneToTheTestRunDevice() {
        ProgTestRun.Output out = host.run(host.prepare("e2e/helpers_misc.o", "clone"), Packets.ping4());
        assertThat(out.mark()).isZero();
        List<ExecutionContext.ClonedPacket> clones = host.runner.context().clones;
        assertThat(clones).hasSize(1);
        assertThat(clones.get(0).ifindex()).isEqualTo(1);
        assertThat(clones.get(0).packet()).isEqualTo(Packets.ping4());
    }
}
