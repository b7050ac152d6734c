package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.LwtAccessRules;
import io.lwtemu.ebpf.vm.VerifiedAccess;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * The load-time verifier, a miniature of the kernel's {@code kernel/bpf/verifier.c}: structural checks
 * ({@link ProgramStructure}), then abstract interpretation of every path ({@code do_check}) with register
 * and stack state tracking, pointer/bounds rules, helper argument checks, and state pruning at jump
 * targets ({@code is_state_visited}) so bounded loops are explored until they end and infinite ones are
 * caught. Rules are those the kernel applies to a privileged (root) loader.
 */
public final class Verifier {
    /** The kernel's BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final int COMPLEXITY_LIMIT = 1_000_000;
    private static final long MAX_VAR_OFF = 1L << 29;
    private static final int MAX_PACKET_OFF = 0xffff;
    private static final int BPF_FUNC_TAIL_CALL = 12;
    private static final int NOT_JSET = 0x100;

    private final BpfProgram program;
    private final VerifierEnv env;
    private final long[] insns;
    private final Log log = new Log();
    private ProgramStructure structure;
    private ExploredStates[] explored;
    private final Deque<VerifierState> pending = new ArrayDeque<>();
    private int[] subprogStackDepth;
    private int idGen;
    private long insnProcessed;
    private long jmpsProcessed;
    private long prevInsnProcessed;
    private long prevJmpsProcessed;
    private int totalStates;
    private int peakStates;
    private int curStates;
    private int maxStatesPerInsn;
    /** Index of the instruction being checked, for messages. */
    private int idx;
    /** Per instruction, the kind of memory it accesses on every path (see {@link VerifiedAccess}). */
    private byte[] accessKinds;

    private Verifier(BpfProgram program, VerifierEnv env) {
        this.program = program;
        this.env = env;
        this.insns = program.insns();
    }

    /** Verifies {@code program}; throws {@link VerifierException} when the kernel would reject it. */
    public static VerifierResult verify(BpfProgram program, VerifierEnv env) {
        return new Verifier(program, env).run();
    }

    @SuppressWarnings("unchecked")
    private VerifierResult run() {
        structure = new ProgramStructure(insns, program.maps(), log);
        explored = new ExploredStates[insns.length];
        accessKinds = new byte[insns.length];
        subprogStackDepth = new int[structure.subprogStarts.length];
        doCheck(initialState());
        int depth = checkMaxStackDepth();
        log.add("processed " + insnProcessed + " insns (limit " + COMPLEXITY_LIMIT + ") max_states_per_insn "
                + maxStatesPerInsn + " total_states " + totalStates + " peak_states " + peakStates
                + " mark_read 0");
        return new VerifierResult((int) insnProcessed, totalStates, depth, log.lines, accessKinds);
    }

    private VerifierState initialState() {
        VerifierState st = new VerifierState();
        FuncState f = new FuncState();
        f.frameno = 0;
        f.subprog = 0;
        st.frames[0] = f;
        st.curframe = 0;
        if (env.ctxRules() == null && env.ctxMemSize() > 0) {
            f.regs[1].markPointer(RegType.PTR_TO_MEM);
            f.regs[1].memSize = env.ctxMemSize();
        } else {
            f.regs[1].markPointer(RegType.PTR_TO_CTX);
        }
        f.regs[10].markPointer(RegType.PTR_TO_STACK);
        f.regs[10].frameno = 0;
        return st;
    }

    private VerifierException fail(String reason) {
        return log.fail(idx, reason);
    }

    /** The kernel logs a specific line then a summary line; the exception carries the specific one. */
    private VerifierException fail(String reason, String followUp) {
        VerifierException e = log.fail(idx, reason);
        log.add(followUp);
        return new VerifierException(idx, reason, log.lines);
    }

    // =========================================================================================
    // main loop
    // =========================================================================================

    private void doCheck(VerifierState cur) {
        cur.insnIdx = 0;
        while (cur != null) {
            idx = cur.insnIdx;
            if (structure.prunePoint[idx] && isStateVisited(cur)) {
                endPath(cur);
                cur = pending.poll();
                continue;
            }
            if (TRACE) {
                trace(cur);
            }
            if (++insnProcessed > COMPLEXITY_LIMIT) {
                throw fail("BPF program is too large. Processed " + insnProcessed + " insn");
            }
            if (!step(cur)) {
                endPath(cur);
                cur = pending.poll();
            }
        }
    }

    private static final boolean TRACE = Boolean.getBoolean("lwtemu.verifier.trace");

    private void trace(VerifierState st) {
        StringBuilder b = new StringBuilder().append(idx).append(": ");
        RegState[] regs = st.regs();
        for (int r = 0; r < MAX_BPF_REG; r++) {
            if (regs[r].type != RegType.NOT_INIT) {
                b.append('R').append(r).append('=').append(regs[r].describe()).append(' ');
            }
        }
        System.out.println(b);
    }

    private void endPath(VerifierState cur) {
        VerifierState st = cur.parent;
        while (st != null) {
            if (--st.branches > 0) {
                break;
            }
            explored[st.insnIdx].finish(st, MAX_STATES_PER_INSN);
            st = st.parent;
        }
    }

    private void pushBranch(VerifierState st) {
        if (st.parent != null) {
            st.parent.branches++;
        }
        pending.push(st);
        if (pending.size() > 8192) {
            throw fail("The sequence of " + pending.size() + " jumps is too complex.");
        }
    }

    /** Executes the instruction at cur.insnIdx; false when this path ended (exit from the main frame). */
    private boolean step(VerifierState cur) {
        long insn = insns[idx];
        int op = Insn.opcode(insn);
        switch (insnClass(op)) {
            case BPF_ALU:
            case BPF_ALU64:
                checkAlu(cur, insn);
                cur.insnIdx = idx + 1;
                return true;
            case BPF_LDX:
                checkLdx(cur, insn);
                cur.insnIdx = idx + 1;
                return true;
            case BPF_ST:
            case BPF_STX:
                checkStore(cur, insn);
                cur.insnIdx = idx + 1;
                return true;
            case BPF_LD:
                checkLd(cur, insn);
                return true;
            default:
                return checkJmp(cur, insn);
        }
    }

    // =========================================================================================
    // registers
    // =========================================================================================

    private RegState readReg(VerifierState st, int regno) {
        if (regno >= MAX_BPF_REG) {
            throw fail("R" + regno + " is invalid");
        }
        RegState r = st.regs()[regno];
        if (r.type == RegType.NOT_INIT) {
            throw fail("R" + regno + " !read_ok");
        }
        return r;
    }

    private RegState writeReg(VerifierState st, int regno) {
        if (regno >= MAX_BPF_REG) {
            throw fail("R" + regno + " is invalid");
        }
        if (regno == BPF_REG_FP) {
            throw fail("frame pointer is read only");
        }
        return st.regs()[regno];
    }

    // =========================================================================================
    // ALU
    // =========================================================================================

    private static final String[] ALU_STR = {"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=",
            "^=", "=", "s>>=", "endian"};

    private void checkAlu(VerifierState st, long insn) {
        int op = Insn.opcode(insn);
        int aop = aluOp(op);
        boolean alu32 = insnClass(op) == BPF_ALU;
        int dstno = Insn.dst(insn);
        int srcno = Insn.src(insn);
        int off = Insn.off(insn);
        int imm = Insn.imm(insn);
        boolean srcX = source(op) == BPF_X;

        if (aop == BPF_NEG || aop == BPF_END) {
            if (aop == BPF_NEG ? (srcno != 0 || off != 0 || imm != 0)
                    : (srcno != 0 || off != 0 || (imm != 16 && imm != 32 && imm != 64))) {
                throw fail(aop == BPF_NEG ? "BPF_NEG uses reserved fields" : "BPF_END uses reserved fields");
            }
            RegState d = readReg(st, dstno);
            writeReg(st, dstno);
            if (d.type.isPointer()) {
                d.markUnknown(); // root may leak pointers; the result is just a number
                return;
            }
            ScalarAlu.unary(d, aop, imm, alu32, aop == BPF_END && srcX);
            return;
        }

        if (aop == BPF_MOV) {
            if (srcX) {
                boolean okOff = off == 0 || off == 8 || off == 16 || (!alu32 && off == 32);
                if (imm != 0 || !okOff) {
                    throw fail("BPF_MOV uses reserved fields");
                }
                RegState s = readReg(st, srcno);
                RegState d = writeReg(st, dstno);
                if (off == 0) {
                    if (!alu32) {
                        if (s.isScalar() && s.id == 0 && !s.isConst()) {
                            s.id = ++idGen;
                        }
                        d.copyFrom(s);
                    } else if (s.type.isPointer()) {
                        d.markUnknown();
                        d.zext32();
                        d.sync();
                    } else {
                        boolean fits = Long.compareUnsigned(s.umax, RegState.U32_MAX) <= 0;
                        if (fits && s.id == 0 && !s.isConst()) {
                            s.id = ++idGen;
                        }
                        int keepId = fits ? s.id : 0;
                        d.copyFrom(s);
                        d.id = keepId;
                        d.zext32();
                        d.sync();
                    }
                } else {
                    movsx(d, s, off, alu32);
                }
            } else {
                if (srcno != 0 || off != 0) {
                    throw fail("BPF_MOV uses reserved fields");
                }
                RegState d = writeReg(st, dstno);
                d.markConst(alu32 ? imm & RegState.U32_MAX : (long) imm);
            }
            return;
        }

        if (aop > BPF_END) {
            throw fail(String.format("invalid BPF_ALU opcode %x", aop));
        }
        boolean signedDivOk = (aop == BPF_DIV || aop == BPF_MOD) && off == 1;
        if (srcX ? (imm != 0 || (off != 0 && !signedDivOk)) : (srcno != 0 || (off != 0 && !signedDivOk))) {
            throw fail("BPF_ALU uses reserved fields");
        }
        RegState s;
        if (srcX) {
            s = readReg(st, srcno);
        } else {
            s = new RegState();
            s.markConst(imm);
        }
        RegState d = readReg(st, dstno);
        if ((aop == BPF_DIV || aop == BPF_MOD) && !srcX && imm == 0) {
            throw fail("div by zero");
        }
        if ((aop == BPF_LSH || aop == BPF_RSH || aop == BPF_ARSH) && !srcX) {
            int size = alu32 ? 32 : 64;
            if (imm < 0 || imm >= size) {
                throw fail("invalid shift " + imm);
            }
        }
        writeReg(st, dstno);
        adjustRegMinMaxVals(st, d, dstno, s, aop, off, alu32);
    }

    private void movsx(RegState d, RegState s, int bits, boolean alu32) {
        if (s.type.isPointer()) {
            d.markUnknown();
            return;
        }
        long lo = -(1L << (bits - 1));
        long hi = (1L << (bits - 1)) - 1;
        if (s.isConst()) {
            long v = s.constValue();
            long r = bits == 8 ? (byte) v : bits == 16 ? (short) v : (int) v;
            d.markConst(alu32 ? r & RegState.U32_MAX : r);
            return;
        }
        RegState src = s.copy();
        boolean fitsPositive = src.smin >= 0 && src.smax <= hi;
        d.markUnknown();
        if (fitsPositive) {
            d.copyFrom(src);
            d.id = 0;
        } else {
            d.smin = lo;
            d.smax = hi;
        }
        if (alu32) {
            d.unbound32();
            if (fitsPositive) {
                d.s32min = (int) src.smin;
                d.s32max = (int) src.smax;
            } else {
                d.s32min = (int) lo;
                d.s32max = (int) hi;
            }
            d.tnum = Tnum.UNKNOWN;
            d.smin = Long.MIN_VALUE;
            d.smax = Long.MAX_VALUE;
            d.sync();
            d.zext32();
        }
        d.sync();
    }

    private void adjustRegMinMaxVals(VerifierState st, RegState d, int dstno, RegState s, int aop, int off,
                                     boolean alu32) {
        boolean dPtr = d.type.isPointer();
        boolean sPtr = s.type.isPointer();
        if (!dPtr && !sPtr) {
            ScalarAlu.apply(d, s, aop, off, alu32);
            return;
        }
        if (dPtr && sPtr) {
            if (aop == BPF_SUB) {
                d.markUnknown(); // privileged: pointer difference is a number
                return;
            }
            throw fail("R" + dstno + " pointer " + ALU_STR[aop >> 4] + " pointer prohibited");
        }
        if (alu32) {
            if (aop == BPF_SUB) {
                d.markUnknown(); // privileged: a meaningless number
                d.zext32();
                d.sync();
                return;
            }
            throw fail("R" + dstno + " 32-bit pointer arithmetic prohibited");
        }
        if (dPtr) {
            adjustPtr(d, dstno, d.copy(), s, aop, false);
        } else {
            adjustPtr(d, dstno, s.copy(), d.copy(), aop, true); // scalar op pointer
        }
    }

    private void adjustPtr(RegState dst, int dstno, RegState ptr, RegState off, int aop, boolean ptrIsSrc) {
        switch (ptr.type) {
            case PTR_TO_MAP_VALUE_OR_NULL:
                throw fail("R" + dstno + " pointer arithmetic on map_value_or_null prohibited, null-check it first");
            case CONST_PTR_TO_MAP:
            case PTR_TO_PACKET_END:
            case PTR_TO_SOCK_COMMON_OR_NULL:
            case PTR_TO_MEM_OR_NULL:
            case PTR_TO_FUNC:
                throw fail("R" + dstno + " pointer arithmetic on " + ptr.type.logName + " prohibited");
            default:
                break;
        }
        checkSaneOffset(off, ptr.type);
        checkSaneOffset(ptr, ptr.type);
        if (aop == BPF_SUB && ptrIsSrc) {
            throw fail("R" + dstno + " tried to subtract pointer from scalar");
        }
        if (aop != BPF_ADD && aop != BPF_SUB) {
            if (aop == BPF_AND || aop == BPF_OR || aop == BPF_XOR) {
                throw fail("R" + dstno + " bitwise operator " + ALU_STR[aop >> 4] + " on pointer prohibited");
            }
            throw fail("R" + dstno + " pointer arithmetic with " + ALU_STR[aop >> 4] + " operator prohibited");
        }
        boolean known = off.isConst();
        long val = off.constValue();
        dst.copyFrom(ptr);
        if (known && aop == BPF_ADD && (long) ptr.off + val == (int) (ptr.off + val)) {
            dst.off = (int) (ptr.off + val);
        } else if (known && aop == BPF_SUB && (long) ptr.off - val == (int) (ptr.off - val)) {
            dst.off = (int) (ptr.off - val);
        } else {
            // variable part: var = ptr.var op off
            RegState var = new RegState();
            var.markUnknown();
            var.tnum = ptr.tnum;
            var.smin = ptr.smin;
            var.smax = ptr.smax;
            var.umin = ptr.umin;
            var.umax = ptr.umax;
            var.s32min = ptr.s32min;
            var.s32max = ptr.s32max;
            var.u32min = ptr.u32min;
            var.u32max = ptr.u32max;
            ScalarAlu.apply(var, off, aop, 0, false);
            dst.tnum = var.tnum;
            dst.smin = var.smin;
            dst.smax = var.smax;
            dst.umin = var.umin;
            dst.umax = var.umax;
            dst.s32min = var.s32min;
            dst.s32max = var.s32max;
            dst.u32min = var.u32min;
            dst.u32max = var.u32max;
            if (dst.type == RegType.PTR_TO_PACKET) {
                dst.id = ++idGen;
                dst.range = 0;
            }
        }
        checkSaneOffset(dst, ptr.type);
    }

    /** The kernel's check_reg_sane_offset. */
    private void checkSaneOffset(RegState r, RegType ptrType) {
        String t = ptrType.logName;
        if (r.isScalar() && r.isConst()) {
            long val = r.constValue();
            if (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF) {
                throw fail("math between " + t + " pointer and " + val + " is not allowed");
            }
            return;
        }
        if (r.off >= MAX_VAR_OFF || r.off <= -MAX_VAR_OFF) {
            throw fail(t + " pointer offset " + r.off + " is not allowed");
        }
        if (r.smin == Long.MIN_VALUE) {
            throw fail("math between " + t + " pointer and register with unbounded min value is not allowed");
        }
        if (r.smin >= MAX_VAR_OFF || r.smin <= -MAX_VAR_OFF) {
            throw fail("value " + r.smin + " makes " + t + " pointer be out of bounds");
        }
    }

    // =========================================================================================
    // loads and stores
    // =========================================================================================

    private void checkLdx(VerifierState st, long insn) {
        int op = Insn.opcode(insn);
        readReg(st, Insn.src(insn));
        RegState d = writeReg(st, Insn.dst(insn));
        RegState value = new RegState();
        checkMemAccess(st, Insn.src(insn), Insn.off(insn), sizeBytes(op), false, null, value,
                mode(op) == BPF_MEMSX);
        d.copyFrom(value);
    }

    private void checkStore(VerifierState st, long insn) {
        int op = Insn.opcode(insn);
        int size = sizeBytes(op);
        if (insnClass(op) == BPF_ST) {
            if (Insn.src(insn) != 0) {
                throw fail("BPF_ST uses reserved fields");
            }
            readReg(st, Insn.dst(insn));
            RegState v = new RegState();
            v.markConst(Insn.imm(insn));
            checkMemAccess(st, Insn.dst(insn), Insn.off(insn), size, true, v, null, false);
            return;
        }
        if (mode(op) == BPF_ATOMIC) {
            checkAtomic(st, insn, size);
            return;
        }
        if (Insn.imm(insn) != 0) {
            throw fail("BPF_STX uses reserved fields");
        }
        RegState v = readReg(st, Insn.src(insn)).copy();
        readReg(st, Insn.dst(insn));
        checkMemAccess(st, Insn.dst(insn), Insn.off(insn), size, true, v, null, false);
    }

    private static final int BPF_LOAD_ACQ = 0x100;
    private static final int BPF_STORE_REL = 0x110;

    /** load_acquire: dst = *(src + off); store_release: *(dst + off) = src (6.15+). */
    private void checkLoadAcqStoreRel(VerifierState st, long insn, int size, boolean load) {
        if (load) {
            readReg(st, Insn.src(insn));
            RegState d = writeReg(st, Insn.dst(insn));
            RegState value = new RegState();
            checkMemAccess(st, Insn.src(insn), Insn.off(insn), size, false, null, value, false);
            d.copyFrom(value);
        } else {
            RegState v = readReg(st, Insn.src(insn)).copy();
            readReg(st, Insn.dst(insn));
            checkMemAccess(st, Insn.dst(insn), Insn.off(insn), size, true, v, null, false);
        }
    }

    private void checkAtomic(VerifierState st, long insn, int size) {
        int aop = Insn.imm(insn);
        switch (aop) {
            case BPF_ADD:
            case BPF_ADD | BPF_FETCH:
            case BPF_AND:
            case BPF_AND | BPF_FETCH:
            case BPF_OR:
            case BPF_OR | BPF_FETCH:
            case BPF_XOR:
            case BPF_XOR | BPF_FETCH:
            case BPF_XCHG:
            case BPF_CMPXCHG:
                if (size < 4) {
                    throw fail(String.format("BPF_ATOMIC uses invalid atomic opcode %02x", aop));
                }
                break;
            case BPF_LOAD_ACQ:
            case BPF_STORE_REL:
                checkLoadAcqStoreRel(st, insn, size, aop == BPF_LOAD_ACQ);
                return;
            default:
                throw fail(String.format("BPF_ATOMIC uses invalid atomic opcode %02x", aop));
        }
        int srcno = Insn.src(insn);
        int dstno = Insn.dst(insn);
        readReg(st, srcno);
        RegState d = readReg(st, dstno);
        if (aop == BPF_CMPXCHG) {
            readReg(st, 0);
        }
        if (d.type == RegType.PTR_TO_CTX || d.type == RegType.PTR_TO_PACKET) {
            throw fail("BPF_ATOMIC stores into R" + dstno + " " + d.type.logName + " is not allowed");
        }
        if ((aop & BPF_FETCH) != 0) {
            writeReg(st, aop == BPF_CMPXCHG ? 0 : srcno);
        }
        checkAlignment(d, Insn.off(insn), size, alignDesc(d.type));
        RegState loaded = new RegState();
        checkMemAccess(st, dstno, Insn.off(insn), size, false, null, loaded, false);
        RegState any = new RegState();
        any.markUnknown();
        checkMemAccess(st, dstno, Insn.off(insn), size, true, any, null, false);
        if ((aop & BPF_FETCH) != 0) {
            int target = aop == BPF_CMPXCHG ? 0 : srcno;
            RegState r = writeReg(st, target);
            r.markUnknown();
            if (size == 4) {
                r.zext32();
                r.sync();
            }
        }
    }

    /**
     * The kernel's check_mem_access. For reads, {@code out} receives the loaded value; for writes,
     * {@code value} is what is stored.
     */
    private void checkMemAccess(VerifierState st, int regno, int insnOff, int size, boolean write,
                                RegState value, RegState out, boolean signExtend) {
        RegState p = st.regs()[regno];
        int off = insnOff + p.off;
        noteAccess(p.type);
        switch (p.type) {
            case PTR_TO_STACK: {
                checkAlignment(p, insnOff, size, "stack ");
                FuncState frame = st.frames[p.frameno];
                if (p.isConst()) {
                    int o = (int) (off + p.constValue());
                    if (o < -FuncState.STACK || o + size > 0) {
                        throw fail("invalid " + (write ? "write to" : "read from") + " stack R" + regno
                                + " off=" + o + " size=" + size);
                    }
                    updateStackDepth(frame.subprog, -o);
                    if (write) {
                        stackWriteFixed(frame, o, size, value);
                    } else {
                        stackReadFixed(frame, o, size, out);
                        castLoad(out, size, signExtend);
                    }
                } else {
                    long min = off + p.smin;
                    long max = off + p.smax;
                    if (p.smin == Long.MIN_VALUE || min < -FuncState.STACK || max + size > 0) {
                        throw fail("invalid variable-offset " + (write ? "write to" : "read from") + " stack R"
                                + regno + " var_off=" + tnumStr(p.tnum) + " off=" + off + " size=" + size);
                    }
                    updateStackDepth(frame.subprog, (int) -min);
                    for (long o = min; o < max + size; o++) {
                        int b = (int) (FuncState.STACK + o);
                        if (write) {
                            frame.scrubSlot(b / 8);
                            frame.stype[b] = FuncState.MISC;
                        } else if (frame.stype[b] == FuncState.INVALID && !env.allowUninitStack()) {
                            throw fail("invalid variable-offset read from stack R" + regno + " var_off="
                                    + tnumStr(p.tnum) + " off=" + off + " size=" + size);
                        }
                    }
                    if (!write) {
                        out.markUnknown();
                        castLoad(out, size, signExtend);
                    }
                }
                return;
            }
            case PTR_TO_MAP_VALUE: {
                MapDefinition def = map(p.mapIndex).definition();
                if (write && (def.flags() & MapDefinition.BPF_F_RDONLY_PROG) != 0) {
                    throw fail("write into map forbidden, value_size=" + def.valueSize() + " off=" + off
                            + " size=" + size);
                }
                if (!write && (def.flags() & MapDefinition.BPF_F_WRONLY_PROG) != 0) {
                    throw fail("read from map forbidden, value_size=" + def.valueSize() + " off=" + off
                            + " size=" + size);
                }
                checkMemRegion(p, regno, off, size, def.valueSize(), false);
                if (!write) {
                    out.markUnknown();
                    castLoad(out, size, signExtend);
                }
                return;
            }
            case PTR_TO_MEM: {
                checkMemRegion(p, regno, off, size, p.memSize, false);
                if (!write) {
                    out.markUnknown();
                    castLoad(out, size, signExtend);
                }
                return;
            }
            case PTR_TO_PACKET: {
                if (write && !env.packetWritable()) {
                    throw fail("cannot write into packet");
                }
                checkPacketAccess(p, regno, off, size);
                if (!write) {
                    out.markUnknown();
                    castLoad(out, size, signExtend);
                }
                return;
            }
            case PTR_TO_CTX: {
                if (p.off != 0) {
                    throw fail("dereference of modified ctx ptr R" + regno + " off=" + p.off + " disallowed");
                }
                if (!p.varIsZero()) {
                    throw fail("variable ctx access var_off=" + tnumStr(p.tnum) + " disallowed");
                }
                checkCtxAccess(insnOff, size, write, out, signExtend);
                return;
            }
            default:
                throw fail("R" + regno + " invalid mem access '" + p.type.logName + "'");
        }
    }

    /** Records the pointer kind of the access at {@link #idx}; an access that then fails rejects the program. */
    private void noteAccess(RegType type) {
        byte kind = switch (type) {
            case PTR_TO_STACK -> VerifiedAccess.STACK;
            case PTR_TO_MAP_VALUE -> VerifiedAccess.MAP_VALUE;
            case PTR_TO_PACKET -> VerifiedAccess.PACKET;
            case PTR_TO_CTX -> VerifiedAccess.CONTEXT;
            case PTR_TO_MEM -> VerifiedAccess.MEMORY;
            default -> VerifiedAccess.MIXED;
        };
        accessKinds[idx] = VerifiedAccess.merge(accessKinds[idx], kind);
    }

    private void checkCtxAccess(int off, int size, boolean write, RegState out, boolean signExtend) {
        LwtAccessRules rules = env.ctxRules();
        LwtAccessRules.FieldKind kind = rules == null ? LwtAccessRules.FieldKind.DENIED
                : rules.access(off, size, write);
        if (kind == LwtAccessRules.FieldKind.DENIED || (signExtend && kind != LwtAccessRules.FieldKind.SCALAR)) {
            throw fail("invalid bpf_context access off=" + off + " size=" + size);
        }
        if (write) {
            return;
        }
        switch (kind) {
            case PACKET:
                out.markPointer(RegType.PTR_TO_PACKET);
                break;
            case PACKET_END:
                out.markPointer(RegType.PTR_TO_PACKET_END);
                break;
            case SOCK_COMMON_OR_NULL:
                out.markPointer(RegType.PTR_TO_SOCK_COMMON_OR_NULL);
                out.id = ++idGen;
                break;
            default:
                out.markUnknown();
                castLoad(out, size, signExtend);
        }
    }

    private void castLoad(RegState r, int size, boolean signExtend) {
        if (size >= 8 || !r.isScalar()) {
            return;
        }
        if (r.isConst()) {
            long v = r.constValue();
            long m = (1L << (size * 8)) - 1;
            v &= m;
            if (signExtend) {
                v = size == 1 ? (byte) v : size == 2 ? (short) v : (int) v;
            }
            r.markConst(v);
            return;
        }
        int bits = size * 8;
        if (signExtend) {
            r.markUnknown();
            r.smin = -(1L << (bits - 1));
            r.smax = (1L << (bits - 1)) - 1;
        } else {
            boolean fits = Long.compareUnsigned(r.umax, (1L << bits) - 1) <= 0;
            if (!fits) {
                r.markUnknown();
                r.tnum = Tnum.UNKNOWN.cast(size);
            }
        }
        r.sync();
    }

    /** The kernel's check_generic_ptr_alignment (stack and atomics are always strict). */
    private void checkAlignment(RegState p, int insnOff, int size, String desc) {
        if (size == 1) {
            return;
        }
        Tnum total = p.tnum.add(Tnum.constant((long) p.off + insnOff));
        if (((total.value() | total.mask()) & (size - 1)) != 0) {
            throw fail("misaligned " + desc + "access off " + tnumStr(p.tnum) + "+" + p.off + "+" + insnOff
                    + " size " + size);
        }
    }

    private static String alignDesc(RegType t) {
        switch (t) {
            case PTR_TO_PACKET: return "packet ";
            case PTR_TO_MAP_VALUE: return "value ";
            case PTR_TO_CTX: return "context ";
            case PTR_TO_STACK: return "stack ";
            default: return "";
        }
    }

    private static String hexAlt(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String tnumStr(Tnum t) {
        if (t.isConst()) {
            return Long.toString(t.value()); // as 6.18 prints a known offset
        }
        return "(" + hexAlt(t.value()) + "; " + hexAlt(t.mask()) + ")";
    }

    /** The kernel's check_mem_region_access for map values and plain memory. */
    private void checkMemRegion(RegState p, int regno, int off, int size, int memSize, boolean zeroOk) {
        String what = p.type == RegType.PTR_TO_MAP_VALUE ? "map value" : "memory";
        if (p.smin < 0 && (p.smin == Long.MIN_VALUE || off + p.smin < 0)) {
            throw fail("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        long lo = off + p.smin;
        if (!memOk(lo, size, memSize, zeroOk)) {
            throw fail(memError(what, memSize, lo, size),
                    "R" + regno + " min value is outside of the allowed memory range");
        }
        if (Long.compareUnsigned(p.umax, MAX_VAR_OFF) >= 0) {
            throw fail("R" + regno + " unbounded memory access, make sure to bounds check any such access");
        }
        long hi = off + p.umax;
        if (!memOk(hi, size, memSize, zeroOk)) {
            throw fail(memError(what, memSize, hi, size),
                    "R" + regno + " max value is outside of the allowed memory range");
        }
    }

    private static String memError(String what, int memSize, long off, int size) {
        return what.equals("map value")
                ? "invalid access to map value, value_size=" + memSize + " off=" + off + " size=" + size
                : "invalid access to memory, mem_size=" + memSize + " off=" + off + " size=" + size;
    }

    private static boolean memOk(long off, int size, int memSize, boolean zeroOk) {
        boolean sizeOk = size > 0 || (size == 0 && zeroOk);
        return sizeOk && off >= 0 && size <= memSize && off + size <= memSize;
    }

    private void checkPacketAccess(RegState p, int regno, int off, int size) {
        if (p.smin < 0) {
            throw fail("R" + regno + " min value is negative, either use unsigned index or do a if (index >=0) check.");
        }
        if (off < 0 || !memOk(off, size, p.range, false)) {
            throw fail("invalid access to packet, off=" + off + " size=" + size + ", R" + regno + "(id=" + p.id
                    + ",off=" + off + ",r=" + p.range + ")", "R" + regno + " offset is outside of the packet");
        }
    }

    private BpfMap map(int index) {
        return program.maps().get(index);
    }

    private void updateStackDepth(int subprog, int depth) {
        if (depth > subprogStackDepth[subprog]) {
            subprogStackDepth[subprog] = depth;
        }
    }

    // ---- stack -----------------------------------------------------------------------------

    private void stackWriteFixed(FuncState f, int off, int size, RegState value) {
        int b = FuncState.STACK + off;
        int slot = b / 8;
        int within = b % 8;
        boolean pointer = value != null && value.type.isPointer();
        if (value != null && size == 8 && within == 0) {
            f.scrubSlot(slot);
            f.spilled[slot] = value.copy();
            f.spillSize[slot] = 8;
            for (int i = 0; i < 8; i++) {
                f.stype[b + i] = FuncState.SPILL;
            }
            return;
        }
        if (pointer) {
            throw fail("invalid size of register spill");
        }
        f.scrubSlot(slot);
        if (value != null && value.isScalar() && within == 0) {
            RegState v = value.copy();
            castLoad(v, size, false);
            f.spilled[slot] = v;
            f.spillSize[slot] = (byte) size;
            for (int i = 0; i < size; i++) {
                f.stype[b + i] = FuncState.SPILL;
            }
            return;
        }
        byte t = value != null && value.isNullConst() ? FuncState.ZERO : FuncState.MISC;
        for (int i = 0; i < size; i++) {
            f.stype[b + i] = t;
        }
    }

    private void stackReadFixed(FuncState f, int off, int size, RegState out) {
        int b = FuncState.STACK + off;
        int slot = b / 8;
        int within = b % 8;
        if (f.stype[b] == FuncState.SPILL && f.spilled[slot] != null) {
            RegState sp = f.spilled[slot];
            if (within == 0 && size == f.spillSize[slot]) {
                out.copyFrom(sp);
                return;
            }
            if (within == 0 && size < f.spillSize[slot] && sp.isScalar()) {
                // narrow fill of the low bytes: the spilled value, truncated by the caller (castLoad)
                out.copyFrom(sp);
                if (Long.compareUnsigned(sp.umax, (1L << (size * 8)) - 1) > 0) {
                    out.id = 0;
                }
                return;
            }
            if (!sp.isScalar()) {
                throw fail("invalid size of register fill");
            }
        }
        boolean allZero = true;
        for (int i = 0; i < size; i++) {
            byte t = f.stype[b + i];
            if (t == FuncState.INVALID && !env.allowUninitStack()) {
                throw fail("invalid read from stack off " + off + "+" + i + " size " + size);
            }
            if (t != FuncState.ZERO) {
                allZero = false;
            }
        }
        if (allZero) {
            out.markConst(0);
        } else {
            out.markUnknown();
        }
    }

    // =========================================================================================
    // LD (imm64, abs/ind)
    // =========================================================================================

    private void checkLd(VerifierState st, long insn) {
        int op = Insn.opcode(insn);
        if (!Insn.isLdImm64(insn)) {
            throw fail("BPF_LD_[ABS|IND] instructions not allowed for this program type");
        }
        RegState d = writeReg(st, Insn.dst(insn));
        long next = insns[idx + 1];
        int src = Insn.src(insn);
        switch (src) {
            case 0:
                d.markConst((Insn.imm(insn) & 0xffffffffL) | ((long) Insn.imm(next) << 32));
                break;
            case BPF_PSEUDO_MAP_FD:
            case BPF_PSEUDO_MAP_IDX:
                d.markPointer(RegType.CONST_PTR_TO_MAP);
                d.mapIndex = Insn.imm(insn);
                break;
            case BPF_PSEUDO_MAP_VALUE:
            case BPF_PSEUDO_MAP_IDX_VALUE: {
                int mi = Insn.imm(insn);
                int off = Insn.imm(next);
                MapDefinition def = map(mi).definition();
                if (off < 0 || off >= def.valueSize()) {
                    throw fail("invalid access to map value pointer, value_size=" + def.valueSize() + " off="
                            + off);
                }
                d.markPointer(RegType.PTR_TO_MAP_VALUE);
                d.mapIndex = mi;
                d.off = off;
                break;
            }
            case BPF_PSEUDO_FUNC:
                d.markPointer(RegType.PTR_TO_FUNC);
                d.memSize = idx + Insn.imm(insn) + 1;
                break;
            default:
                throw fail("unrecognized bpf_ld_imm64 insn");
        }
        st.insnIdx = idx + 2;
    }

    // =========================================================================================
    // jumps, calls, exit
    // =========================================================================================

    private boolean checkJmp(VerifierState st, long insn) {
        int op = Insn.opcode(insn);
        int jop = aluOp(op);
        boolean jmp32 = insnClass(op) == BPF_JMP32;
        int dstno = Insn.dst(insn);
        int srcno = Insn.src(insn);
        jmpsProcessed++;
        if (jop == BPF_JA) {
            if (jmp32 ? (srcno != 0 || dstno != 0 || Insn.off(insn) != 0)
                    : (srcno != 0 || dstno != 0 || Insn.imm(insn) != 0)) {
                throw fail("BPF_JA uses reserved fields");
            }
            st.insnIdx = ProgramStructure.jumpTarget(idx, insn);
            return true;
        }
        if (jop == BPF_EXIT) {
            if (srcno != 0 || dstno != 0 || Insn.off(insn) != 0 || Insn.imm(insn) != 0) {
                throw fail("BPF_EXIT uses reserved fields");
            }
            return checkExit(st);
        }
        if (jop == BPF_CALL) {
            if (Insn.off(insn) != 0 || dstno != 0
                    || (srcno != 0 && srcno != BPF_PSEUDO_CALL && srcno != BPF_PSEUDO_KFUNC_CALL)) {
                throw fail("BPF_CALL uses reserved fields");
            }
            if (srcno == BPF_PSEUDO_KFUNC_CALL) {
                throw fail("calling kernel function is not supported");
            }
            if (srcno == BPF_PSEUDO_CALL) {
                checkFuncCall(st, insn);
            } else {
                st.insnIdx = idx + 1;
                checkHelperCall(st, Insn.imm(insn));
            }
            return true;
        }
        checkCondJmp(st, insn, jop, jmp32);
        return st.insnIdx >= 0;
    }

    private boolean checkExit(VerifierState st) {
        FuncState callee = st.cur();
        RegState r0 = readReg(st, 0);
        if (st.curframe > 0) {
            if (r0.type == RegType.PTR_TO_STACK && r0.frameno == st.curframe) {
                throw fail("cannot return stack pointer to the caller frame");
            }
            FuncState caller = st.frames[st.curframe - 1];
            RegState ret = r0.copy();
            if (callee.callsite >= 0 && ProgramStructure.isHelperCall(insns[callee.callsite])) {
                // a callback returned: the helper's own result goes to r0
                if (!ret.isScalar()) {
                    throw fail("At callback return the register R0 is not a known value (" + ret.type.logName + ")");
                }
                ret.markUnknown();
            }
            st.frames[st.curframe] = null;
            st.curframe--;
            caller.regs[0].copyFrom(ret);
            st.insnIdx = callee.callsite + 1;
            return true;
        }
        if (!st.refs.isEmpty()) {
            int[] ref = st.refs.get(0);
            throw fail("Unreleased reference id=" + ref[0] + " alloc_insn=" + ref[1],
                    "BPF_EXIT instruction in main prog would lead to reference leak");
        }
        return false;
    }

    private void checkFuncCall(VerifierState st, long insn) {
        if (st.curframe + 1 >= MAX_CALL_FRAMES) {
            throw fail("the call stack of " + (st.curframe + 2) + " frames is too deep !");
        }
        int target = idx + Insn.imm(insn) + 1;
        pushFrame(st, target, idx);
        for (int r = 1; r <= 5; r++) {
            st.frames[st.curframe].regs[r].copyFrom(st.frames[st.curframe - 1].regs[r]);
        }
        clearCallerSaved(st.frames[st.curframe - 1]);
        st.insnIdx = target;
    }

    private void pushFrame(VerifierState st, int target, int callsite) {
        FuncState f = new FuncState();
        f.frameno = st.curframe + 1;
        f.callsite = callsite;
        f.subprog = structure.subprogIndexOf(target);
        f.regs[10].markPointer(RegType.PTR_TO_STACK);
        f.regs[10].frameno = f.frameno;
        st.frames[f.frameno] = f;
        st.curframe = f.frameno;
    }

    private static void clearCallerSaved(FuncState f) {
        for (int r = 0; r <= 5; r++) {
            f.regs[r].markNotInit();
        }
    }

    // ---- conditional jumps --------------------------------------------------------------------

    private void checkCondJmp(VerifierState st, long insn, int jop, boolean jmp32) {
        int dstno = Insn.dst(insn);
        int srcno = Insn.src(insn);
        boolean srcX = source(Insn.opcode(insn)) == BPF_X;
        if (jop > BPF_JSLE) {
            throw fail(String.format("invalid BPF_JMP/JMP32 opcode %x", jop));
        }
        RegState d = readReg(st, dstno);
        if (srcX ? Insn.imm(insn) != 0 : srcno != 0) {
            throw fail("BPF_JMP/JMP32 uses reserved fields");
        }
        RegState s;
        if (srcX) {
            s = readReg(st, srcno);
        } else {
            s = new RegState();
            int imm = Insn.imm(insn);
            s.markConst(jmp32 ? imm & RegState.U32_MAX : (long) imm);
        }
        int target = ProgramStructure.jumpTarget(idx, insn);
        int taken = -1;
        if (d.isScalar() && s.isScalar()) {
            taken = branchTaken(d, s, jop, jmp32);
        } else if (!jmp32 && (jop == BPF_JEQ || jop == BPF_JNE)) {
            RegState ptr = d.type.isPointer() ? d : s;
            RegState other = ptr == d ? s : d;
            if (ptr.type.isPointer() && !ptr.type.maybeNull() && other.isNullConst()) {
                taken = jop == BPF_JNE ? 1 : 0;
            }
        }
        if (taken == 1) {
            st.insnIdx = target;
            return;
        }
        if (taken == 0) {
            st.insnIdx = idx + 1;
            return;
        }
        VerifierState other = st.copy();
        other.insnIdx = target;
        st.insnIdx = idx + 1;
        boolean otherOk = true;
        boolean thisOk = true;
        if (d.isScalar() && s.isScalar()) {
            RegState oS = srcX ? other.regs()[srcno] : s.copy();
            RegState tS = srcX ? st.regs()[srcno] : s.copy();
            otherOk = refine(other, other.regs()[dstno], oS, jop, jmp32);
            thisOk = refine(st, st.regs()[dstno], tS, negate(jop), jmp32);
        } else if (!jmp32 && (jop == BPF_JEQ || jop == BPF_JNE)) {
            int nullReg = -1;
            if (d.type.maybeNull() && s.isNullConst()) {
                nullReg = dstno;
            } else if (srcX && s.type.maybeNull() && d.isNullConst()) {
                nullReg = srcno;
            }
            if (nullReg >= 0) {
                // JEQ: the taken branch sees NULL; JNE: the fall-through does
                markPtrOrNull(other, st.regs()[nullReg].id, jop == BPF_JEQ);
                markPtrOrNull(st, st.regs()[nullReg].id, jop != BPF_JEQ);
            }
        }
        if (!jmp32 && srcX) {
            matchPacketPointers(st, other, dstno, srcno, jop);
        }
        if (otherOk) {
            pushBranch(other);
        }
        if (!thisOk) {
            st.insnIdx = -1; // this path is impossible: end it
        }
    }

    private static int negate(int jop) {
        switch (jop) {
            case BPF_JEQ: return BPF_JNE;
            case BPF_JNE: return BPF_JEQ;
            case BPF_JGT: return BPF_JLE;
            case BPF_JLE: return BPF_JGT;
            case BPF_JGE: return BPF_JLT;
            case BPF_JLT: return BPF_JGE;
            case BPF_JSGT: return BPF_JSLE;
            case BPF_JSLE: return BPF_JSGT;
            case BPF_JSGE: return BPF_JSLT;
            case BPF_JSLT: return BPF_JSGE;
            case BPF_JSET: return NOT_JSET;
            default: return BPF_JSET;
        }
    }

    private static int flip(int jop) {
        switch (jop) {
            case BPF_JGT: return BPF_JLT;
            case BPF_JLT: return BPF_JGT;
            case BPF_JGE: return BPF_JLE;
            case BPF_JLE: return BPF_JGE;
            case BPF_JSGT: return BPF_JSLT;
            case BPF_JSLT: return BPF_JSGT;
            case BPF_JSGE: return BPF_JSLE;
            case BPF_JSLE: return BPF_JSGE;
            default: return jop;
        }
    }

    /** 1 = always taken, 0 = never, -1 = unknown (the kernel's is_scalar_branch_taken). */
    private static int branchTaken(RegState a, RegState b, int jop, boolean is32) {
        long amin, amax, bmin, bmax, asmin, asmax, bsmin, bsmax;
        Tnum at, bt;
        if (is32) {
            amin = a.u32min; amax = a.u32max; bmin = b.u32min; bmax = b.u32max;
            asmin = a.s32min; asmax = a.s32max; bsmin = b.s32min; bsmax = b.s32max;
            at = a.tnum.subreg(); bt = b.tnum.subreg();
        } else {
            amin = a.umin; amax = a.umax; bmin = b.umin; bmax = b.umax;
            asmin = a.smin; asmax = a.smax; bsmin = b.smin; bsmax = b.smax;
            at = a.tnum; bt = b.tnum;
        }
        switch (jop) {
            case BPF_JEQ:
            case BPF_JNE: {
                int eq = -1;
                if (at.isConst() && bt.isConst()) {
                    eq = at.value() == bt.value() ? 1 : 0;
                } else if (ult(amax, bmin) || ult(bmax, amin) || asmax < bsmin || bsmax < asmin
                        || ((at.value() ^ bt.value()) & ~(at.mask() | bt.mask())) != 0) {
                    eq = 0;
                } else if (!is32 && (a.u32min > b.u32max || a.u32max < b.u32min || a.s32min > b.s32max
                        || a.s32max < b.s32min)) {
                    eq = 0; // 64-bit values differ when their low halves cannot be equal
                }
                if (eq < 0) {
                    return -1;
                }
                return jop == BPF_JEQ ? eq : 1 - eq;
            }
            case BPF_JSET:
                if ((at.value() & bt.value()) != 0) {
                    return 1;
                }
                if (((at.value() | at.mask()) & (bt.value() | bt.mask())) == 0) {
                    return 0;
                }
                return -1;
            case BPF_JGT:
                return ult(bmax, amin) ? 1 : !ult(bmin, amax) ? 0 : -1;
            case BPF_JGE:
                return !ult(amin, bmax) ? 1 : ult(amax, bmin) ? 0 : -1;
            case BPF_JLT:
                return ult(amax, bmin) ? 1 : !ult(amin, bmax) ? 0 : -1;
            case BPF_JLE:
                return !ult(bmin, amax) ? 1 : ult(bmax, amin) ? 0 : -1;
            case BPF_JSGT:
                return asmin > bsmax ? 1 : asmax <= bsmin ? 0 : -1;
            case BPF_JSGE:
                return asmin >= bsmax ? 1 : asmax < bsmin ? 0 : -1;
            case BPF_JSLT:
                return asmax < bsmin ? 1 : asmin >= bsmax ? 0 : -1;
            case BPF_JSLE:
                return asmax <= bsmin ? 1 : asmin > bsmax ? 0 : -1;
            default:
                return -1;
        }
    }

    private static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    /**
     * Narrows the bounds of {@code a} and {@code b} assuming {@code a jop b} holds (reg_set_min_max), then
     * copies the result to linked scalars. False when the assumption is impossible.
     */
    private boolean refine(VerifierState st, RegState a, RegState b, int jop, boolean is32) {
        RegState a0 = a.copy();
        RegState b0 = b.copy();
        boolean ok = refineBounds(a, b, jop, is32);
        if (ok) {
            a.sync();
            b.sync();
        }
        if (!ok || a.boundsInvalid() || b.boundsInvalid()) {
            // The branch cannot happen, but 6.18 only skips branches is_branch_taken rules out: on
            // contradictory bounds it logs an invariant violation and forgets the register, then goes on.
            a.copyFrom(a0);
            b.copyFrom(b0);
            if (!a.isConst()) {
                a.markUnknown();
            }
            if (!b.isConst()) {
                b.markUnknown();
            }
            return true;
        }
        propagateLinked(st, a);
        propagateLinked(st, b);
        return true;
    }

    private static boolean refineBounds(RegState a, RegState b, int jop, boolean is32) {
        switch (jop) {
            case BPF_JEQ:
                if (is32) {
                    long umin = Math.max(a.u32min, b.u32min);
                    long umax = Math.min(a.u32max, b.u32max);
                    int smin = Math.max(a.s32min, b.s32min);
                    int smax = Math.min(a.s32max, b.s32max);
                    Tnum t = a.tnum.subreg().intersect(b.tnum.subreg());
                    a.u32min = b.u32min = umin;
                    a.u32max = b.u32max = umax;
                    a.s32min = b.s32min = smin;
                    a.s32max = b.s32max = smax;
                    a.tnum = a.tnum.withSubreg(t);
                    b.tnum = b.tnum.withSubreg(t);
                } else {
                    long umin = RegState.umaxOf(a.umin, b.umin);
                    long umax = RegState.uminOf(a.umax, b.umax);
                    long smin = Math.max(a.smin, b.smin);
                    long smax = Math.min(a.smax, b.smax);
                    Tnum t = a.tnum.intersect(b.tnum);
                    a.umin = b.umin = umin;
                    a.umax = b.umax = umax;
                    a.smin = b.smin = smin;
                    a.smax = b.smax = smax;
                    a.tnum = b.tnum = t;
                }
                return true;
            case BPF_JNE:
                if (b.isConst() || (is32 && b.isConst32())) {
                    excludeValue(a, b, is32);
                } else if (a.isConst() || (is32 && a.isConst32())) {
                    excludeValue(b, a, is32);
                }
                return true;
            case BPF_JSET:
                if (b.isConst() && Long.bitCount(is32 ? b.constValue() & RegState.U32_MAX : b.constValue()) == 1) {
                    long bit = is32 ? b.constValue() & RegState.U32_MAX : b.constValue();
                    a.tnum = a.tnum.or(Tnum.constant(bit));
                }
                return true;
            case NOT_JSET:
                if (b.isConst()) {
                    long mask = is32 ? ~(b.constValue() & RegState.U32_MAX) : ~b.constValue();
                    a.tnum = new Tnum(a.tnum.value() & mask, a.tnum.mask() & mask);
                }
                return true;
            case BPF_JLT:
                return refineBounds(b, a, BPF_JGT, is32);
            case BPF_JLE:
                return refineBounds(b, a, BPF_JGE, is32);
            case BPF_JSLT:
                return refineBounds(b, a, BPF_JSGT, is32);
            case BPF_JSLE:
                return refineBounds(b, a, BPF_JSGE, is32);
            case BPF_JGT:
                if (is32) {
                    if (b.u32min == RegState.U32_MAX || a.u32max == 0) {
                        return false;
                    }
                    a.u32min = Math.max(a.u32min, b.u32min + 1);
                    b.u32max = Math.min(b.u32max, a.u32max - 1);
                } else {
                    if (b.umin == -1L || a.umax == 0) {
                        return false;
                    }
                    a.umin = RegState.umaxOf(a.umin, b.umin + 1);
                    b.umax = RegState.uminOf(b.umax, a.umax - 1);
                }
                return true;
            case BPF_JGE:
                if (is32) {
                    a.u32min = Math.max(a.u32min, b.u32min);
                    b.u32max = Math.min(b.u32max, a.u32max);
                } else {
                    a.umin = RegState.umaxOf(a.umin, b.umin);
                    b.umax = RegState.uminOf(b.umax, a.umax);
                }
                return true;
            case BPF_JSGT:
                if (is32) {
                    if (b.s32min == Integer.MAX_VALUE || a.s32max == Integer.MIN_VALUE) {
                        return false;
                    }
                    a.s32min = Math.max(a.s32min, b.s32min + 1);
                    b.s32max = Math.min(b.s32max, a.s32max - 1);
                } else {
                    if (b.smin == Long.MAX_VALUE || a.smax == Long.MIN_VALUE) {
                        return false;
                    }
                    a.smin = Math.max(a.smin, b.smin + 1);
                    b.smax = Math.min(b.smax, a.smax - 1);
                }
                return true;
            case BPF_JSGE:
                if (is32) {
                    a.s32min = Math.max(a.s32min, b.s32min);
                    b.s32max = Math.min(b.s32max, a.s32max);
                } else {
                    a.smin = Math.max(a.smin, b.smin);
                    b.smax = Math.min(b.smax, a.smax);
                }
                return true;
            default:
                return true;
        }
    }

    /** a != constant b: trims the bound equal to b. */
    private static void excludeValue(RegState a, RegState b, boolean is32) {
        if (is32) {
            long v = b.tnum.value() & RegState.U32_MAX;
            if (a.u32min == v) a.u32min++;
            else if (a.u32max == v) a.u32max--;
            if (a.s32min == (int) v && a.s32min != Integer.MAX_VALUE) a.s32min++;
            else if (a.s32max == (int) v && a.s32max != Integer.MIN_VALUE) a.s32max--;
            if (a.isConst32() && (a.tnum.value() & RegState.U32_MAX) == v) {
                a.u32min = 1;
                a.u32max = 0; // impossible
            }
        } else {
            long v = b.constValue();
            if (a.umin == v && a.umin != -1L) a.umin++;
            else if (a.umax == v && a.umax != 0) a.umax--;
            if (a.smin == v && a.smin != Long.MAX_VALUE) a.smin++;
            else if (a.smax == v && a.smax != Long.MIN_VALUE) a.smax--;
            if (a.isConst() && a.constValue() == v) {
                a.umin = 1;
                a.umax = 0; // impossible
            }
        }
    }

    /** Copies a refined scalar to every register and spill sharing its id (find_equal_scalars). */
    private static void propagateLinked(VerifierState st, RegState r) {
        if (r.id == 0 || !r.isScalar()) {
            return;
        }
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            for (RegState o : fs.regs) {
                if (o != r && o.isScalar() && o.id == r.id) {
                    o.copyFrom(r);
                }
            }
            for (RegState o : fs.spilled) {
                if (o != null && o != r && o.isScalar() && o.id == r.id) {
                    int keep = o.id;
                    o.copyFrom(r);
                    o.id = keep;
                }
            }
        }
    }

    /** Resolves a nullable pointer id to NULL (scalar 0) or to its non-NULL type in every frame. */
    private static void markPtrOrNull(VerifierState st, int id, boolean isNull) {
        if (id == 0) {
            return;
        }
        int releasedRef = 0;
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            for (RegState o : fs.regs) {
                releasedRef |= markOne(o, id, isNull);
            }
            for (RegState o : fs.spilled) {
                if (o != null) {
                    releasedRef |= markOne(o, id, isNull);
                }
            }
        }
        if (isNull && releasedRef != 0) {
            int ref = releasedRef;
            st.refs.removeIf(r -> r[0] == ref);
        }
    }

    private static int markOne(RegState o, int id, boolean isNull) {
        if (!o.type.maybeNull() || o.id != id) {
            return 0;
        }
        int ref = o.refId;
        if (isNull) {
            o.markConst(0);
        } else {
            o.type = o.type.nonNull();
            if (o.type != RegType.PTR_TO_SOCK_COMMON_OR_NULL) {
                o.id = 0;
            }
        }
        return ref;
    }

    /** Packet range from comparisons of pkt pointers with pkt_end (try_match_pkt_pointers). */
    private void matchPacketPointers(VerifierState thisBranch, VerifierState otherBranch, int dstno, int srcno,
                                     int jop) {
        RegState d = thisBranch.regs()[dstno];
        RegState s = thisBranch.regs()[srcno];
        int pktReg = dstno;
        if (d.type == RegType.PTR_TO_PACKET_END && s.type == RegType.PTR_TO_PACKET) {
            pktReg = srcno;
            jop = flip(jop);
        } else if (!(d.type == RegType.PTR_TO_PACKET && s.type == RegType.PTR_TO_PACKET_END)) {
            return;
        }
        RegState pkt = thisBranch.regs()[pktReg].copy();
        switch (jop) {
            case BPF_JGT: // pkt' > end: fall-through has pkt' <= end
                findGoodPktPointers(thisBranch, pkt, false);
                break;
            case BPF_JLT: // pkt' < end: taken
                findGoodPktPointers(otherBranch, pkt, true);
                break;
            case BPF_JGE: // pkt' >= end: fall-through has pkt' < end
                findGoodPktPointers(thisBranch, pkt, true);
                break;
            case BPF_JLE: // pkt' <= end: taken
                findGoodPktPointers(otherBranch, pkt, false);
                break;
            default:
                break;
        }
    }

    private static void findGoodPktPointers(VerifierState st, RegState dst, boolean rightOpen) {
        if (dst.off < 0 || (dst.off == 0 && rightOpen)) {
            return;
        }
        if (Long.compareUnsigned(dst.umax, MAX_PACKET_OFF) > 0 || dst.umax + dst.off > MAX_PACKET_OFF) {
            return;
        }
        int newRange = dst.off;
        if (rightOpen) {
            newRange++; // pkt + off < pkt_end: byte off is readable too (6.x kernels; checked on 6.18)
        }
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            for (RegState o : fs.regs) {
                if (o.type == RegType.PTR_TO_PACKET && o.id == dst.id) {
                    o.range = Math.max(o.range, newRange);
                }
            }
            for (RegState o : fs.spilled) {
                if (o != null && o.type == RegType.PTR_TO_PACKET && o.id == dst.id) {
                    o.range = Math.max(o.range, newRange);
                }
            }
        }
    }

    // =========================================================================================
    // helper calls
    // =========================================================================================

    /** Helpers that may move or resize packet data (bpf_helper_changes_pkt_data). */
    private static boolean changesPktData(int id) {
        switch (id) {
            case 9: case 10: case 11: case 13: case 18: case 19: case 31: case 32: case 38: case 39:
            case 43: case 44: case 50: case 54: case 57: case 63: case 64: case 65: case 73: case 74:
            case 75: case 76: case 91: case 100: case 101: case 102: case 103: case 189:
                return true;
            default:
                return false;
        }
    }

    private static final class CallMeta {
        int mapIndex = -1;
        int memRegno = -1;
        boolean memRaw;
        boolean memMaybeNull;
        long allocSize = -1;
        int releaseRef;
        int callbackTarget = -1;
        /** Value of a map key known at verification time, or -1. */
        long constKey = -1;
    }

    private void checkHelperCall(VerifierState st, int func) {
        HelperProto proto = env.helpers() == null ? null : env.helpers().apply(func);
        String name = HelperNames.name(func);
        if (proto == null) {
            if (name == null) {
                throw fail("invalid func unknown#" + func);
            }
            throw fail("program of this type cannot use helper bpf_" + name + "#" + func);
        }
        String fname = "bpf_" + proto.name() + "#" + func;
        CallMeta meta = new CallMeta();
        for (int i = 0; i < 5; i++) {
            checkFuncArg(st, i + 1, proto.arg(i), meta, proto);
        }
        checkMapFuncCompatibility(meta, func, fname);
        if (func == BPF_FUNC_TAIL_CALL && !st.refs.isEmpty()) {
            throw fail("tail_call would lead to reference leak");
        }
        if (meta.releaseRef != 0) {
            releaseReference(st, meta.releaseRef);
        }
        FuncState cur = st.cur();
        for (int r = 1; r <= 5; r++) {
            cur.regs[r].markNotInit();
        }
        RegState r0 = cur.regs[0];
        switch (proto.ret()) {
            case VOID:
                r0.markNotInit();
                break;
            case PTR_TO_MAP_VALUE_OR_NULL:
                if (meta.mapIndex < 0) {
                    throw fail("kernel subsystem misconfigured verifier");
                }
                MapDefinition def = map(meta.mapIndex).definition();
                boolean arrayHit = func == 1 && meta.constKey >= 0 && meta.constKey < def.maxEntries()
                        && (def.type() == MapType.ARRAY || def.type() == MapType.PERCPU_ARRAY);
                // 6.x kernels know an array lookup with an in-range constant key cannot fail
                r0.markPointer(arrayHit ? RegType.PTR_TO_MAP_VALUE : RegType.PTR_TO_MAP_VALUE_OR_NULL);
                r0.mapIndex = meta.mapIndex;
                r0.id = arrayHit ? 0 : ++idGen;
                break;
            case PTR_TO_ALLOC_MEM_OR_NULL:
                r0.markPointer(RegType.PTR_TO_MEM_OR_NULL);
                r0.memSize = (int) Math.max(0, meta.allocSize);
                r0.id = ++idGen;
                r0.refId = ++idGen; // the kernel numbers the reference after the pointer's id
                st.refs.add(new int[] {r0.refId, idx});
                break;
            default:
                r0.markUnknown();
        }
        if (changesPktData(func)) {
            clearPacketPointers(st);
        }
        if (meta.callbackTarget >= 0) {
            // Verify the callback as if called from here; its exit resumes after this helper call.
            RegState[] args = lastArgs;
            if (st.curframe + 1 >= MAX_CALL_FRAMES) {
                throw fail("the call stack of " + (st.curframe + 2) + " frames is too deep !");
            }
            pushFrame(st, meta.callbackTarget, idx);
            FuncState cb = st.cur();
            for (int r = 1; r <= 5; r++) {
                cb.regs[r].markUnknown();
            }
            if (proto.name().equals("loop")) {
                cb.regs[2].copyFrom(args[3]); // bpf_loop(nr, cb, ctx, flags) calls cb(index, ctx)
            }
            st.insnIdx = meta.callbackTarget;
        }
    }

    /** Copies of r0..r5 at the start of the current helper call (for callbacks). */
    private RegState[] lastArgs;

    private void checkMapFuncCompatibility(CallMeta meta, int func, String fname) {
        if (meta.mapIndex < 0) {
            return;
        }
        MapType t = map(meta.mapIndex).type();
        boolean ok;
        switch (t) {
            case PROG_ARRAY:
                ok = func == BPF_FUNC_TAIL_CALL || func == 2 || func == 3;
                break;
            case RINGBUF:
                ok = func == 130 || func == 131 || func == 134;
                break;
            case PERF_EVENT_ARRAY:
                ok = func == 25 || func == 22 || func == 55 || func == 111 || func == 121;
                break;
            default:
                ok = true;
        }
        if (func == BPF_FUNC_TAIL_CALL && t != MapType.PROG_ARRAY) {
            throw fail("expected prog array map for tail call");
        }
        switch (func) {
            case 130: case 131: case 134:
                ok &= t == MapType.RINGBUF;
                break;
            case 25:
                ok &= t == MapType.PERF_EVENT_ARRAY;
                break;
            default:
                break;
        }
        if (!ok) {
            throw fail("cannot pass map_type " + t.kernelId + " into func " + fname);
        }
    }

    private void checkFuncArg(VerifierState st, int regno, ArgType type, CallMeta meta, HelperProto proto) {
        if (regno == 1) {
            lastArgs = new RegState[6];
            for (int r = 0; r <= 5; r++) {
                lastArgs[r] = st.regs()[r].copy();
            }
        }
        if (type == ArgType.DONTCARE) {
            return;
        }
        RegState r = readReg(st, regno);
        switch (type) {
            case ANYTHING:
                return;
            case CONST_MAP_PTR:
                if (r.type != RegType.CONST_PTR_TO_MAP) {
                    throw typeMismatch(regno, r, "map_ptr");
                }
                meta.mapIndex = r.mapIndex;
                return;
            case PTR_TO_MAP_KEY:
            case PTR_TO_MAP_VALUE: {
                boolean key = type == ArgType.PTR_TO_MAP_KEY;
                if (meta.mapIndex < 0) {
                    throw fail("invalid map_ptr to access map->" + (key ? "key" : "value"));
                }
                requireMemPointer(regno, r, "fp, pkt, pkt_meta, map_key, map_value");
                MapDefinition def = map(meta.mapIndex).definition();
                checkHelperMemAccess(st, regno, key ? def.keySize() : def.valueSize(), false, false);
                if (key) {
                    meta.constKey = constantMapKey(st, r, def.keySize());
                }
                return;
            }
            case PTR_TO_MEM:
            case PTR_TO_UNINIT_MEM:
            case PTR_TO_MEM_OR_NULL:
                meta.memRegno = regno;
                meta.memRaw = type == ArgType.PTR_TO_UNINIT_MEM;
                meta.memMaybeNull = false;
                if (type == ArgType.PTR_TO_MEM_OR_NULL && r.isNullConst()) {
                    meta.memMaybeNull = true;
                    return;
                }
                requireMemPointer(regno, r, "fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_");
                return;
            case CONST_SIZE:
            case CONST_SIZE_OR_ZERO: {
                boolean zeroOk = type == ArgType.CONST_SIZE_OR_ZERO;
                if (!r.isScalar()) {
                    throw typeMismatch(regno, r, "scalar");
                }
                if (meta.memRegno != regno - 1) {
                    throw fail("arg " + (regno - 1) + " is not a memory pointer for size R" + regno);
                }
                if (r.smin < 0) {
                    throw fail("R" + regno + " min value is negative, either use unsigned or 'var &= const'");
                }
                if (r.umin == 0 && !zeroOk) {
                    throw fail("R" + regno + " invalid zero-sized read: u64=[" + r.umin + "," + r.umax + "]");
                }
                if (Long.compareUnsigned(r.umax, 1L << 29) >= 0) {
                    throw fail("R" + regno + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
                }
                if (meta.memMaybeNull) {
                    return;
                }
                checkHelperMemAccess(st, regno - 1, (int) r.umax, zeroOk, meta.memRaw);
                return;
            }
            case PTR_TO_CTX:
                if (r.type != RegType.PTR_TO_CTX && !(env.ctxRules() == null && r.type == RegType.PTR_TO_MEM)) {
                    throw typeMismatch(regno, r, "ctx");
                }
                if (r.off != 0 || !r.varIsZero()) {
                    throw fail("dereference of modified ctx ptr R" + regno + " off=" + r.off + " disallowed");
                }
                return;
            case CONST_ALLOC_SIZE_OR_ZERO:
                if (!r.isScalar() || !r.isConst()) {
                    throw fail("R" + regno + " is not a known constant'");
                }
                meta.allocSize = r.constValue();
                return;
            case PTR_TO_ALLOC_MEM:
                if (r.type != RegType.PTR_TO_MEM || r.refId == 0) {
                    throw typeMismatch(regno, r, "ringbuf_mem");
                }
                if (r.off != 0 || !r.varIsZero()) {
                    throw fail("R" + regno + " must have zero offset when passed to release func");
                }
                meta.releaseRef = r.refId;
                return;
            case PTR_TO_CONST_STR: {
                if (r.type != RegType.PTR_TO_MAP_VALUE) {
                    throw typeMismatch(regno, r, "map_value");
                }
                MapDefinition def = map(r.mapIndex).definition();
                if ((def.flags() & MapDefinition.BPF_F_RDONLY_PROG) == 0) {
                    throw fail("R" + regno + " does not point to a readonly map'");
                }
                if (!r.varIsZero()) {
                    throw fail("R" + regno + " is not a constant address'");
                }
                return;
            }
            case PTR_TO_FUNC:
                if (r.type != RegType.PTR_TO_FUNC) {
                    throw typeMismatch(regno, r, "func");
                }
                meta.callbackTarget = r.memSize;
                return;
            case PTR_TO_STACK_OR_NULL:
                if (r.isNullConst()) {
                    return;
                }
                if (r.type != RegType.PTR_TO_STACK) {
                    throw typeMismatch(regno, r, "fp");
                }
                return;
            default:
                return;
        }
    }

    /** The key a stack pointer designates when it is a constant (the kernel's get_constant_map_key). */
    private static long constantMapKey(VerifierState st, RegState p, int keySize) {
        if (p.type != RegType.PTR_TO_STACK || !p.isConst() || keySize > 8) {
            return -1;
        }
        FuncState f = st.frames[p.frameno];
        int b = (int) (FuncState.STACK + p.off + p.constValue());
        if (b < 0 || b + keySize > FuncState.STACK) {
            return -1;
        }
        boolean zero = true;
        for (int i = 0; i < keySize; i++) {
            zero &= f.stype[b + i] == FuncState.ZERO;
        }
        if (zero) {
            return 0;
        }
        int slot = b / 8;
        RegState sp = f.spilled[slot];
        if (b % 8 == 0 && sp != null && f.stype[b] == FuncState.SPILL && f.spillSize[slot] == keySize
                && sp.isScalar() && sp.isConst()) {
            long v = sp.constValue();
            return keySize == 8 ? v : v & ((1L << (keySize * 8)) - 1);
        }
        return -1;
    }

    private VerifierException typeMismatch(int regno, RegState r, String expected) {
        return fail("R" + regno + " type=" + r.type.logName + " expected=" + expected);
    }

    private void requireMemPointer(int regno, RegState r, String expected) {
        switch (r.type) {
            case PTR_TO_STACK:
            case PTR_TO_PACKET:
            case PTR_TO_MAP_VALUE:
            case PTR_TO_MEM:
                return;
            default:
                throw typeMismatch(regno, r, expected);
        }
    }

    /** The kernel's check_helper_mem_access: {@code size} bytes at the pointer in {@code regno}. */
    private void checkHelperMemAccess(VerifierState st, int regno, int size, boolean zeroOk, boolean raw) {
        RegState p = st.regs()[regno];
        switch (p.type) {
            case PTR_TO_PACKET:
                if (raw && !env.packetWritable()) {
                    throw fail("helper access to the packet is not allowed");
                }
                if (size == 0 && zeroOk) {
                    return;
                }
                checkPacketAccess(p, regno, p.off, size);
                return;
            case PTR_TO_MAP_VALUE: {
                MapDefinition def = map(p.mapIndex).definition();
                if (raw && (def.flags() & MapDefinition.BPF_F_RDONLY_PROG) != 0) {
                    throw fail("write into map forbidden, value_size=" + def.valueSize() + " off=" + p.off
                            + " size=" + size);
                }
                checkMemRegion(p, regno, p.off, size, def.valueSize(), zeroOk);
                return;
            }
            case PTR_TO_MEM:
                checkMemRegion(p, regno, p.off, size, p.memSize, zeroOk);
                return;
            case PTR_TO_STACK:
                checkStackRange(st, p, regno, size, zeroOk, raw);
                return;
            default:
                throw typeMismatch(regno, p, "fp, pkt, pkt_meta, map_key, map_value, mem");
        }
    }

    private void checkStackRange(VerifierState st, RegState p, int regno, int size, boolean zeroOk, boolean raw) {
        FuncState frame = st.frames[p.frameno];
        long min;
        long max;
        if (p.isConst()) {
            min = max = p.off + p.constValue();
        } else {
            if (p.smin == Long.MIN_VALUE) {
                throw fail("R" + regno + " unbounded indirect variable offset stack access");
            }
            min = p.off + p.smin;
            max = p.off + p.smax;
        }
        if (size == 0 && zeroOk) {
            return;
        }
        if (min < -FuncState.STACK || max + size > 0 || size <= 0) {
            String dir = raw ? "write to" : "read from";
            if (p.isConst()) {
                throw fail("invalid " + dir + " stack R" + regno + " off=" + min + " size=" + size);
            }
            throw fail("invalid variable-offset " + dir + " stack R" + regno + " var_off="
                    + tnumStr(p.tnum) + " off=" + p.off + " size=" + size);
        }
        updateStackDepth(frame.subprog, (int) -min);
        for (long o = min; o < max + size; o++) {
            int b = (int) (FuncState.STACK + o);
            byte t = frame.stype[b];
            if (raw) {
                continue;
            }
            if (t == FuncState.INVALID && !env.allowUninitStack()) {
                throw fail("invalid read from stack R" + regno + " off " + min + "+" + (o - min) + " size " + size);
            }
        }
        if (raw) {
            for (long o = min; o < max + size; o++) {
                int b = (int) (FuncState.STACK + o);
                frame.scrubSlot(b / 8);
                frame.stype[b] = FuncState.MISC;
            }
        }
    }

    private static void releaseReference(VerifierState st, int ref) {
        st.refs.removeIf(r -> r[0] == ref);
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            for (RegState o : fs.regs) {
                if (o.refId == ref) {
                    o.markUnknown();
                }
            }
            for (int s = 0; s < FuncState.SLOTS; s++) {
                if (fs.spilled[s] != null && fs.spilled[s].refId == ref) {
                    fs.spilled[s].markUnknown();
                }
            }
        }
    }

    private static void clearPacketPointers(VerifierState st) {
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            for (RegState o : fs.regs) {
                if (o.type == RegType.PTR_TO_PACKET || o.type == RegType.PTR_TO_PACKET_END) {
                    o.markUnknown();
                }
            }
            for (int s = 0; s < FuncState.SLOTS; s++) {
                RegState o = fs.spilled[s];
                if (o != null && (o.type == RegType.PTR_TO_PACKET || o.type == RegType.PTR_TO_PACKET_END)) {
                    o.markUnknown();
                }
            }
        }
    }

    // =========================================================================================
    // pruning
    // =========================================================================================

    private static final int MAX_STATES_PER_INSN = 64;

    private boolean isStateVisited(VerifierState cur) {
        ExploredStates ex = explored[idx];
        if (ex == null) {
            ex = new ExploredStates();
            explored[idx] = ex;
        }
        boolean addNew = jmpsProcessed - prevJmpsProcessed >= 2 && insnProcessed - prevInsnProcessed >= 8;
        long hash = 0;
        if (!ex.active.isEmpty()) {
            hash = exactHash(cur);
            for (VerifierState sl : ex.activeWithHash(hash)) {
                if (statesEqualExact(sl, cur)) {
                    throw fail("infinite loop detected at insn " + idx);
                }
            }
            if (jmpsProcessed - prevJmpsProcessed < 20 && insnProcessed - prevInsnProcessed < 100) {
                addNew = false;
            }
        }
        List<VerifierState> list = ex.finished;
        for (int i = 0; i < list.size(); i++) {
            VerifierState sl = list.get(i);
            if (statesEqual(sl, cur)) {
                sl.hitCnt++;
                return true;
            }
            sl.missCnt++;
            if (sl.missCnt > sl.hitCnt * 3 + 3) {
                list.remove(i--);
                curStates--;
            }
        }
        if (!addNew) {
            return false;
        }
        VerifierState ck = cur.copy();
        ck.branches = 1;
        ck.insnIdx = idx;
        ck.parent = cur.parent;
        ck.exactHash = ex.active.isEmpty() ? exactHash(cur) : hash;
        cur.parent = ck;
        ex.addActive(ck);
        totalStates++;
        curStates++;
        peakStates = Math.max(peakStates, curStates);
        maxStatesPerInsn = Math.max(maxStatesPerInsn, ex.size());
        prevJmpsProcessed = jmpsProcessed;
        prevInsnProcessed = insnProcessed;
        return false;
    }

    /** Hash consistent with {@link #statesEqualExact}. */
    private static long exactHash(VerifierState st) {
        long h = st.curframe;
        for (int f = 0; f <= st.curframe; f++) {
            FuncState fs = st.frames[f];
            h = h * 31 + fs.callsite;
            for (RegState r : fs.regs) {
                h = h * 31 + r.type.ordinal();
                h = h * 31 + r.off;
                h = h * 31 + r.range;
                h = h * 31 + r.tnum.value();
                h = h * 31 + r.tnum.mask();
                h = h * 31 + r.smin;
                h = h * 31 + r.umax;
            }
            h = h * 31 + java.util.Arrays.hashCode(fs.stype);
        }
        return h;
    }

    private boolean statesEqualExact(VerifierState old, VerifierState cur) {
        if (old.curframe != cur.curframe || old.refs.size() != cur.refs.size()) {
            return false;
        }
        for (int f = 0; f <= cur.curframe; f++) {
            FuncState a = old.frames[f];
            FuncState b = cur.frames[f];
            if (a.callsite != b.callsite || !a.stackEquals(b)) {
                return false;
            }
            for (int r = 0; r < MAX_BPF_REG; r++) {
                if (!a.regs[r].exactlyEquals(b.regs[r])) {
                    return false;
                }
            }
            for (int s = 0; s < FuncState.SLOTS; s++) {
                RegState x = a.spilled[s];
                RegState y = b.spilled[s];
                if ((x == null) != (y == null) || (x != null && !x.exactlyEquals(y))) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean statesEqual(VerifierState old, VerifierState cur) {
        if (old.curframe != cur.curframe || old.refs.size() != cur.refs.size()) {
            return false;
        }
        IdMap ids = new IdMap();
        for (int i = 0; i < old.refs.size(); i++) {
            if (!ids.check(old.refs.get(i)[0], cur.refs.get(i)[0])) {
                return false;
            }
        }
        for (int f = 0; f <= cur.curframe; f++) {
            FuncState a = old.frames[f];
            FuncState b = cur.frames[f];
            if (a.callsite != b.callsite) {
                return false;
            }
            int live;
            if (f == cur.curframe) {
                live = structure.liveIn[idx] | (1 << 10);
            } else {
                int cs = cur.frames[f + 1].callsite;
                live = (cs + 1 < insns.length ? structure.liveIn[cs + 1] : 0) & 0x7c0;
            }
            for (int r = 0; r < MAX_BPF_REG; r++) {
                if ((live & (1 << r)) != 0 && !regsafe(a.regs[r], b.regs[r], ids)) {
                    return false;
                }
            }
            if (!stacksafe(a, b, ids)) {
                return false;
            }
        }
        return true;
    }

    /** Old-id to current-id mapping that must stay consistent (the kernel's check_ids). */
    private static final class IdMap {
        private final int[] from = new int[64];
        private final int[] to = new int[64];
        private int n;

        boolean check(int oldId, int curId) {
            if (oldId == 0 && curId == 0) {
                return true;
            }
            if (oldId == 0 || curId == 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (from[i] == oldId) {
                    return to[i] == curId;
                }
                if (to[i] == curId) {
                    return false;
                }
            }
            if (n == from.length) {
                return false;
            }
            from[n] = oldId;
            to[n] = curId;
            n++;
            return true;
        }
    }

    private boolean regsafe(RegState old, RegState cur, IdMap ids) {
        if (old.type == RegType.NOT_INIT) {
            return true;
        }
        if (old.type != cur.type) {
            return false;
        }
        switch (old.type) {
            case SCALAR:
                if (!cur.scalarWithin(old)) {
                    return false;
                }
                return old.id == 0 || ids.check(old.id, cur.id);
            case PTR_TO_PACKET:
                return cur.range >= old.range && old.off == cur.off && cur.scalarWithin(old)
                        && ids.check(old.id, cur.id);
            case PTR_TO_MAP_VALUE:
            case PTR_TO_MAP_VALUE_OR_NULL:
                return old.mapIndex == cur.mapIndex && old.off == cur.off && cur.scalarWithin(old)
                        && (old.type == RegType.PTR_TO_MAP_VALUE || ids.check(old.id, cur.id));
            case PTR_TO_MEM:
            case PTR_TO_MEM_OR_NULL:
                return old.memSize == cur.memSize && old.off == cur.off && cur.scalarWithin(old)
                        && (old.refId == 0 ? cur.refId == 0 : ids.check(old.refId, cur.refId))
                        && (old.type == RegType.PTR_TO_MEM || ids.check(old.id, cur.id));
            case PTR_TO_STACK:
                return old.frameno == cur.frameno && old.off == cur.off && cur.scalarWithin(old);
            default:
                return old.off == cur.off && old.mapIndex == cur.mapIndex && old.memSize == cur.memSize
                        && old.sameVar(cur) && (old.id == 0 || ids.check(old.id, cur.id));
        }
    }

    private boolean stacksafe(FuncState old, FuncState cur, IdMap ids) {
        for (int b = 0; b < FuncState.STACK; b++) {
            byte o = old.stype[b];
            if (o == FuncState.INVALID) {
                continue;
            }
            byte c = cur.stype[b];
            int slot = b / 8;
            if (o == FuncState.MISC) {
                if (c == FuncState.MISC || c == FuncState.ZERO || env.allowUninitStack()
                        || (c == FuncState.SPILL && cur.spilled[slot] != null && cur.spilled[slot].isScalar())) {
                    continue;
                }
                return false;
            }
            if (o == FuncState.ZERO) {
                if (c == FuncState.ZERO) {
                    continue;
                }
                return false;
            }
            // SPILL: compare once per slot
            if (c != FuncState.SPILL) {
                return false;
            }
            if (b % 8 == 0 || old.stype[b - 1] != FuncState.SPILL) {
                if (old.spillSize[slot] != cur.spillSize[slot] || old.spilled[slot] == null
                        || cur.spilled[slot] == null || !regsafe(old.spilled[slot], cur.spilled[slot], ids)) {
                    return false;
                }
            }
        }
        return true;
    }

    // =========================================================================================
    // stack depth over call chains (check_max_stack_depth)
    // =========================================================================================

    private int checkMaxStackDepth() {
        return maxDepthFrom(0, 0, 1);
    }

    private int maxDepthFrom(int subprog, int depthSoFar, int frames) {
        if (frames > MAX_CALL_FRAMES) {
            throw log.fail(structure.subprogStarts[subprog],
                    "the call stack of " + frames + " frames is too deep !");
        }
        int depth = depthSoFar + roundUp(subprogStackDepth[subprog]);
        if (depth > MAX_BPF_STACK) {
            throw log.fail(structure.subprogStarts[subprog],
                    "combined stack size of " + frames + " calls is " + depth + ". Too large");
        }
        int best = depth;
        int start = structure.subprogStarts[subprog];
        int end = structure.subprogEnd(subprog);
        for (int i = start; i < end; i++) {
            if (structure.ldImm64Tail[i]) {
                continue;
            }
            long insn = insns[i];
            boolean call = ProgramStructure.isPseudoCall(insn)
                    || (Insn.isLdImm64(insn) && Insn.src(insn) == BPF_PSEUDO_FUNC);
            if (call) {
                int callee = structure.subprogIndexOf(i + Insn.imm(insn) + 1);
                if (callee >= 0 && callee != subprog) {
                    best = Math.max(best, maxDepthFrom(callee, depth, frames + 1));
                }
            }
        }
        return best;
    }

    private static int roundUp(int depth) {
        return (depth + 15) & ~15;
    }
}
