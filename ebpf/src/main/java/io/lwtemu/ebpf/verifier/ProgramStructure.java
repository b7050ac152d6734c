package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

import static io.lwtemu.ebpf.isa.Opcodes.*;

/**
 * Static checks before abstract interpretation, as the kernel's {@code resolve_pseudo_ldimm64},
 * {@code check_subprogs} and {@code check_cfg} do: opcode validity, well-formed {@code ld_imm64}, map
 * references, subprogram boundaries, jump ranges, reachability. Also computes which registers are live at
 * each instruction (used to compare states for pruning).
 */
final class ProgramStructure {
    private static final int MAX_VAR_OFF = 1 << 29;

    final long[] insns;
    final int n;
    /** True for the second slot of an ld_imm64. */
    final boolean[] ldImm64Tail;
    /** Sorted subprogram start indices; subprog 0 starts at 0. */
    final int[] subprogStarts;
    /** Subprogram index of each instruction. */
    final int[] subprogOf;
    /** Jump targets and the instruction after conditional jumps / calls: where states are stored. */
    final boolean[] prunePoint;
    /** Registers (bit i = ri) live before each instruction. */
    final int[] liveIn;

    private final Log log;

    ProgramStructure(long[] insns, List<BpfMap> maps, Log log) {
        this.insns = insns;
        this.n = insns.length;
        this.log = log;
        this.ldImm64Tail = new boolean[n];
        if (n == 0) {
            throw log.fail(-1, "BPF program is empty");
        }
        if (n > 1_000_000) {
            throw log.fail(-1, "BPF program is too large. " + n + " insns");
        }
        // Same order as the kernel: subprograms and jump ranges, then ld_imm64/map resolution, opcodes, CFG.
        this.subprogStarts = findSubprogs();
        this.subprogOf = new int[n];
        for (int s = 0; s < subprogStarts.length; s++) {
            int end = s + 1 < subprogStarts.length ? subprogStarts[s + 1] : n;
            Arrays.fill(subprogOf, subprogStarts[s], end, s);
        }
        checkJumps();
        checkLdImm64(maps);
        this.prunePoint = new boolean[n];
        checkCfg();
        this.liveIn = computeLiveness();
    }

    int subprogEnd(int subprog) {
        return subprog + 1 < subprogStarts.length ? subprogStarts[subprog + 1] : n;
    }

    int subprogIndexOf(int start) {
        return Arrays.binarySearch(subprogStarts, start);
    }

    static boolean isPseudoCall(long insn) {
        return Insn.opcode(insn) == (BPF_JMP | BPF_CALL) && Insn.src(insn) == BPF_PSEUDO_CALL;
    }

    static boolean isHelperCall(long insn) {
        return Insn.opcode(insn) == (BPF_JMP | BPF_CALL) && Insn.src(insn) == 0;
    }

    /** Target of a jump instruction (JA in the JMP32 class takes its offset from imm: gotol). */
    static int jumpTarget(int i, long insn) {
        int op = Insn.opcode(insn);
        if (op == (BPF_JMP32 | BPF_JA)) {
            return i + Insn.imm(insn) + 1;
        }
        return i + Insn.off(insn) + 1;
    }

    static boolean isJump(int op) {
        int cls = insnClass(op);
        if (cls != BPF_JMP && cls != BPF_JMP32) {
            return false;
        }
        int jop = aluOp(op);
        return jop != BPF_CALL && jop != BPF_EXIT;
    }

    static boolean isValidOpcode(int op) {
        int cls = insnClass(op);
        switch (cls) {
            case BPF_ALU:
            case BPF_ALU64: {
                int a = aluOp(op);
                if (a == BPF_END) {
                    return cls == BPF_ALU || source(op) == BPF_TO_LE;
                }
                if (a == BPF_NEG) {
                    return source(op) == BPF_K;
                }
                return a <= BPF_ARSH;
            }
            case BPF_JMP:
            case BPF_JMP32: {
                int j = aluOp(op);
                if (j == BPF_JA) {
                    return source(op) == BPF_K;
                }
                if (j == BPF_CALL || j == BPF_EXIT) {
                    return cls == BPF_JMP && source(op) == BPF_K;
                }
                return j <= BPF_JSLE;
            }
            case BPF_LD:
                if (op == (BPF_LD | BPF_IMM | BPF_DW)) {
                    return true;
                }
                return (mode(op) == BPF_ABS || mode(op) == BPF_IND) && size(op) != BPF_DW;
            case BPF_LDX:
                return mode(op) == BPF_MEM || (mode(op) == BPF_MEMSX && size(op) != BPF_DW);
            case BPF_ST:
                return mode(op) == BPF_MEM;
            case BPF_STX:
                return mode(op) == BPF_MEM || mode(op) == BPF_ATOMIC; // B/H atomics: load-acquire/store-release
            default:
                return false;
        }
    }

    /** The kernel's resolve_pseudo_ldimm64: reserved LDX fields, opcodes, ld_imm64 shape, map references. */
    private void checkLdImm64(List<BpfMap> maps) {
        for (int i = 0; i < n; i++) {
            long insn = insns[i];
            int op = Insn.opcode(insn);
            if (insnClass(op) == BPF_LDX && ((mode(op) != BPF_MEM && mode(op) != BPF_MEMSX) || Insn.imm(insn) != 0)) {
                throw log.fail(i, "BPF_LDX uses reserved fields");
            }
            if (!isValidOpcode(op)) {
                throw log.fail(i, String.format("unknown opcode %02x", op));
            }
            if (!Insn.isLdImm64(insn)) {
                continue;
            }
            if (i == n - 1 || Insn.opcode(insns[i + 1]) != 0 || Insn.dst(insns[i + 1]) != 0
                    || Insn.src(insns[i + 1]) != 0 || Insn.off(insns[i + 1]) != 0 || Insn.off(insn) != 0) {
                throw log.fail(i, "invalid bpf_ld_imm64 insn");
            }
            int src = Insn.src(insn);
            switch (src) {
                case 0:
                    break;
                case BPF_PSEUDO_MAP_FD:
                case BPF_PSEUDO_MAP_IDX:
                case BPF_PSEUDO_MAP_VALUE:
                case BPF_PSEUDO_MAP_IDX_VALUE: {
                    int idx = Insn.imm(insn);
                    boolean value = src == BPF_PSEUDO_MAP_VALUE || src == BPF_PSEUDO_MAP_IDX_VALUE;
                    if (!value && Insn.imm(insns[i + 1]) != 0) {
                        throw log.fail(i, "unrecognized bpf_ld_imm64 insn");
                    }
                    if (idx < 0 || idx >= maps.size()) {
                        throw log.fail(i, "fd " + idx + " is not pointing to valid bpf_map");
                    }
                    if (value) {
                        MapDefinition def = maps.get(idx).definition();
                        if (def.type() != MapType.ARRAY) {
                            throw log.fail(i, "no direct value access support for this map type");
                        }
                        int off = Insn.imm(insns[i + 1]);
                        if (off < 0 || off >= MAX_VAR_OFF) {
                            throw log.fail(i, "direct value offset of " + Integer.toUnsignedString(off)
                                    + " is not allowed");
                        }
                        // only single-element arrays (global data) hand out a direct value address
                        if (def.maxEntries() != 1 || off >= def.valueSize()) {
                            throw log.fail(i, "invalid access to map value pointer, value_size="
                                    + def.valueSize() + " off=" + Integer.toUnsignedString(off));
                        }
                    }
                    break;
                }
                case BPF_PSEUDO_FUNC:
                    break;
                default:
                    throw log.fail(i, "unrecognized bpf_ld_imm64 insn");
            }
            ldImm64Tail[i + 1] = true;
            i++;
        }
    }

    private int[] findSubprogs() {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < n; i++) {
            long insn = insns[i];
            boolean call = isPseudoCall(insn);
            boolean func = Insn.isLdImm64(insn) && Insn.src(insn) == BPF_PSEUDO_FUNC;
            if (!call && !func) {
                continue;
            }
            int target = i + Insn.imm(insn) + 1;
            if (target < 0 || target >= n) {
                throw log.fail(i, "call to invalid destination");
            }
            starts.add(target);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkJumps() {
        for (int s = 0; s < subprogStarts.length; s++) {
            int start = subprogStarts[s];
            int end = subprogEnd(s);
            for (int i = start; i < end; i++) {
                int op = Insn.opcode(insns[i]);
                if (isJump(op)) {
                    int target = jumpTarget(i, insns[i]);
                    if (target < start || target >= end) {
                        throw log.fail(i, "jump out of range from insn " + i + " to " + target);
                    }
                }
            }
            int last = end - 1;
            int op = Insn.opcode(insns[last]);
            if (op != (BPF_JMP | BPF_EXIT) && op != (BPF_JMP | BPF_JA) && op != (BPF_JMP32 | BPF_JA)) {
                throw log.fail(last, "last insn is not an exit or jmp");
            }
        }
    }

    /** Successors of instruction {@code i} inside its subprogram (calls fall through). */
    private int[] successors(int i) {
        long insn = insns[i];
        int op = Insn.opcode(insn);
        if (Insn.isLdImm64(insn)) {
            return new int[] {i + 2};
        }
        int cls = insnClass(op);
        if (cls == BPF_JMP || cls == BPF_JMP32) {
            int j = aluOp(op);
            if (j == BPF_EXIT) {
                return new int[0];
            }
            if (j == BPF_CALL) {
                return new int[] {i + 1};
            }
            int target = jumpTarget(i, insn);
            if (j == BPF_JA) {
                return new int[] {target};
            }
            return new int[] {i + 1, target};
        }
        return new int[] {i + 1};
    }

    /** Depth-first walk in the kernel's order (fall-through edge before the branch edge). */
    private void checkCfg() {
        boolean[] seen = new boolean[n];
        int[] stack = new int[n + 1];
        int[] edge = new int[n + 1];
        int sp = 0;
        stack[sp] = 0;
        edge[sp] = 0;
        sp++;
        seen[0] = true;
        while (sp > 0) {
            int t = stack[sp - 1];
            long insn = insns[t];
            int op = Insn.opcode(insn);
            int[] next = edges(t);
            if (edge[sp - 1] == 0) {
                markPrunePoints(t, insn, op);
            }
            if (edge[sp - 1] >= next.length) {
                sp--;
                continue;
            }
            int w = next[edge[sp - 1]++];
            if (w < 0 || w >= n) {
                throw log.fail(t, "jump out of range from insn " + t + " to " + w);
            }
            if (ldImm64Tail[w]) {
                throw log.fail(t, "jump into the middle of ldimm64 insn " + (w - 1));
            }
            if (!seen[w]) {
                seen[w] = true;
                stack[sp] = w;
                edge[sp] = 0;
                sp++;
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i] && !ldImm64Tail[i]) {
                throw log.fail(i, "unreachable insn " + i);
            }
        }
    }

    /** Successors in the kernel's visiting order, including call targets. */
    private int[] edges(int t) {
        long insn = insns[t];
        int[] succ = successors(t);
        if (isPseudoCall(insn) || (Insn.isLdImm64(insn) && Insn.src(insn) == BPF_PSEUDO_FUNC)) {
            int[] e = Arrays.copyOf(succ, succ.length + 1);
            e[succ.length] = t + Insn.imm(insn) + 1;
            return e;
        }
        return succ;
    }

    private void markPrunePoints(int t, long insn, int op) {
        if (isPseudoCall(insn) || (Insn.isLdImm64(insn) && Insn.src(insn) == BPF_PSEUDO_FUNC)) {
            int target = t + Insn.imm(insn) + 1;
            if (target >= 0 && target < n) {
                prunePoint[target] = true;
            }
        }
        if (isJump(op)) {
            int target = jumpTarget(t, insn);
            if (target >= 0 && target < n) {
                prunePoint[target] = true;
            }
            if (aluOp(op) != BPF_JA) {
                prunePoint[t] = true; // 6.x checks states at the conditional jump itself
            }
        }
        if (aluOp(op) == BPF_CALL && insnClass(op) == BPF_JMP) {
            if (t + 1 < n) {
                prunePoint[t + 1] = true;
            }
            if (isPseudoCall(insn)) {
                prunePoint[t] = true;
            }
        }
    }

    /** Backward data flow per subprogram: registers read before being written on some path. */
    private int[] computeLiveness() {
        int[] use = new int[n];
        int[] def = new int[n];
        for (int i = 0; i < n; i++) {
            if (ldImm64Tail[i]) {
                continue;
            }
            useDef(i, use, def);
        }
        int[] live = new int[n];
        boolean changed = true;
        int[][] succ = new int[n][];
        for (int i = 0; i < n; i++) {
            succ[i] = ldImm64Tail[i] ? new int[0] : successors(i);
        }
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                if (ldImm64Tail[i]) {
                    continue;
                }
                int out = 0;
                for (int w : succ[i]) {
                    if (w >= 0 && w < n) {
                        out |= live[w];
                    }
                }
                int in = use[i] | (out & ~def[i]);
                if (in != live[i]) {
                    live[i] = in;
                    changed = true;
                }
            }
        }
        return live;
    }

    private void useDef(int i, int[] use, int[] def) {
        long insn = insns[i];
        int op = Insn.opcode(insn);
        int dst = Insn.dst(insn);
        int src = Insn.src(insn);
        int cls = insnClass(op);
        int u = 0;
        int d = 0;
        switch (cls) {
            case BPF_ALU:
            case BPF_ALU64:
                if (aluOp(op) != BPF_MOV) {
                    u |= bit(dst);
                }
                if (source(op) == BPF_X && aluOp(op) != BPF_END && aluOp(op) != BPF_NEG) {
                    u |= bit(src);
                }
                d |= bit(dst);
                break;
            case BPF_LDX:
                u |= bit(src);
                d |= bit(dst);
                break;
            case BPF_ST:
                u |= bit(dst);
                break;
            case BPF_STX:
                u |= bit(dst) | bit(src);
                if (mode(op) == BPF_ATOMIC) {
                    int aop = Insn.imm(insn);
                    if (aop == BPF_CMPXCHG) {
                        u |= bit(0);
                        d |= bit(0);
                    } else if ((aop & BPF_FETCH) != 0) {
                        d |= bit(src);
                    }
                }
                break;
            case BPF_LD:
                if (Insn.isLdImm64(insn)) {
                    d |= bit(dst);
                } else {
                    u |= bit(6) | (mode(op) == BPF_IND ? bit(src) : 0);
                    d |= 0x3f;
                }
                break;
            default: {
                int j = aluOp(op);
                if (j == BPF_EXIT) {
                    u |= bit(0);
                } else if (j == BPF_CALL) {
                    u |= 0x3e; // r1-r5 (conservatively all)
                    d |= 0x3f;
                } else if (j != BPF_JA) {
                    u |= bit(dst);
                    if (source(op) == BPF_X) {
                        u |= bit(src);
                    }
                }
            }
        }
        use[i] = u & 0x7ff;
        def[i] = d & 0x7ff;
    }

    private static int bit(int r) {
        return r < 11 ? 1 << r : 0;
    }
}
