package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.e2e.Packets;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.PinNamespace;
import io.lwtemu.ebpf.vm.CompiledProgram;
import io.lwtemu.ebpf.vm.JitCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Loading one object for many routes parses, verifies and compiles it once, while every load keeps maps of its
 * own (pinned maps excepted), as when iproute2 loads the object anew for each route.
 */
class ProgramCacheTest {
    private static final Path BTF_MAPS = Path.of("src/test/bpf/loader/btf_maps.o");
    private static final Path BTF_MAPS_V2 = Path.of("src/test/bpf/loader/btf_maps.v2.o");
    private static final Path REJECTS = Path.of("src/test/bpf/e2e/rejects.o");

    private final ProgramCache cache = new ProgramCache(8);

    private BpfRuntime router() {
        return new BpfRuntime(2, new PinNamespace(), cache);
    }

    private static ProgTestRun.Output run(LoadedProgram p) {
        return ProgTestRun.run(p, new ProgTestRun.Input(Packets.ping4(), 0, 0, new int[5], 1));
    }

    /** The 32-bit value of {@code .data}'s {@code packets_seen} (its first variable; initially 7). */
    private static int packetsSeen(LoadedObject o) {
        byte[] v = o.object().map(".data").orElseThrow().lookup(new byte[4]);
        return (v[0] & 0xff) | (v[1] & 0xff) << 8 | (v[2] & 0xff) << 16 | (v[3] & 0xff) << 24;
    }

    @Test
    void shouldParseVerifyAndCompileOnceForTheSameBytes() {
        for (int i = 0; i < 5; i++) {
            router().open(BTF_MAPS, null).prepare("count_in");
        }
        assertThat(cache.parses()).isEqualTo(1);
        assertThat(cache.verifications()).isEqualTo(1);
        assertThat(cache.compilations()).isEqualTo(JitCompiler.enabled() ? 1 : 0);
    }

    @Test
    void shouldGiveEachLoadTheSameVerdict() {
        LoadedProgram first = router().open(BTF_MAPS, null).prepare("count_out");
        LoadedProgram second = router().open(BTF_MAPS, null).prepare("count_out");
        assertThat(second.verification()).isEqualTo(first.verification());
        assertThat(second.program().insns()).isEqualTo(first.program().insns());
    }

    @Test
    void shouldVerifyEachSectionSeparately() {
        LoadedObject a = router().open(BTF_MAPS, null);
        a.prepare("count_in");
        a.prepare("count_out");
        router().open(BTF_MAPS, null).prepare("count_out");
        assertThat(cache.parses()).isEqualTo(1);
        assertThat(cache.verifications()).isEqualTo(2);
    }

    @Test
    void shouldParseDifferentBytesSeparatelyEvenUnderTheSameName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prog.o");
        Files.copy(BTF_MAPS, file);
        LoadedProgram before = router().open(file, null).prepare("count_in");
        Files.copy(BTF_MAPS_V2, file, StandardCopyOption.REPLACE_EXISTING); // rebuilt with -mcpu=v2
        LoadedProgram after = router().open(file, null).prepare("count_in");

        assertThat(cache.parses()).isEqualTo(2);
        assertThat(cache.verifications()).isEqualTo(2);
        assertThat(after.program().insns()).isNotEqualTo(before.program().insns());
    }

    @Test
    void shouldGiveEveryLoadItsOwnMaps() {
        LoadedObject a = router().open(BTF_MAPS, null);
        LoadedObject b = router().open(BTF_MAPS, null);
        LoadedProgram countA = a.prepare("count_in");
        LoadedProgram countB = b.prepare("count_in");
        if (JitCompiler.enabled()) {
            assertThat(countA.interpreter()).isInstanceOf(CompiledProgram.class);
            assertThat(countB.interpreter()).isInstanceOf(CompiledProgram.class);
        }
        assertThat(b.maps().get("percpu_hits")).isNotSameAs(a.maps().get("percpu_hits"));

        run(countA);
        run(countA);
        run(countB);

        assertThat(packetsSeen(a)).isEqualTo(9); // .data, reached by ld_imm64 map value
        assertThat(packetsSeen(b)).isEqualTo(8);
        assertThat(a.maps().get("percpu_hits").lookup(new byte[4])[0]).isEqualTo((byte) 2); // CPU 0's counter
        assertThat(b.maps().get("percpu_hits").lookup(new byte[4])[0]).isEqualTo((byte) 1);
    }

    @Test
    void shouldSharePinnedMapsByPinPath() {
        BpfRuntime host = router();
        LoadedObject a = host.open(BTF_MAPS, null);
        LoadedObject b = host.open(BTF_MAPS, null);
        LoadedObject elsewhere = router().open(BTF_MAPS, null); // another host: its own /sys/fs/bpf

        BpfMap pinned = a.maps().get("pinned_marks");
        assertThat(b.maps().get("pinned_marks")).isSameAs(pinned);
        assertThat(elsewhere.maps().get("pinned_marks")).isNotSameAs(pinned);
        assertThat(b.maps().get("counters")).isNotSameAs(a.maps().get("counters"));
        assertThat(cache.parses()).isEqualTo(1);
    }

    @Test
    void shouldRejectAgainWithTheSameErrorOnEveryLoad() {
        ProgramRejectedException first = catchThrowableOfType(
                () -> router().open(REJECTS, null).prepare("pkt_no_bounds"), ProgramRejectedException.class);
        ProgramRejectedException second = catchThrowableOfType(
                () -> router().open(REJECTS, null).prepare("pkt_no_bounds"), ProgramRejectedException.class);

        assertThat(first).hasMessageContaining("invalid access to packet");
        assertThat(second).hasMessage(first.getMessage());
        assertThat(second.log()).isEqualTo(first.log());
        assertThat(router().open(REJECTS, null).prepare("accepted").verification().processedInsns()).isPositive();
    }

    @Test
    void shouldNotKeepAnObjectThatFailedToParse(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.o");
        Files.write(file, new byte[] {0x7f, 'E', 'L', 'F', 1});
        BpfRuntime r = router();
        assertThatThrownBy(() -> r.open(file, null)).hasMessageContaining(file.toString());
        assertThatThrownBy(() -> r.open(file, null)).hasMessageContaining(file.toString());
        Files.copy(BTF_MAPS, file, StandardCopyOption.REPLACE_EXISTING);
        assertThat(r.open(file, null).prepare("count_in").verification().processedInsns()).isPositive();
        assertThat(cache.parses()).isEqualTo(1);
    }

    @Test
    void shouldForgetTheLeastRecentlyUsedObjectBeyondItsCapacity() {
        ProgramCache small = new ProgramCache(1);
        BpfRuntime r = new BpfRuntime(1, new PinNamespace(), small);
        r.open(BTF_MAPS, null);
        r.open(REJECTS, null);
        r.open(BTF_MAPS, null);
        assertThat(small.parses()).isEqualTo(3);
    }
}
