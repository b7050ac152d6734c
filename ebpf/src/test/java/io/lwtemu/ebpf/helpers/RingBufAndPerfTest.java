package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.maps.PerfEventArrayMap;
import io.lwtemu.ebpf.maps.RingBufMap;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.lwtemu.ebpf.helpers.HelperFixture.*;
import static io.lwtemu.ebpf.helpers.HelperIds.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingBufAndPerfTest {
    private final HelperFixture f = new HelperFixture(ProgramType.LWT_XMIT, UDP4);
    private final RingBufMap ring = new RingBufMap(new MapDefinition("events", MapType.RINGBUF, 0, 0, 4096, 0, 0));
    private final PerfEventArrayMap perf = new PerfEventArrayMap(
            new MapDefinition("perf", MapType.PERF_EVENT_ARRAY, 4, 4, 2, 0, 0));
    private final List<byte[]> got = new ArrayList<>();

    @AfterEach
    void close() {
        ring.close();
        perf.close();
    }

    @Test
    void shouldDeliverRingbufOutputInOrder() {
        f.put(0, hex("0102030405"));
        assertThat(f.call(RingBufHelpers.RINGBUF_OUTPUT, ring.handle(), f.stack(0), 5, BPF_RB_NO_WAKEUP)).isZero();
        assertThat(f.call(RingBufHelpers.RINGBUF_OUTPUT, ring.handle(), f.stack(1), 2, 0)).isZero();
        assertThat(f.call(RingBufHelpers.RINGBUF_QUERY, ring.handle(), BPF_RB_AVAIL_DATA)).isEqualTo(32);
        assertThat(f.call(RingBufHelpers.RINGBUF_QUERY, ring.handle(), BPF_RB_RING_SIZE)).isEqualTo(4096);
        assertThat(ring.poll(got::add)).isEqualTo(2);
        assertThat(got).containsExactly(hex("0102030405"), hex("0203"));
        assertThat(f.call(RingBufHelpers.RINGBUF_QUERY, ring.handle(), BPF_RB_CONS_POS)).isEqualTo(32);
        assertThat(f.call(RingBufHelpers.RINGBUF_OUTPUT, ring.handle(), f.stack(0), 5, 4)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldWriteReservedRecordsAndSkipDiscardedOnes() {
        long a = f.call(RingBufHelpers.RINGBUF_RESERVE, ring.handle(), 8, 0);
        long b = f.call(RingBufHelpers.RINGBUF_RESERVE, ring.handle(), 4, 0);
        assertThat(a).isNotZero();
        f.ctx.memory.store(a, 8, 0x1122334455667788L);
        f.ctx.memory.store(b, 4, 1);
        assertThat(ring.poll(got::add)).isZero(); // first record still busy
        f.call(RingBufHelpers.RINGBUF_SUBMIT, a, 0);
        f.call(RingBufHelpers.RINGBUF_DISCARD, b, 0);
        assertThat(ring.poll(got::add)).isEqualTo(1);
        assertThat(got).containsExactly(hex("8877665544332211"));
        assertThat(f.call(RingBufHelpers.RINGBUF_RESERVE, ring.handle(), 8, 1)).isZero();
        assertThatThrownBy(() -> f.call(RingBufHelpers.RINGBUF_SUBMIT, f.stack(0), 0))
                .hasMessageContaining("not a reserved ring buffer record");
    }

    @Test
    void shouldRefuseWhenFullAndWrapAround() {
        assertThat(f.call(RingBufHelpers.RINGBUF_RESERVE, ring.handle(), 4096, 0)).isZero(); // header makes it too big
        long big = f.call(RingBufHelpers.RINGBUF_RESERVE, ring.handle(), 3000, 0);
        assertThat(big).isNotZero();
        f.call(RingBufHelpers.RINGBUF_SUBMIT, big, 0);
        f.put(0, new byte[1200]);
        assertThat(f.call(RingBufHelpers.RINGBUF_OUTPUT, ring.handle(), f.stack(0), 1200, 0)).isEqualTo(-Errno.EAGAIN);
        assertThat(ring.poll(got::add)).isEqualTo(1);
        byte[] payload = new byte[1200];
        payload[1199] = 9;
        f.put(0, payload);
        assertThat(f.call(RingBufHelpers.RINGBUF_OUTPUT, ring.handle(), f.stack(0), 1200, 0)).isZero(); // wraps
        got.clear();
        assertThat(ring.poll(got::add)).isEqualTo(1);
        assertThat(got.get(0)).isEqualTo(payload);
    }

    @Test
    void shouldRejectBadRingSizes() {
        assertThatThrownBy(() -> new RingBufMap(new MapDefinition("r", MapType.RINGBUF, 0, 0, 4000, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RingBufMap(new MapDefinition("r", MapType.RINGBUF, 4, 0, 4096, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldOutputMetaAndPacketBytesToCurrentCpuEvent() {
        f.ctx.cpu = 1;
        PerfEventArrayMap.PerfBuffer buf = perf.open(1, 1, 4096);
        f.put(0, hex("aabbccdd"));
        long flags = BPF_F_CURRENT_CPU | (20L << 32);
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), flags, f.stack(0), 4)).isZero();
        assertThat(buf.poll(got::add)).isEqualTo(1);
        // 4 + 20 bytes, padded so that 4 + size is a multiple of 8
        assertThat(hex(got.get(0))).isEqualTo("aabbccdd" + hex(hex(UDP4)).substring(0, 40) + "00000000");
    }

    @Test
    void shouldReportPerfOutputErrors() {
        perf.open(0, 0, 64);
        long out;
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 1L << 53, f.stack(0), 4))
                .isEqualTo(-Errno.EINVAL);
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 33L << 32, f.stack(0), 4))
                .isEqualTo(-Errno.EFAULT);
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 2, f.stack(0), 4))
                .isEqualTo(-Errno.E2BIG);
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 1, f.stack(0), 4))
                .isEqualTo(-Errno.ENOENT);
        f.ctx.cpu = 1;
        assertThat(f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 0, f.stack(0), 4))
                .isEqualTo(-Errno.EOPNOTSUPP);
        f.ctx.cpu = 0;
        do {
            out = f.call(SkbHelpers.PERF_EVENT_OUTPUT_P, f.ctxPtr, perf.handle(), 0, f.stack(0), 4);
        } while (out == 0);
        assertThat(out).isEqualTo(-Errno.ENOSPC);
        assertThat(perf.buffer(0).lost()).isEqualTo(1);
    }
}
