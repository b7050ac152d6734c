package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;
import io.lwtemu.ebpf.vm.RegionTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommonHelpersTest {
    private final HelperFixture f = new HelperFixture(ProgramType.LWT_OUT, UDP4);
    private final List<String> trace = new ArrayList<>();

    /** A one-slot-per-key u32 array, enough to see the helpers pass keys, values and flags through. */
    static final class TinyArray extends BpfMap {
        final byte[] values;
        final int region;
        long lastFlags = -1;

        TinyArray(int entries) {
            super(new MapDefinition("tiny", MapType.ARRAY, 4, 8, entries, 0, 0));
            values = new byte[8 * entries];
            region = RegionTable.global().register(
                    new MemoryRegion(MemoryRegion.Kind.MAP_VALUE, "map value of 'tiny'", values, 0, values.length, true));
        }

        @Override
        public long lookupElem(byte[] key, int off, int cpu) {
            long k = AddressSpace.get(key, off, 4);
            return k < values.length / 8 ? Pointer.of(region, (int) k * 8) : 0;
        }

        @Override
        public int updateElem(byte[] key, int off, byte[] value, int voff, long flags, int cpu) {
            long k = AddressSpace.get(key, off, 4);
            if (k >= values.length / 8) {
                return -Errno.E2BIG;
            }
            lastFlags = flags;
            System.arraycopy(value, voff, values, (int) k * 8, 8);
            return 0;
        }

        @Override
        public int deleteElem(byte[] key, int off) {
            return -Errno.EINVAL;
        }

        @Override
        public byte[] lookup(byte[] key) {
            return null;
        }

        @Override
        public int update(byte[] key, byte[] value, long flags) {
            return 0;
        }

        @Override
        public int delete(byte[] key) {
            return 0;
        }

        @Override
        public byte[] nextKey(byte[] key) {
            return null;
        }
    }

    @Test
    void shouldLookUpUpdateAndDeleteThroughMapHandle() {
        TinyArray map = new TinyArray(4);
        f.put(0, hex("02000000"));
        f.put(8, hex("0102030405060708"));
        assertThat(f.call(CommonHelpers.MAP_UPDATE_ELEM, map.handle(), f.stack(0), f.stack(8), BpfMap.BPF_EXIST))
                .isZero();
        assertThat(map.lastFlags).isEqualTo(BpfMap.BPF_EXIST);
        long value = f.call(CommonHelpers.MAP_LOOKUP_ELEM, map.handle(), f.stack(0));
        assertThat(f.ctx.memory.load(value, 8)).isEqualTo(0x0807060504030201L);
        f.put(0, hex("09000000"));
        assertThat(f.call(CommonHelpers.MAP_LOOKUP_ELEM, map.handle(), f.stack(0))).isZero();
        assertThat(f.call(CommonHelpers.MAP_DELETE_ELEM, map.handle(), f.stack(0))).isEqualTo(-Errno.EINVAL);
        assertThatThrownBy(() -> f.call(CommonHelpers.MAP_LOOKUP_ELEM, f.stack(0), f.stack(0)))
                .isInstanceOf(BpfFault.class).hasMessageContaining("not a map");
        map.close();
    }

    @Test
    void shouldUseContextClockRandomAndCpu() {
        f.ctx.clock = () -> 12_345_678_901L;
        f.ctx.random = new SplittableRandom(7);
        f.ctx.cpu = 3;
        long expected = new SplittableRandom(7).nextInt() & 0xffffffffL;
        assertThat(f.call(CommonHelpers.KTIME_GET_NS)).isEqualTo(12_345_678_901L);
        assertThat(f.call(CommonHelpers.GET_PRANDOM_U32)).isEqualTo(expected);
        assertThat(f.call(CommonHelpers.GET_SMP_PROCESSOR_ID)).isEqualTo(3);
        assertThat(f.call(CommonHelpers.JIFFIES64)).isEqualTo(12_345_678_901L / 4_000_000L);
    }

    @Test
    void shouldRefuseToRunInterpreterHelpers() {
        assertThatThrownBy(() -> f.call(CommonHelpers.TAIL_CALL, 0, 0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.call(CommonHelpers.LOOP, 0, 0, 0, 0)).isInstanceOf(IllegalStateException.class);
    }

    private long printk(String fmt, long... args) {
        byte[] b = (fmt + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        f.put(0, b);
        f.ctx.trace = trace::add;
        long[] a = java.util.Arrays.copyOf(args, 3);
        return f.call(CommonHelpers.TRACE_PRINTK, f.stack(0), b.length, a[0], a[1], a[2]);
    }

    @Test
    void shouldFormatTracePrintkLikeKernel() {
        assertThat(printk("len %d mark %x\n", 84, 0xbeef)).isEqualTo("len 84 mark beef\n".length());
        assertThat(printk("%d %u %lld", 0xffffffffL, 0xffffffffL, -2)).isEqualTo(16);
        assertThat(printk("%5d|%-3x|%05u|%%", 42, 10, 7)).isPositive();
        assertThat(printk("%c%c %+d", 'o', 'k', 5)).isEqualTo(5);
        assertThat(printk("%08x %+5d % d", 0xab, 3, 4)).isEqualTo(17); // lengths as Linux 6.18 returns
        f.put(400, "ab\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(printk("%5s|%-4c|", f.stack(400), 'z')).isEqualTo(11);
        assertThat(trace).containsExactly("len 84 mark beef\n", "-1 4294967295 -2", "   42|a  |00007|%", "ok +5",
                "000000ab    +3  4", "   ab|z   |");
    }

    @Test
    void shouldPrintStringsFromProgramMemory() {
        f.put(200, "hello\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(printk("say %s!", f.stack(200))).isEqualTo(10);
        assertThat(printk("bad %s.", 0x7777_0000_0000L)).isEqualTo(5);
        assertThat(trace).containsExactly("say hello!", "bad .");
    }

    @Test
    void shouldPrintAddressesThroughPointerExtensions() {
        f.put(300, hex("0a000002"));
        f.put(320, hex("20010db8000000000000000000000001"));
        assertThat(printk("to %pI4, %pi4", f.stack(300), f.stack(300))).isEqualTo(28); // as Linux 6.18
        assertThat(printk("%pI4x", f.stack(300))).isEqualTo(8);
        assertThat(printk("%pI6 %pi6", f.stack(320), f.stack(320))).isEqualTo(72);
        assertThat(printk("%px", 0x1234)).isEqualTo(16);
        assertThat(trace).containsExactly("to 10.0.0.2, 010.000.000.002", "10.0.0.2",
                "2001:0db8:0000:0000:0000:0000:0000:0001 20010db8000000000000000000000001", "0000000000001234");
    }

    @Test
    void shouldRejectBadTraceFormats() {
        assertThat(printk("%d %d %d %d", 1, 2, 3)).isEqualTo(-Errno.EINVAL);
        assertThat(printk("%f", 1)).isEqualTo(-Errno.EINVAL);
        assertThat(printk("%pQ", 1)).isEqualTo(-Errno.EINVAL);
        assertThat(printk("%pxy", 1)).isEqualTo(-Errno.EINVAL);
        assertThat(printk("%lld", 1)).isPositive();
        assertThat(printk("%llld", 1)).isEqualTo(-Errno.EINVAL);
        assertThat(printk("bell \u0007")).isEqualTo(-Errno.EINVAL);
        f.put(0, "no terminator".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(f.call(CommonHelpers.TRACE_PRINTK, f.stack(0), 13, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(trace).hasSize(1);
    }
}
