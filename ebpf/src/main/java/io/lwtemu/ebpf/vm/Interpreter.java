package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.ProgArrayMap;

import static io.lwtemu.ebpf.isa.Opcodes.*;
import static io.lwtemu.ebpf.vm.Decoder.*;

/**
 * Runs one program's bytecode (ISA v1–v4, RFC 9669) with the kernel's semantics: 32-bit ALU results
 * zero-extended, shift amounts masked, {@code x / 0 = 0}, {@code x % 0 = x}, bpf-to-bpf calls with
 * callee-saved r6–r9, tail calls, {@code bpf_loop} callbacks.
 *
 * <p>Prepared once per program (see {@link Decoder}) and then shared by every thread; all per-run state
 * (registers, stack, instruction budget) lives in the {@link ExecutionContext}. Memory accesses resolve
 * {@link Pointer}s through the context's {@link AddressSpace}, so a stray access is a {@link BpfFault}
 * naming the instruction, never a JVM error.
 *
 * <p>Stack: one region of {@link #STACK_SIZE} bytes at {@link AddressSpace#STACK} holds all call frames;
 * frame {@code d}'s r10 is {@code STACK_SIZE - d * 512}, so frame 0 sits at the top and callees grow
 * downwards like a real stack.
 */
public final class Interpreter implements BpfExecutable {
    public static final int STACK_FRAME_SIZE = MAX_BPF_STACK;
    public static final int STACK_SIZE = MAX_CALL_FRAMES * STACK_FRAME_SIZE;
    /** Kernel's BPF_MAX_LOOPS: most iterations one bpf_loop call may run. */
    public static final long BPF_MAX_LOOPS = 1L << 23;
    /** Region id of the values {@code ld_imm64 BPF_PSEUDO_FUNC} yields; nothing is ever registered there. */
    static final int CALLBACK_REGION = 0xffff_fff0;

    private static final long M32 = 0xffff_ffffL;

    private final BpfProgram program;
    private final HelperProto[] helpers;
    /** Per instruction: {@code imm << 32 | off << 16 | src << 12 | dst << 8 | op} (see {@link Decoder}). */
    final long[] code;
    /** 64-bit constants of ld_imm64, at the instruction's index. */
    final long[] wide;
    final HelperProto[] calls;

    /**
     * @param program      self-contained bytecode and its maps
     * @param helpersById  helper table indexed by helper number; null entries are unknown helpers. Kept, not
     *                     copied (share one table per program type; tail-call targets reuse it by identity)
     * @throws InvalidBytecodeException when an instruction is malformed or refers to something missing
     */
    public Interpreter(BpfProgram program, HelperProto[] helpersById) {
        this.program = program;
        this.helpers = helpersById;
        Decoder d = new Decoder(program, this.helpers);
        this.code = new long[d.code.length];
        this.wide = d.imms;
        for (int pc = 0; pc < code.length; pc++) {
            code[pc] = (d.imms[pc] << 32) | (d.code[pc] & 0xffffffffL);
        }
        this.calls = d.calls;
    }

    public BpfProgram program() {
        return program;
    }

    /** True when this interpreter was prepared with the helper table {@code helpersById} (same instance). */
    public boolean usesHelpers(HelperProto[] helpersById) {
        return helpers == helpersById;
    }

    /** Runs the program with r1 = {@code r1} (the context or memory pointer); returns r0. */
    @Override
    public long run(ExecutionContext ctx, long r1) {
        return run(ctx, r1, 0);
    }

    /** Runs the program with r1 and r2 set (memory pointer and length for raw-memory programs); returns r0. */
    @Override
    public long run(ExecutionContext ctx, long r1, long r2) {
        long[] r = ctx.registers;
        java.util.Arrays.fill(r, 0);
        r[1] = r1;
        r[2] = r2;
        r[10] = Pointer.of(AddressSpace.STACK, STACK_SIZE);
        if (ctx.memory.region(AddressSpace.STACK) != ctx.stack) { // a reference store costs a GC barrier
            ctx.memory.set(AddressSpace.STACK, ctx.stack);
        }
        ctx.budgetLeft = ctx.instructionBudget;
        ctx.tailCalls = 0;
        ctx.exitRequested = false;
        long r0;
        try {
            r0 = execute(ctx, r, 0, 0);
        } catch (StackOverflowError e) {
            throw new BpfFault(-1, "program '" + program.name() + "': interpreter stack exhausted");
        }
        return r0;
    }

    /**
     * Runs from {@code pc} in call frame {@code depth} until the frame's EXIT; returns r0. Calls recurse,
     * a tail call continues in the target program's {@code execute} in the same frame.
     */
    private long execute(ExecutionContext ctx, long[] r, int startPc, int depth) {
        final long[] code = this.code;
        final long[] wide = this.wide;
        final AddressSpace mem = ctx.memory;
        long left = ctx.budgetLeft;
        int pc = startPc;
        try {
            for (;;) {
                final long w = code[pc++];
                final int dst = ((int) w >>> 8) & 15;
                final int src = ((int) w >>> 12) & 15;
                switch ((int) w & 0xff) {
                    // ---- ALU64 ----
                    case 0x07: r[dst] += (w >> 32); break;
                    case 0x0f: r[dst] += r[src]; break;
                    case 0x17: r[dst] -= (w >> 32); break;
                    case 0x1f: r[dst] -= r[src]; break;
                    case 0x27: r[dst] *= (w >> 32); break;
                    case 0x2f: r[dst] *= r[src]; break;
                    case 0x37: r[dst] = udiv64(r[dst], (w >> 32)); break;
                    case 0x3f: r[dst] = udiv64(r[dst], r[src]); break;
                    case 0x47: r[dst] |= (w >> 32); break;
                    case 0x4f: r[dst] |= r[src]; break;
                    case 0x57: r[dst] &= (w >> 32); break;
                    case 0x5f: r[dst] &= r[src]; break;
                    case 0x67: r[dst] <<= (w >> 32); break;
                    case 0x6f: r[dst] <<= r[src]; break;
                    case 0x77: r[dst] >>>= (w >> 32); break;
                    case 0x7f: r[dst] >>>= r[src]; break;
                    case 0x87: r[dst] = -r[dst]; break;
                    case 0x97: r[dst] = umod64(r[dst], (w >> 32)); break;
                    case 0x9f: r[dst] = umod64(r[dst], r[src]); break;
                    case 0xa7: r[dst] ^= (w >> 32); break;
                    case 0xaf: r[dst] ^= r[src]; break;
                    case 0xb7: r[dst] = (w >> 32); break;
                    case 0xbf: r[dst] = r[src]; break;
                    case 0xc7: r[dst] >>= (w >> 32); break;
                    case 0xcf: r[dst] >>= r[src]; break;
                    case SDIV64_K: r[dst] = sdiv64(r[dst], (w >> 32)); break;
                    case SDIV64_X: r[dst] = sdiv64(r[dst], r[src]); break;
                    case SMOD64_K: r[dst] = smod64(r[dst], (w >> 32)); break;
                    case SMOD64_X: r[dst] = smod64(r[dst], r[src]); break;
                    case MOVSX64_8: r[dst] = (byte) r[src]; break;
                    case MOVSX64_16: r[dst] = (short) r[src]; break;
                    case MOVSX64_32: r[dst] = (int) r[src]; break;
                    case SWAP16:
                    case BE16: r[dst] = Short.reverseBytes((short) r[dst]) & 0xffffL; break;
                    case SWAP32:
                    case BE32: r[dst] = Integer.reverseBytes((int) r[dst]) & M32; break;
                    case SWAP64:
                    case BE64: r[dst] = Long.reverseBytes(r[dst]); break;
                    case LE16: r[dst] &= 0xffffL; break;
                    case LE32: r[dst] &= M32; break;
                    case LE64: break;

                    // ---- ALU (32-bit, result zero-extended) ----
                    case 0x04: r[dst] = (r[dst] + (w >> 32)) & M32; break;
                    case 0x0c: r[dst] = (r[dst] + r[src]) & M32; break;
                    case 0x14: r[dst] = (r[dst] - (w >> 32)) & M32; break;
                    case 0x1c: r[dst] = (r[dst] - r[src]) & M32; break;
                    case 0x24: r[dst] = (r[dst] * (w >> 32)) & M32; break;
                    case 0x2c: r[dst] = (r[dst] * r[src]) & M32; break;
                    case 0x34: r[dst] = udiv32(r[dst], (w >> 32)); break;
                    case 0x3c: r[dst] = udiv32(r[dst], r[src]); break;
                    case 0x44: r[dst] = (r[dst] | (w >> 32)) & M32; break;
                    case 0x4c: r[dst] = (r[dst] | r[src]) & M32; break;
                    case 0x54: r[dst] = (r[dst] & (w >> 32)) & M32; break;
                    case 0x5c: r[dst] = (r[dst] & r[src]) & M32; break;
                    case 0x64: r[dst] = ((int) r[dst] << (w >> 32)) & M32; break;
                    case 0x6c: r[dst] = ((int) r[dst] << r[src]) & M32; break;
                    case 0x74: r[dst] = ((int) r[dst] >>> (w >> 32)) & M32; break;
                    case 0x7c: r[dst] = ((int) r[dst] >>> r[src]) & M32; break;
                    case 0x84: r[dst] = -r[dst] & M32; break;
                    case 0x94: r[dst] = umod32(r[dst], (w >> 32)); break;
                    case 0x9c: r[dst] = umod32(r[dst], r[src]); break;
                    case 0xa4: r[dst] = (r[dst] ^ (w >> 32)) & M32; break;
                    case 0xac: r[dst] = (r[dst] ^ r[src]) & M32; break;
                    case 0xb4: r[dst] = (w >> 32) & M32; break;
                    case 0xbc: r[dst] = r[src] & M32; break;
                    case 0xc4: r[dst] = ((int) r[dst] >> (w >> 32)) & M32; break;
                    case 0xcc: r[dst] = ((int) r[dst] >> r[src]) & M32; break;
                    case SDIV32_K: r[dst] = sdiv32(r[dst], (w >> 32)); break;
                    case SDIV32_X: r[dst] = sdiv32(r[dst], r[src]); break;
                    case SMOD32_K: r[dst] = smod32(r[dst], (w >> 32)); break;
                    case SMOD32_X: r[dst] = smod32(r[dst], r[src]); break;
                    case MOVSX32_8: r[dst] = (byte) r[src] & M32; break;
                    case MOVSX32_16: r[dst] = (short) r[src] & M32; break;

                    // ---- JMP (64-bit compares) ----
                    case 0x05: pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); break;
                    case 0x15: if (r[dst] == (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x1d: if (r[dst] == r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x25: if (r[dst] + Long.MIN_VALUE > (w >> 32) + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x2d: if (r[dst] + Long.MIN_VALUE > r[src] + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x35: if (r[dst] + Long.MIN_VALUE >= (w >> 32) + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x3d: if (r[dst] + Long.MIN_VALUE >= r[src] + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x45: if ((r[dst] & (w >> 32)) != 0) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x4d: if ((r[dst] & r[src]) != 0) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x55: if (r[dst] != (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x5d: if (r[dst] != r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x65: if (r[dst] > (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x6d: if (r[dst] > r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x75: if (r[dst] >= (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x7d: if (r[dst] >= r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xa5: if (r[dst] + Long.MIN_VALUE < (w >> 32) + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xad: if (r[dst] + Long.MIN_VALUE < r[src] + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xb5: if (r[dst] + Long.MIN_VALUE <= (w >> 32) + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xbd: if (r[dst] + Long.MIN_VALUE <= r[src] + Long.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xc5: if (r[dst] < (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xcd: if (r[dst] < r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xd5: if (r[dst] <= (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xdd: if (r[dst] <= r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;

                    // ---- JMP32 (32-bit compares) ----
                    case 0x06: pc += (int) (w >> 32); if (w < 0 && (left += (int) (w >> 32)) < 0) throw budgetExceeded(ctx, pc, (int) (w >> 32)); break;
                    case 0x16: if ((int) r[dst] == (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x1e: if ((int) r[dst] == (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x26: if ((int) r[dst] + Integer.MIN_VALUE > (int) (w >> 32) + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x2e: if ((int) r[dst] + Integer.MIN_VALUE > (int) r[src] + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x36: if ((int) r[dst] + Integer.MIN_VALUE >= (int) (w >> 32) + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x3e: if ((int) r[dst] + Integer.MIN_VALUE >= (int) r[src] + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x46: if (((int) r[dst] & (int) (w >> 32)) != 0) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x4e: if (((int) r[dst] & (int) r[src]) != 0) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x56: if ((int) r[dst] != (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x5e: if ((int) r[dst] != (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x66: if ((int) r[dst] > (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x6e: if ((int) r[dst] > (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x76: if ((int) r[dst] >= (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0x7e: if ((int) r[dst] >= (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xa6: if ((int) r[dst] + Integer.MIN_VALUE < (int) (w >> 32) + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xae: if ((int) r[dst] + Integer.MIN_VALUE < (int) r[src] + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xb6: if ((int) r[dst] + Integer.MIN_VALUE <= (int) (w >> 32) + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xbe: if ((int) r[dst] + Integer.MIN_VALUE <= (int) r[src] + Integer.MIN_VALUE) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xc6: if ((int) r[dst] < (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xce: if ((int) r[dst] < (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xd6: if ((int) r[dst] <= (int) (w >> 32)) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;
                    case 0xde: if ((int) r[dst] <= (int) r[src]) { pc += (int) w >> 16; if ((int) w < 0 && (left += (int) w >> 16) < 0) throw budgetExceeded(ctx, pc, (int) w >> 16); } break;

                    // ---- loads ----
                    case 0x18: r[dst] = wide[pc - 1]; pc++; break;
                    case 0x61: r[dst] = loadW(mem, r[src] + ((int) w >> 16)); break;
                    case 0x69: r[dst] = loadH(mem, r[src] + ((int) w >> 16)); break;
                    case 0x71: r[dst] = loadB(mem, r[src] + ((int) w >> 16)); break;
                    case 0x79: r[dst] = loadDW(mem, r[src] + ((int) w >> 16)); break;
                    case 0x81: r[dst] = (int) loadW(mem, r[src] + ((int) w >> 16)); break;
                    case 0x89: r[dst] = (short) loadH(mem, r[src] + ((int) w >> 16)); break;
                    case 0x91: r[dst] = (byte) loadB(mem, r[src] + ((int) w >> 16)); break;

                    // ---- stores ----
                    case 0x62: storeW(mem, r[dst] + ((int) w >> 16), (int) (w >> 32)); break;
                    case 0x6a: storeH(mem, r[dst] + ((int) w >> 16), (short) (w >> 32)); break;
                    case 0x72: storeB(mem, r[dst] + ((int) w >> 16), (byte) (w >> 32)); break;
                    case 0x7a: storeDW(mem, r[dst] + ((int) w >> 16), (w >> 32)); break;
                    case 0x63: storeW(mem, r[dst] + ((int) w >> 16), (int) r[src]); break;
                    case 0x6b: storeH(mem, r[dst] + ((int) w >> 16), (short) r[src]); break;
                    case 0x73: storeB(mem, r[dst] + ((int) w >> 16), (byte) r[src]); break;
                    case 0x7b: storeDW(mem, r[dst] + ((int) w >> 16), r[src]); break;
                    case ATOMIC_W: atomic32(mem, r, (int) w, (int) (w >> 32)); break;
                    case ATOMIC_DW: atomic64(mem, r, (int) w, (int) (w >> 32)); break;

                    // ---- calls ----
                    case CALL_HELPER:
                        r[0] = callHelper(ctx, calls[pc - 1], r);
                        if (ctx.exitRequested) {
                            ctx.budgetLeft = left;
                            return r[0];
                        }
                        break;
                    case CALL_LOCAL:
                        ctx.budgetLeft = left - 1;
                        callLocal(ctx, r, (int) (w >> 32), depth);
                        left = ctx.budgetLeft;
                        if (ctx.exitRequested) {
                            return r[0];
                        }
                        break;
                    case CALLX:
                        ctx.budgetLeft = left;
                        r[0] = callByNumber(ctx, r, r[dst], depth);
                        left = ctx.budgetLeft;
                        if (ctx.exitRequested) {
                            return r[0];
                        }
                        break;
                    case LOOP:
                        ctx.budgetLeft = left;
                        r[0] = bpfLoop(ctx, r, depth);
                        left = ctx.budgetLeft;
                        if (ctx.exitRequested) {
                            return r[0];
                        }
                        break;
                    case TAIL_CALL: {
                        Interpreter target = tailCallTarget(ctx, r);
                        if (target != null) {
                            ctx.budgetLeft = left;
                            return target.execute(ctx, r, 0, depth);
                        }
                        break;
                    }
                    case EXIT:
                        ctx.budgetLeft = left;
                        return r[0];
                    case LDDW_SLOT2:
                        throw new BpfFault(pc - 1, "executed the second slot of an ld_imm64");
                    case FELL_OFF:
                        throw new BpfFault(pc - 1, "fell off the end of program '" + program.name() + "'");
                    default:
                        throw new BpfFault(pc - 1, "unknown internal opcode 0x" + Integer.toHexString((int) w & 0xff));
                }
            }
        } catch (BpfFault f) {
            // faults from memory accesses and helpers carry no pc yet; name the program too, since after a
            // tail call it is not the one the caller started
            throw f.pc() >= 0 ? f : new BpfFault(pc - 1, f.getMessage() + " (program '" + program.name() + "')");
        } catch (RuntimeException e) {
            throw new BpfFault(pc - 1, "internal error in program '" + program.name() + "': " + e);
        }
    }

    /** The fault for a backward jump by {@code offset} that just landed on {@code pc}. */
    static BpfFault budgetExceeded(ExecutionContext ctx, int pc, int offset) {
        return new BpfFault(pc - offset - 1, "instruction budget of " + ctx.instructionBudget + " exceeded (endless loop?)");
    }

    // ---- ALU edge cases -------------------------------------------------------------------------

    static long udiv64(long a, long b) {
        return b == 0 ? 0 : Long.divideUnsigned(a, b);
    }

    static long umod64(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long sdiv64(long a, long b) {
        return b == 0 ? 0 : b == -1 ? -a : a / b;
    }

    static long smod64(long a, long b) {
        return b == 0 ? a : b == -1 ? 0 : a % b;
    }

    static long udiv32(long a, long b) {
        return (int) b == 0 ? 0 : Integer.divideUnsigned((int) a, (int) b) & M32;
    }

    static long umod32(long a, long b) {
        return (int) b == 0 ? a & M32 : Integer.remainderUnsigned((int) a, (int) b) & M32;
    }

    static long sdiv32(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return (y == 0 ? 0 : y == -1 ? -x : x / y) & M32;
    }

    static long smod32(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return (y == 0 ? x : y == -1 ? 0 : x % y) & M32;
    }

    // ---- memory: inlined fast path, AddressSpace for context, faults and their messages -----------

    static long loadDW(AddressSpace mem, long a) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 8 && m.context == null) {
            return (long) AddressSpace.LE_LONG.get(m.bytes, i);
        }
        return slowLoad(mem, a, 8);
    }

    /**
     * Zero-extended (sign-extending loads cast the result). Context loads are not truncated: the kernel
     * rewrites a 4-byte load of {@code __sk_buff.data} into a 64-bit pointer load, and so does the context.
     */
    static long loadW(AddressSpace mem, long a) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 4 && m.context == null) {
            return ((int) AddressSpace.LE_INT.get(m.bytes, i)) & M32;
        }
        return slowLoad(mem, a, 4);
    }

    static long loadH(AddressSpace mem, long a) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 2 && m.context == null) {
            return ((short) AddressSpace.LE_SHORT.get(m.bytes, i)) & 0xffffL;
        }
        return slowLoad(mem, a, 2);
    }

    static long loadB(AddressSpace mem, long a) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i < m.end && m.context == null) {
            return m.bytes[i] & 0xffL;
        }
        return slowLoad(mem, a, 1);
    }

    static void storeDW(AddressSpace mem, long a, long v) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 8 && m.writable && m.context == null) {
            AddressSpace.LE_LONG.set(m.bytes, i, v);
        } else {
            slowStore(mem, a, 8, v);
        }
    }

    static void storeW(AddressSpace mem, long a, int v) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 4 && m.writable && m.context == null) {
            AddressSpace.LE_INT.set(m.bytes, i, v);
        } else {
            slowStore(mem, a, 4, v);
        }
    }

    static void storeH(AddressSpace mem, long a, short v) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i <= m.end - 2 && m.writable && m.context == null) {
            AddressSpace.LE_SHORT.set(m.bytes, i, v);
        } else {
            slowStore(mem, a, 2, v);
        }
    }

    static void storeB(AddressSpace mem, long a, byte v) {
        MemoryRegion m = mem.region((int) (a >>> 32));
        int i = (int) a;
        if (m != null && i >= m.start && i < m.end && m.writable && m.context == null) {
            m.bytes[i] = v;
        } else {
            slowStore(mem, a, 1, v);
        }
    }

    private static long slowLoad(AddressSpace mem, long a, int size) {
        if (Pointer.region(a) == 0) {
            throw new BpfFault("read of " + size + " byte(s) at 0x" + Long.toHexString(a) + ": null pointer dereference");
        }
        return mem.load(a, size);
    }

    private static void slowStore(AddressSpace mem, long a, int size, long v) {
        if (Pointer.region(a) == 0) {
            throw new BpfFault("write of " + size + " byte(s) at 0x" + Long.toHexString(a) + ": null pointer dereference");
        }
        mem.store(a, size, v);
    }

    /** Resolves the memory of an atomic operation: writable, in bounds, naturally aligned, not the context. */
    static MemoryRegion atomicTarget(AddressSpace mem, long a, int size) {
        if (Pointer.region(a) == 0) {
            throw new BpfFault("atomic access of " + size + " bytes at 0x" + Long.toHexString(a)
                    + ": null pointer dereference");
        }
        MemoryRegion m = mem.resolve(a, size, true);
        if ((Pointer.index(a) & (size - 1)) != 0) {
            throw new BpfFault("atomic access of " + size + " bytes at 0x" + Long.toHexString(a) + " in " + m.name
                    + " is misaligned");
        }
        return m;
    }

    private static void atomic32(AddressSpace mem, long[] r, int w, int op) {
        long a = r[(w >>> 8) & 15] + (w >> 16);
        int s = (w >>> 12) & 15;
        MemoryRegion m = atomicTarget(mem, a, 4);
        byte[] b = m.bytes;
        int i = Pointer.index(a);
        int v = (int) r[s];
        int old;
        switch (op & ~BPF_FETCH) {
            case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR: case BPF_XCHG & ~BPF_FETCH:
                old = AtomicBytes.getAndOp32(b, i, op & ~BPF_FETCH, v);
                break;
            case BPF_CMPXCHG & ~BPF_FETCH:
                r[0] = AtomicBytes.cmpxchg32(b, i, (int) r[0], v) & M32;
                return;
            default:
                throw new BpfFault("unknown atomic operation 0x" + Integer.toHexString(op));
        }
        if ((op & BPF_FETCH) != 0) {
            r[s] = old & M32;
        }
    }

    private static void atomic64(AddressSpace mem, long[] r, int w, int op) {
        long a = r[(w >>> 8) & 15] + (w >> 16);
        int s = (w >>> 12) & 15;
        MemoryRegion m = atomicTarget(mem, a, 8);
        byte[] b = m.bytes;
        int i = Pointer.index(a);
        long v = r[s];
        long old;
        switch (op & ~BPF_FETCH) {
            case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR: case BPF_XCHG & ~BPF_FETCH:
                old = AtomicBytes.getAndOp64(b, i, op & ~BPF_FETCH, v);
                break;
            case BPF_CMPXCHG & ~BPF_FETCH:
                r[0] = AtomicBytes.cmpxchg64(b, i, r[0], v);
                return;
            default:
                throw new BpfFault("unknown atomic operation 0x" + Integer.toHexString(op));
        }
        if ((op & BPF_FETCH) != 0) {
            r[s] = old;
        }
    }

    // ---- calls ----------------------------------------------------------------------------------

    private static long callHelper(ExecutionContext ctx, HelperProto proto, long[] r) {
        try {
            return proto.body().call(ctx, r[1], r[2], r[3], r[4], r[5]);
        } catch (BpfFault f) {
            throw f.getMessage().startsWith("helper ") ? f
                    : new BpfFault(f.pc(), "helper " + proto.name() + ": " + f.getMessage());
        } catch (RuntimeException e) {
            throw new BpfFault("helper " + proto.name() + " failed: " + e);
        }
    }

    /** {@code callx}: the register holds a helper number (the conformance suite's convention). */
    private long callByNumber(ExecutionContext ctx, long[] r, long id, int depth) {
        if (id == BPF_FUNC_LOOP) {
            return bpfLoop(ctx, r, depth);
        }
        if (id == BPF_FUNC_TAIL_CALL) {
            throw new BpfFault("callx cannot make a tail call");
        }
        HelperProto proto = id >= 0 && id < helpers.length ? helpers[(int) id] : null;
        if (proto == null) {
            throw new BpfFault("callx to unknown helper " + id);
        }
        return callHelper(ctx, proto, r);
    }

    /** bpf-to-bpf call: new frame with its own r10, r6–r9 restored on return, r0 carries the result. */
    private void callLocal(ExecutionContext ctx, long[] r, int target, int depth) {
        if (depth + 1 >= MAX_CALL_FRAMES) {
            throw new BpfFault("call to instruction " + target + " exceeds " + MAX_CALL_FRAMES + " call frames");
        }
        long r6 = r[6], r7 = r[7], r8 = r[8], r9 = r[9], r10 = r[10];
        r[10] = r10 - STACK_FRAME_SIZE;
        long r0 = execute(ctx, r, target, depth + 1);
        r[0] = r0;
        r[6] = r6;
        r[7] = r7;
        r[8] = r8;
        r[9] = r9;
        r[10] = r10;
    }

    /** {@code long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags)}, kernel semantics. */
    private long bpfLoop(ExecutionContext ctx, long[] r, int depth) {
        long nr = r[1] & M32;
        long fn = r[2];
        long callbackCtx = r[3];
        if (r[4] != 0) {
            return -Errno.EINVAL;
        }
        if (nr > BPF_MAX_LOOPS) {
            return -Errno.E2BIG;
        }
        int target = Pointer.index(fn);
        if (Pointer.region(fn) != CALLBACK_REGION || target < 0 || target >= code.length - 1
                || (int) code[target] == LDDW_SLOT2) {
            throw new BpfFault("bpf_loop: r2 = 0x" + Long.toHexString(fn) + " is not a callback function");
        }
        long i = 0;
        while (i < nr) {
            if (--ctx.budgetLeft < 0) {
                throw new BpfFault("instruction budget of " + ctx.instructionBudget + " exceeded in bpf_loop");
            }
            r[1] = i;
            r[2] = callbackCtx;
            callLocal(ctx, r, target, depth);
            i++;
            if (ctx.exitRequested) {
                return r[0];
            }
            if (r[0] != 0) {
                break;
            }
        }
        return i;
    }

    /** bpf_tail_call(ctx, prog_array, index): the target's interpreter, or null (r0 = -errno) to fall through. */
    private Interpreter tailCallTarget(ExecutionContext ctx, long[] r) {
        BpfMap map = BpfMap.fromHandle(r[2]);
        if (!(map instanceof ProgArrayMap)) {
            throw new BpfFault("bpf_tail_call: r2 is not a BPF_MAP_TYPE_PROG_ARRAY map");
        }
        long index = r[3] & M32;
        if (ctx.tailCalls >= MAX_TAIL_CALL_CNT) {
            r[0] = -Errno.E2BIG;
            return null;
        }
        Interpreter target = ((ProgArrayMap) map).interpreter(index, helpers);
        if (target == null) {
            r[0] = -Errno.ENOENT;
            return null;
        }
        ctx.tailCalls++;
        return target;
    }
}
