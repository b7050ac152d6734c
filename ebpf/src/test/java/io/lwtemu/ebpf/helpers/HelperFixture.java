package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.prog.LwtRun;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.util.HexFormat;

/** An execution context around a packet, with a 4 KiB stack for helper buffer arguments. */
final class HelperFixture {
    final ExecutionContext ctx = new ExecutionContext();
    final LwtRun run = new LwtRun(ctx);
    final MemoryRegion stack = new MemoryRegion(MemoryRegion.Kind.STACK, "stack", new byte[4096], 0, 4096, true);
    SkBuff skb;
    long ctxPtr;

    /** IPv4/UDP 10.0.0.1:1234 -> 10.0.0.2:5678, 4 payload bytes "abcd", valid IP and UDP checksums. */
    static final String UDP4 = "4500 0020 0001 0000 4011 66ca 0a00 0001 0a00 0002"
            + "04d2 162e 000c 0c0d 6162 6364";

    /** IPv6/UDP 2001:db8::1 -> 2001:db8::2, 4 payload bytes. */
    static final String UDP6 = "6000 0000 000c 1140 2001 0db8 0000 0000 0000 0000 0000 0001"
            + "2001 0db8 0000 0000 0000 0000 0000 0002 04d2 162e 000c 0000 6162 6364";

    HelperFixture(ProgramType type, String packetHex) {
        this(type, packetHex, 32);
    }

    HelperFixture(ProgramType type, String packetHex, int headroom) {
        skb = SkBuff.of(hex(packetHex), headroom);
        ctx.memory.set(AddressSpace.STACK, stack);
        ctxPtr = run.begin(skb, type, 3);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    long stack(int offset) {
        return Pointer.of(AddressSpace.STACK, offset);
    }

    void put(int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, stack.bytes, offset, bytes.length);
    }

    byte[] stackBytes(int offset, int len) {
        return java.util.Arrays.copyOfRange(stack.bytes, offset, offset + len);
    }

    long call(HelperProto p, long... args) {
        long[] a = java.util.Arrays.copyOf(args, 5);
        return p.body().call(ctx, a[0], a[1], a[2], a[3], a[4]);
    }

    byte[] packet() {
        return skb.toByteArray();
    }

    /** RFC 1071 checksum over big-endian words, written independently of the code under test. */
    static int internetChecksum(byte[] b, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }
}
