package io.lwtemu.ebpf.vm;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.lang.invoke.MethodHandles;

import static io.lwtemu.ebpf.isa.Opcodes.BPF_CMPXCHG;
import static io.lwtemu.ebpf.isa.Opcodes.BPF_FETCH;
import static io.lwtemu.ebpf.isa.Opcodes.BPF_PSEUDO_MAP_FD;
import static io.lwtemu.ebpf.isa.Opcodes.BPF_PSEUDO_MAP_IDX;
import static io.lwtemu.ebpf.isa.Opcodes.BPF_PSEUDO_MAP_IDX_VALUE;
import static io.lwtemu.ebpf.isa.Opcodes.BPF_PSEUDO_MAP_VALUE;
import static io.lwtemu.ebpf.vm.Decoder.*;
import static org.objectweb.asm.Opcodes.*;

/**
 * Translates a program's decoded bytecode (the {@link Interpreter}'s arrays, so both engines see the same
 * checked instructions) into a hidden JVM class: one static method per BPF function (the main program and
 * each bpf-to-bpf callee; r6–r9 survive a call because they are the caller's locals, the callee's r10 is
 * 512 bytes below the caller's, as in the interpreter), r0–r10 as {@code long} locals, BPF jumps as
 * labels, ALU operations inline with the interpreter's semantics, memory accesses through the
 * interpreter's static load/store fast paths, helpers through the {@link HelperProto} of each call site.
 *
 * <p>With the verifier's {@link VerifiedAccess} kinds ({@link #compileClass(Interpreter, byte[])}) accesses the
 * verifier proved in bounds skip the run-time checks, as the kernel's JIT does: stack accesses index the stack
 * array directly, map value and packet accesses go to their region's array without bounds checks (packet bounds
 * are the program's own {@code data_end} checks), and {@code __sk_buff} field loads read the skb field like the
 * kernel's rewritten context accesses. Each helper call site calls the helper's body itself, so the JVM sees one
 * helper per site and can inline it.
 *
 * <p>What it does not translate, and why the interpreter runs those programs instead:
 * <ul>
 *   <li>{@code bpf_loop}, {@code callx}: callbacks and calls by number;</li>
 *   <li>tail calls: continue in another program's frame;</li>
 *   <li>code whose jumps or fall-through leave its function (the verifier rejects it);</li>
 *   <li>programs whose method would exceed HotSpot's huge-method limit (8000 bytes of bytecode): the JVM
 *       would never compile them, and interpreted JVM bytecode is slower than the BPF interpreter.</li>
 * </ul>
 *
 * <p>One class serves every load of the same bytecode: the values of {@code ld_imm64} map references (map
 * handles and map value addresses, which differ per load because each load has maps of its own) are not
 * compiled in but read from the instance's copy of the interpreter's constants, so a {@link JitClass} is
 * compiled once and instantiated per load.
 *
 * <p>Faults carry the BPF pc: a local holds the pc of the current memory access or helper call and the
 * method's single exception handler maps any exception through {@link JitSupport#fault}. Backward jumps
 * charge the instruction budget exactly like the interpreter.
 */
public final class JitCompiler {
    /** System property switching the JIT on ({@code true}, the default) or off. */
    public static final String ENABLED_PROPERTY = "lwtemu.bpf.jit";
    /** HotSpot does not compile methods larger than this (-XX:+DontCompileHugeMethods). */
    static final int HUGE_METHOD_LIMIT = 8000;

    private static final long M32 = 0xffff_ffffL;
    private static final String INTERP = Type.getInternalName(Interpreter.class);
    private static final String SUPPORT = Type.getInternalName(JitSupport.class);
    private static final String CTX = Type.getInternalName(ExecutionContext.class);
    private static final String CTX_D = Type.getDescriptor(ExecutionContext.class);
    private static final String MEM_D = Type.getDescriptor(AddressSpace.class);
    private static final String PROTO_D = Type.getDescriptor(HelperProto.class);
    private static final String PROTO = Type.getInternalName(HelperProto.class);
    private static final String HELPER_FN = Type.getInternalName(io.lwtemu.ebpf.helpers.HelperFunction.class);
    private static final String REGION = Type.getInternalName(MemoryRegion.class);
    private static final String SKB_CONTEXT = "io/lwtemu/ebpf/prog/SkBuffContext";
    private static final String NAME = "io/lwtemu/ebpf/vm/JitProgram";

    /** Descriptor of each function's static method: (ctx, mem, calls, wide, r1..r5, r10, depth) -> r0. */
    private static final String FN_D = "(" + CTX_D + MEM_D + "[" + PROTO_D + "[JJJJJJJI)J";
    // locals of a function's method
    private static final int L_CTX = 0;
    private static final int L_MEM = 1;
    private static final int L_CALLS = 2;
    private static final int L_WIDE = 3;
    private static final int L_ARG1 = 4;
    private static final int L_ARG10 = 14;
    private static final int L_DEPTH = 16;
    private static final int L_PC = 17;
    private static final int L_LEFT = 18;
    private static final int L_R0 = 20;
    /** The stack's byte array, for verified stack accesses (after r0..r10). */
    private static final int L_STACK = L_R0 + 22;
    /** Scratch reference (the map of an inlined bpf_map_lookup_elem). */
    private static final int L_TMP = L_STACK + 1;
    /**
     * The map value region used last in this function and its id (-1: none): consecutive accesses to one value
     * skip the region table. Forgotten at every call, since a helper may free a value.
     */
    private static final int L_RID = L_TMP + 1;
    private static final int L_REGION = L_RID + 1;
    /** Address of the current map value access. */
    private static final int L_ADDR = L_REGION + 1;
    private static final String MAP = Type.getInternalName(io.lwtemu.ebpf.maps.BpfMap.class);

    private JitCompiler() {
    }

    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"));
    }

    /**
     * System property: {@code false} makes the JIT keep every run-time check although the verifier proved the
     * access (for comparing the two; the default {@code true} trusts the verifier as the kernel's JIT does).
     */
    public static final String TRUST_VERIFIER_PROPERTY = "lwtemu.bpf.jit.trustVerifier";

    public static boolean trustsVerifier() {
        return Boolean.parseBoolean(System.getProperty(TRUST_VERIFIER_PROPERTY, "true"));
    }

    /** The engine to run {@code program} with: compiled when the JIT is on and can take it, else the interpreter. */
    public static BpfExecutable prepare(BpfProgram program, HelperProto[] helpersById) {
        Interpreter interpreter = new Interpreter(program, helpersById);
        if (!enabled()) {
            return interpreter;
        }
        CompiledProgram compiled = compile(interpreter);
        return compiled != null ? compiled : interpreter;
    }

    /** Why {@code interpreter}'s program cannot be compiled, or null when it can (modulo method size). */
    public static String unsupportedReason(Interpreter interpreter) {
        long[] code = interpreter.code;
        for (int pc = 0; pc < code.length; pc++) {
            int op = (int) code[pc] & 0xff;
            switch (op) {
                case TAIL_CALL: return "tail call at instruction " + pc;
                case LOOP: return "bpf_loop at instruction " + pc;
                case CALLX: return "callx at instruction " + pc;
                default:
                    if (op == LDDW) {
                        pc++;
                    }
            }
        }
        return null;
    }

    /** Compiles the interpreter's program, or returns null when the interpreter must run it (see class doc). */
    public static CompiledProgram compile(Interpreter interpreter) {
        JitClass jit = compileClass(interpreter);
        return jit == null ? null : jit.instantiate(interpreter);
    }

    /**
     * A compiled class for one bytecode, to be instantiated for each load of it: the instance takes the helper
     * table and the map references of the load's {@link Interpreter}.
     */
    public static final class JitClass {
        private final java.lang.invoke.MethodHandle constructor;
        private final int length;

        private JitClass(java.lang.invoke.MethodHandle constructor, int length) {
            this.constructor = constructor;
            this.length = length;
        }

        /**
         * The compiled program bound to {@code interpreter}'s maps and helpers; {@code interpreter} must hold the
         * same bytecode as the one compiled (another load of the same object).
         */
        public CompiledProgram instantiate(Interpreter interpreter) {
            if (interpreter.code.length != length) {
                throw new IllegalArgumentException("program '" + interpreter.program().name() + "' has "
                        + interpreter.code.length + " instructions; the class was compiled for " + length);
            }
            try {
                CompiledProgram.Code code = (CompiledProgram.Code) constructor.invoke(interpreter.calls.clone(),
                        interpreter.wide.clone());
                return new CompiledProgram(interpreter.program(), code);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("JIT: cannot instantiate compiled program", t);
            }
        }
    }

    /** Compiles the interpreter's program to a class, or returns null when the interpreter must run it. */
    public static JitClass compileClass(Interpreter interpreter) {
        return compileClass(interpreter, null);
    }

    /**
     * Compiles the interpreter's program to a class that trusts the verifier's proofs in {@code accessKinds}
     * (one {@link VerifiedAccess} kind per instruction, from the verification of exactly this program; null:
     * check every access at run time), or returns null when the interpreter must run it.
     */
    public static JitClass compileClass(Interpreter interpreter, byte[] accessKinds) {
        if (unsupportedReason(interpreter) != null) {
            return null;
        }
        if (accessKinds != null && accessKinds.length != interpreter.program().insns().length) {
            throw new IllegalArgumentException("access kinds for " + accessKinds.length + " instructions, program has "
                    + interpreter.program().insns().length);
        }
        try {
            java.util.List<Label> ends = new java.util.ArrayList<>();
            byte[] bytes = generate(interpreter, accessKinds, ends);
            for (Label end : ends) {
                if (end.getOffset() > HUGE_METHOD_LIMIT) {
                    return null;
                }
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return new JitClass(lookup.findConstructor(lookup.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class, HelperProto[].class, long[].class)),
                    interpreter.code.length);
        } catch (UnsupportedOpcode e) {
            return null;
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError v && !(e instanceof StackOverflowError)) {
                throw v;
            }
            return null; // e.g. ASM's MethodTooLargeException: the interpreter runs it
        } catch (Throwable t) {
            throw new IllegalStateException("JIT: cannot instantiate compiled program", t);
        }
    }

    private static final class UnsupportedOpcode extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedOpcode() {
            super(null, null, false, false);
        }
    }

    private static int reg(int r) {
        return L_R0 + 2 * r;
    }

    private static byte[] generate(Interpreter interp, byte[] kinds, java.util.List<Label> ends) {
        long[] code = interp.code;
        int n = code.length; // includes the FELL_OFF sentinel
        java.util.TreeSet<Integer> entries = new java.util.TreeSet<>();
        entries.add(0);
        for (int pc = 0; pc < n; pc++) {
            if (((int) code[pc] & 0xff) == CALL_LOCAL) {
                entries.add((int) (code[pc] >> 32));
            }
        }
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, NAME, null, "java/lang/Object",
                new String[] {Type.getInternalName(CompiledProgram.Code.class)});
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "calls", "[" + PROTO_D, null, null).visitEnd();
        cw.visitField(ACC_PRIVATE | ACC_FINAL, "wide", "[J", null, null).visitEnd();

        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "([" + PROTO_D + "[J)V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 1);
        init.visitFieldInsn(PUTFIELD, NAME, "calls", "[" + PROTO_D);
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 2);
        init.visitFieldInsn(PUTFIELD, NAME, "wide", "[J");
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor ex = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "exec", "(" + CTX_D + MEM_D + "JJ)J", null, null);
        ex.visitCode();
        ex.visitVarInsn(ALOAD, 1);
        ex.visitVarInsn(ALOAD, 2);
        ex.visitVarInsn(ALOAD, 0);
        ex.visitFieldInsn(GETFIELD, NAME, "calls", "[" + PROTO_D);
        ex.visitVarInsn(ALOAD, 0);
        ex.visitFieldInsn(GETFIELD, NAME, "wide", "[J");
        ex.visitVarInsn(LLOAD, 3);
        ex.visitVarInsn(LLOAD, 5);
        ex.visitInsn(LCONST_0);
        ex.visitInsn(LCONST_0);
        ex.visitInsn(LCONST_0);
        ex.visitLdcInsn(Pointer.of(AddressSpace.STACK, Interpreter.STACK_SIZE));
        ex.visitInsn(ICONST_0);
        ex.visitMethodInsn(INVOKESTATIC, NAME, "f0", FN_D, false);
        ex.visitInsn(LRETURN);
        ex.visitMaxs(0, 0);
        ex.visitEnd();

        Integer[] starts = entries.toArray(new Integer[0]);
        for (int k = 0; k < starts.length; k++) {
            int from = starts[k];
            int to = k + 1 < starts.length ? starts[k + 1] : n; // exclusive
            ends.add(function(cw, interp, kinds, from, to));
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Emits the method of the function at [from, to); returns the label at its end (for its size). */
    private static Label function(ClassWriter cw, Interpreter interp, byte[] kinds, int from, int to) {
        long[] code = interp.code;
        long[] wide = interp.wide;
        String progName = interp.program().name();
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, "f" + from, FN_D, null, null);
        mv.visitCode();
        Label[] at = new Label[code.length];
        for (int i = from; i < to; i++) {
            at[i] = new Label();
        }
        Label tryStart = new Label();
        Label tryEnd = new Label();
        Label handler = new Label();
        Label end = new Label();
        mv.visitTryCatchBlock(tryStart, tryEnd, handler, "java/lang/RuntimeException");

        // prologue: r1-r5 and r10 from the caller, the rest zero
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, L_PC);
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitFieldInsn(GETFIELD, CTX, "budgetLeft", "J");
        mv.visitVarInsn(LSTORE, L_LEFT);
        for (int r = 0; r <= 10; r++) {
            if (r >= 1 && r <= 5) {
                mv.visitVarInsn(LLOAD, L_ARG1 + 2 * (r - 1));
            } else if (r == 10) {
                mv.visitVarInsn(LLOAD, L_ARG10);
            } else {
                mv.visitInsn(LCONST_0);
            }
            mv.visitVarInsn(LSTORE, reg(r));
        }
        if (usesKind(interp.code, kinds, from, to, VerifiedAccess.MAP_VALUE)) {
            mv.visitInsn(ICONST_M1);
            mv.visitVarInsn(ISTORE, L_RID);
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, L_REGION);
        }
        if (usesKind(interp.code, kinds, from, to, VerifiedAccess.STACK)) {
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitFieldInsn(GETFIELD, CTX, "stack", Type.getDescriptor(MemoryRegion.class));
            mv.visitFieldInsn(GETFIELD, REGION, "bytes", "[B");
            mv.visitVarInsn(ASTORE, L_STACK);
        }
        mv.visitLabel(tryStart);

        // backward jumps go through a stub that charges the budget; stubs follow the body
        java.util.List<int[]> stubs = new java.util.ArrayList<>(); // {pc, target}
        java.util.List<Label> stubLabels = new java.util.ArrayList<>();

        for (int pc = from; pc < to; pc++) {
            mv.visitLabel(at[pc]);
            long w = code[pc];
            int op = (int) w & 0xff;
            int dst = ((int) w >>> 8) & 15;
            int src = ((int) w >>> 12) & 15;
            int off = (int) w >> 16;
            long imm = w >> 32;
            int cls = op & 7;
            // ---- jumps ----
            if ((cls == 5 || cls == 6) && isJump(op)) {
                int rel = op == GOTOL ? (int) imm : off;
                int target = pc + 1 + rel;
                Label dest;
                if (rel < 0) {
                    dest = new Label();
                    stubs.add(new int[] {pc, target, rel});
                    stubLabels.add(dest);
                } else {
                    dest = label(at, target);
                }
                if ((op & 0xf0) == 0x00) { // JA / gotol
                    mv.visitJumpInsn(GOTO, dest);
                } else {
                    emitCondJump(mv, op, dst, src, imm, dest);
                }
                continue;
            }
            switch (op) {
                // ---- ALU64 ----
                case 0x07: binop64(mv, dst, src, imm, false, LADD); break;
                case 0x0f: binop64(mv, dst, src, imm, true, LADD); break;
                case 0x17: binop64(mv, dst, src, imm, false, LSUB); break;
                case 0x1f: binop64(mv, dst, src, imm, true, LSUB); break;
                case 0x27: binop64(mv, dst, src, imm, false, LMUL); break;
                case 0x2f: binop64(mv, dst, src, imm, true, LMUL); break;
                case 0x47: binop64(mv, dst, src, imm, false, LOR); break;
                case 0x4f: binop64(mv, dst, src, imm, true, LOR); break;
                case 0x57: binop64(mv, dst, src, imm, false, LAND); break;
                case 0x5f: binop64(mv, dst, src, imm, true, LAND); break;
                case 0xa7: binop64(mv, dst, src, imm, false, LXOR); break;
                case 0xaf: binop64(mv, dst, src, imm, true, LXOR); break;
                case 0x67: shift64(mv, dst, src, imm, false, LSHL); break;
                case 0x6f: shift64(mv, dst, src, imm, true, LSHL); break;
                case 0x77: shift64(mv, dst, src, imm, false, LUSHR); break;
                case 0x7f: shift64(mv, dst, src, imm, true, LUSHR); break;
                case 0xc7: shift64(mv, dst, src, imm, false, LSHR); break;
                case 0xcf: shift64(mv, dst, src, imm, true, LSHR); break;
                case 0x87: load(mv, dst); mv.visitInsn(LNEG); store(mv, dst); break;
                case 0xb7: mv.visitLdcInsn(imm); store(mv, dst); break;
                case 0xbf: load(mv, src); store(mv, dst); break;
                case 0x37: call2(mv, dst, src, imm, false, "udiv64"); break;
                case 0x3f: call2(mv, dst, src, imm, true, "udiv64"); break;
                case 0x97: call2(mv, dst, src, imm, false, "umod64"); break;
                case 0x9f: call2(mv, dst, src, imm, true, "umod64"); break;
                case SDIV64_K: call2(mv, dst, src, imm, false, "sdiv64"); break;
                case SDIV64_X: call2(mv, dst, src, imm, true, "sdiv64"); break;
                case SMOD64_K: call2(mv, dst, src, imm, false, "smod64"); break;
                case SMOD64_X: call2(mv, dst, src, imm, true, "smod64"); break;
                case MOVSX64_8: load(mv, src); mv.visitInsn(L2I); mv.visitInsn(I2B); mv.visitInsn(I2L); store(mv, dst); break;
                case MOVSX64_16: load(mv, src); mv.visitInsn(L2I); mv.visitInsn(I2S); mv.visitInsn(I2L); store(mv, dst); break;
                case MOVSX64_32: load(mv, src); mv.visitInsn(L2I); mv.visitInsn(I2L); store(mv, dst); break;
                case SWAP16:
                case BE16:
                    load(mv, dst); mv.visitInsn(L2I); mv.visitInsn(I2S);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Short", "reverseBytes", "(S)S", false);
                    mv.visitInsn(I2L); mv.visitLdcInsn(0xffffL); mv.visitInsn(LAND); store(mv, dst);
                    break;
                case SWAP32:
                case BE32:
                    load(mv, dst); mv.visitInsn(L2I);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "reverseBytes", "(I)I", false);
                    mv.visitInsn(I2L); mask32(mv); store(mv, dst);
                    break;
                case SWAP64:
                case BE64:
                    load(mv, dst);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "reverseBytes", "(J)J", false);
                    store(mv, dst);
                    break;
                case LE16: load(mv, dst); mv.visitLdcInsn(0xffffL); mv.visitInsn(LAND); store(mv, dst); break;
                case LE32: load(mv, dst); mask32(mv); store(mv, dst); break;
                case LE64: break;

                // ---- ALU32 ----
                case 0x04: binop32(mv, dst, src, imm, false, LADD); break;
                case 0x0c: binop32(mv, dst, src, imm, true, LADD); break;
                case 0x14: binop32(mv, dst, src, imm, false, LSUB); break;
                case 0x1c: binop32(mv, dst, src, imm, true, LSUB); break;
                case 0x24: binop32(mv, dst, src, imm, false, LMUL); break;
                case 0x2c: binop32(mv, dst, src, imm, true, LMUL); break;
                case 0x44: binop32(mv, dst, src, imm, false, LOR); break;
                case 0x4c: binop32(mv, dst, src, imm, true, LOR); break;
                case 0x54: binop32(mv, dst, src, imm, false, LAND); break;
                case 0x5c: binop32(mv, dst, src, imm, true, LAND); break;
                case 0xa4: binop32(mv, dst, src, imm, false, LXOR); break;
                case 0xac: binop32(mv, dst, src, imm, true, LXOR); break;
                case 0x64: shift32(mv, dst, src, imm, false, ISHL); break;
                case 0x6c: shift32(mv, dst, src, imm, true, ISHL); break;
                case 0x74: shift32(mv, dst, src, imm, false, IUSHR); break;
                case 0x7c: shift32(mv, dst, src, imm, true, IUSHR); break;
                case 0xc4: shift32(mv, dst, src, imm, false, ISHR); break;
                case 0xcc: shift32(mv, dst, src, imm, true, ISHR); break;
                case 0x84: load(mv, dst); mv.visitInsn(LNEG); mask32(mv); store(mv, dst); break;
                case 0xb4: mv.visitLdcInsn(imm & M32); store(mv, dst); break;
                case 0xbc: load(mv, src); mask32(mv); store(mv, dst); break;
                case 0x34: call2(mv, dst, src, imm, false, "udiv32"); break;
                case 0x3c: call2(mv, dst, src, imm, true, "udiv32"); break;
                case 0x94: call2(mv, dst, src, imm, false, "umod32"); break;
                case 0x9c: call2(mv, dst, src, imm, true, "umod32"); break;
                case SDIV32_K: call2(mv, dst, src, imm, false, "sdiv32"); break;
                case SDIV32_X: call2(mv, dst, src, imm, true, "sdiv32"); break;
                case SMOD32_K: call2(mv, dst, src, imm, false, "smod32"); break;
                case SMOD32_X: call2(mv, dst, src, imm, true, "smod32"); break;
                case MOVSX32_8: load(mv, src); mv.visitInsn(L2I); mv.visitInsn(I2B); mv.visitInsn(I2L); mask32(mv); store(mv, dst); break;
                case MOVSX32_16: load(mv, src); mv.visitInsn(L2I); mv.visitInsn(I2S); mv.visitInsn(I2L); mask32(mv); store(mv, dst); break;

                // ---- loads ----
                case 0x18:
                    if (src == BPF_PSEUDO_MAP_FD || src == BPF_PSEUDO_MAP_IDX || src == BPF_PSEUDO_MAP_VALUE
                            || src == BPF_PSEUDO_MAP_IDX_VALUE) {
                        // differs per load: read from the instance's constants
                        mv.visitVarInsn(ALOAD, L_WIDE);
                        pushInt(mv, pc);
                        mv.visitInsn(LALOAD);
                    } else {
                        mv.visitLdcInsn(wide[pc]);
                    }
                    store(mv, dst);
                    mv.visitJumpInsn(GOTO, label(at, pc + 2));
                    break;
                case 0x61: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 4, -1); break;
                case 0x69: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 2, -1); break;
                case 0x71: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 1, -1); break;
                case 0x79: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 8, -1); break;
                case 0x81: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 4, NOP); break;
                case 0x89: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 2, I2S); break;
                case 0x91: memLoad(mv, kind(kinds, pc), pc, dst, src, off, 1, I2B); break;

                // ---- stores ----
                case 0x62: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, false, 4); break;
                case 0x6a: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, false, 2); break;
                case 0x72: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, false, 1); break;
                case 0x7a: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, false, 8); break;
                case 0x63: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, true, 4); break;
                case 0x6b: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, true, 2); break;
                case 0x73: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, true, 1); break;
                case 0x7b: memStore(mv, kind(kinds, pc), pc, dst, src, off, imm, true, 8); break;
                case ATOMIC_W:
                case ATOMIC_DW: {
                    int aop = (int) imm;
                    setPc(mv, pc);
                    mv.visitVarInsn(ALOAD, L_MEM);
                    address(mv, dst, off);
                    load(mv, src);
                    mv.visitLdcInsn(aop);
                    load(mv, 0);
                    mv.visitMethodInsn(INVOKESTATIC, SUPPORT, op == ATOMIC_W ? "atomic32" : "atomic64",
                            "(" + MEM_D + "JJIJ)J", false);
                    if ((aop & ~BPF_FETCH) == (BPF_CMPXCHG & ~BPF_FETCH)) {
                        store(mv, 0);
                    } else if ((aop & BPF_FETCH) != 0) {
                        store(mv, src);
                    } else {
                        mv.visitInsn(POP2);
                    }
                    break;
                }

                // ---- calls and exit ----
                case CALL_HELPER: {
                    if (kinds != null && interp.calls[pc] == io.lwtemu.ebpf.helpers.CommonHelpers.MAP_LOOKUP_ELEM) {
                        // bpf_map_lookup_elem of a verified program: the map's own lookup called at this site, so
                        // the JVM sees one map type per site and can inline it
                        pushInt(mv, pc | JitSupport.IN_HELPER);
                        mv.visitVarInsn(ISTORE, L_PC);
                        load(mv, 1);
                        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "mapOf", "(J)L" + MAP + ";", false);
                        mv.visitInsn(DUP);
                        mv.visitVarInsn(ASTORE, L_TMP);
                        mv.visitVarInsn(ALOAD, L_MEM);
                        load(mv, 2);
                        mv.visitVarInsn(ALOAD, L_TMP);
                        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "keyBytes", "(" + MEM_D + "JL" + MAP + ";)[B", false);
                        load(mv, 2);
                        mv.visitInsn(L2I);
                        mv.visitVarInsn(ALOAD, L_CTX);
                        mv.visitFieldInsn(GETFIELD, CTX, "cpu", "I");
                        mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupElem", "([BII)J", false);
                        store(mv, 0);
                        setPc(mv, pc);
                        forgetRegion(mv, kinds);
                        break;
                    }
                    // the body is called here, not through a shared method, so each site's call is monomorphic;
                    // the flagged pc tells the handler to report a failure as the helper's (JitSupport.fault)
                    pushInt(mv, pc | JitSupport.IN_HELPER);
                    mv.visitVarInsn(ISTORE, L_PC);
                    mv.visitVarInsn(ALOAD, L_CALLS);
                    pushInt(mv, pc);
                    mv.visitInsn(AALOAD);
                    mv.visitMethodInsn(INVOKEVIRTUAL, PROTO, "body", "()L" + HELPER_FN + ";", false);
                    mv.visitVarInsn(ALOAD, L_CTX);
                    for (int r = 1; r <= 5; r++) {
                        load(mv, r);
                    }
                    mv.visitMethodInsn(INVOKEINTERFACE, HELPER_FN, "call", "(" + CTX_D + "JJJJJ)J", true);
                    store(mv, 0);
                    setPc(mv, pc);
                    forgetRegion(mv, kinds);
                    Label go = new Label();
                    mv.visitVarInsn(ALOAD, L_CTX);
                    mv.visitFieldInsn(GETFIELD, CTX, "exitRequested", "Z");
                    mv.visitJumpInsn(IFEQ, go);
                    emitExit(mv);
                    mv.visitLabel(go);
                    break;
                }
                case CALL_LOCAL: {
                    int target = (int) imm;
                    setPc(mv, pc);
                    mv.visitVarInsn(ILOAD, L_DEPTH);
                    pushInt(mv, target);
                    mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "checkCallDepth", "(II)V", false);
                    mv.visitVarInsn(ALOAD, L_CTX);
                    mv.visitVarInsn(LLOAD, L_LEFT);
                    mv.visitInsn(LCONST_1);
                    mv.visitInsn(LSUB);
                    mv.visitFieldInsn(PUTFIELD, CTX, "budgetLeft", "J");
                    mv.visitVarInsn(ALOAD, L_CTX);
                    mv.visitVarInsn(ALOAD, L_MEM);
                    mv.visitVarInsn(ALOAD, L_CALLS);
                    mv.visitVarInsn(ALOAD, L_WIDE);
                    for (int r = 1; r <= 5; r++) {
                        load(mv, r);
                    }
                    load(mv, 10);
                    mv.visitLdcInsn((long) Interpreter.STACK_FRAME_SIZE);
                    mv.visitInsn(LSUB);
                    mv.visitVarInsn(ILOAD, L_DEPTH);
                    mv.visitInsn(ICONST_1);
                    mv.visitInsn(IADD);
                    mv.visitMethodInsn(INVOKESTATIC, NAME, "f" + target, FN_D, false);
                    store(mv, 0);
                    forgetRegion(mv, kinds);
                    mv.visitVarInsn(ALOAD, L_CTX);
                    mv.visitFieldInsn(GETFIELD, CTX, "budgetLeft", "J");
                    mv.visitVarInsn(LSTORE, L_LEFT);
                    Label go = new Label();
                    mv.visitVarInsn(ALOAD, L_CTX);
                    mv.visitFieldInsn(GETFIELD, CTX, "exitRequested", "Z");
                    mv.visitJumpInsn(IFEQ, go);
                    emitExit(mv);
                    mv.visitLabel(go);
                    break;
                }
                case EXIT:
                    emitExit(mv);
                    break;
                case LDDW_SLOT2:
                    emitThrow(mv, pc, "executed the second slot of an ld_imm64");
                    break;
                case FELL_OFF:
                    emitThrow(mv, pc, "fell off the end of program '" + progName + "'");
                    break;
                default:
                    throw new UnsupportedOpcode();
            }
        }
        // the last instruction must not fall through into the next function
        int lastOp = (int) code[to - 1] & 0xff;
        if (lastOp != EXIT && lastOp != FELL_OFF && lastOp != LDDW_SLOT2 && lastOp != 0x05 && lastOp != GOTOL) {
            throw new UnsupportedOpcode();
        }
        for (int i = 0; i < stubs.size(); i++) {
            int[] s = stubs.get(i);
            mv.visitLabel(stubLabels.get(i));
            mv.visitVarInsn(LLOAD, L_LEFT);
            mv.visitLdcInsn((long) s[2]);
            mv.visitInsn(LADD);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, L_LEFT);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFGE, label(at, s[1]));
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitLdcInsn(s[0]);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "budgetExceeded",
                    "(" + CTX_D + "I)" + Type.getDescriptor(BpfFault.class), false);
            mv.visitInsn(ATHROW);
        }
        mv.visitLabel(tryEnd);
        mv.visitLabel(handler);
        mv.visitVarInsn(ILOAD, L_PC);
        mv.visitLdcInsn(progName);
        mv.visitVarInsn(ALOAD, L_CALLS);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "fault",
                "(Ljava/lang/RuntimeException;ILjava/lang/String;[" + PROTO_D + ")" + Type.getDescriptor(BpfFault.class),
                false);
        mv.visitInsn(ATHROW);
        mv.visitLabel(end);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        return end;
    }

    /** The label of {@code target}, which must lie in the function being compiled. */
    private static Label label(Label[] at, int target) {
        Label l = target >= 0 && target < at.length ? at[target] : null;
        if (l == null) {
            throw new UnsupportedOpcode();
        }
        return l;
    }

    private static boolean isJump(int op) {
        if (op == CALL_HELPER || op == CALLX || op == EXIT) {
            return false;
        }
        int hi = op & 0xf0;
        return hi <= 0xd0 && hi != 0x80 && hi != 0x90;
    }

    private static void emitCondJump(MethodVisitor mv, int op, int dst, int src, long imm, Label dest) {
        boolean x = (op & 0x08) != 0;
        boolean w32 = (op & 7) == 6;
        int hi = op & 0xf0;
        load(mv, dst);
        if (w32) {
            mv.visitInsn(L2I);
        }
        if (x) {
            load(mv, src);
            if (w32) {
                mv.visitInsn(L2I);
            }
        } else if (w32) {
            mv.visitLdcInsn((int) imm);
        } else {
            mv.visitLdcInsn(imm);
        }
        if (hi == 0x40) { // JSET
            if (w32) {
                mv.visitInsn(IAND);
                mv.visitJumpInsn(IFNE, dest);
            } else {
                mv.visitInsn(LAND);
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFNE, dest);
            }
            return;
        }
        boolean unsigned = hi == 0x20 || hi == 0x30 || hi == 0xa0 || hi == 0xb0;
        if (w32 && !unsigned) {
            int jop;
            switch (hi) {
                case 0x10: jop = IF_ICMPEQ; break;
                case 0x50: jop = IF_ICMPNE; break;
                case 0x60: jop = IF_ICMPGT; break;
                case 0x70: jop = IF_ICMPGE; break;
                case 0xc0: jop = IF_ICMPLT; break;
                case 0xd0: jop = IF_ICMPLE; break;
                default: throw new UnsupportedOpcode();
            }
            mv.visitJumpInsn(jop, dest);
            return;
        }
        if (unsigned) {
            if (w32) {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
            } else {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
            }
        } else {
            mv.visitInsn(LCMP);
        }
        int jop;
        switch (hi) {
            case 0x10: jop = IFEQ; break;
            case 0x50: jop = IFNE; break;
            case 0x20: case 0x60: jop = IFGT; break;
            case 0x30: case 0x70: jop = IFGE; break;
            case 0xa0: case 0xc0: jop = IFLT; break;
            case 0xb0: case 0xd0: jop = IFLE; break;
            default: throw new UnsupportedOpcode();
        }
        mv.visitJumpInsn(jop, dest);
    }

    private static void emitExit(MethodVisitor mv) {
        mv.visitVarInsn(ALOAD, L_CTX);
        mv.visitVarInsn(LLOAD, L_LEFT);
        mv.visitFieldInsn(PUTFIELD, CTX, "budgetLeft", "J");
        load(mv, 0);
        mv.visitInsn(LRETURN);
    }

    private static void emitThrow(MethodVisitor mv, int pc, String message) {
        String fault = Type.getInternalName(BpfFault.class);
        mv.visitTypeInsn(NEW, fault);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(pc);
        mv.visitLdcInsn(message);
        mv.visitMethodInsn(INVOKESPECIAL, fault, "<init>", "(ILjava/lang/String;)V", false);
        mv.visitInsn(ATHROW);
    }

    private static void load(MethodVisitor mv, int r) {
        mv.visitVarInsn(LLOAD, reg(r));
    }

    private static void store(MethodVisitor mv, int r) {
        mv.visitVarInsn(LSTORE, reg(r));
    }

    private static void mask32(MethodVisitor mv) {
        mv.visitLdcInsn(M32);
        mv.visitInsn(LAND);
    }

    private static void operand(MethodVisitor mv, int src, long imm, boolean x) {
        if (x) {
            load(mv, src);
        } else {
            mv.visitLdcInsn(imm);
        }
    }

    private static void binop64(MethodVisitor mv, int dst, int src, long imm, boolean x, int insn) {
        load(mv, dst);
        operand(mv, src, imm, x);
        mv.visitInsn(insn);
        store(mv, dst);
    }

    private static void binop32(MethodVisitor mv, int dst, int src, long imm, boolean x, int insn) {
        load(mv, dst);
        operand(mv, src, imm, x);
        mv.visitInsn(insn);
        mask32(mv);
        store(mv, dst);
    }

    private static void shift64(MethodVisitor mv, int dst, int src, long imm, boolean x, int insn) {
        load(mv, dst);
        if (x) {
            load(mv, src);
            mv.visitInsn(L2I);
        } else {
            mv.visitLdcInsn((int) imm);
        }
        mv.visitInsn(insn);
        store(mv, dst);
    }

    private static void shift32(MethodVisitor mv, int dst, int src, long imm, boolean x, int insn) {
        load(mv, dst);
        mv.visitInsn(L2I);
        if (x) {
            load(mv, src);
            mv.visitInsn(L2I);
        } else {
            mv.visitLdcInsn((int) imm);
        }
        mv.visitInsn(insn);
        mv.visitInsn(I2L);
        mask32(mv);
        store(mv, dst);
    }

    private static void call2(MethodVisitor mv, int dst, int src, long imm, boolean x, String method) {
        load(mv, dst);
        operand(mv, src, imm, x);
        mv.visitMethodInsn(INVOKESTATIC, INTERP, method, "(JJ)J", false);
        store(mv, dst);
    }

    private static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private static void setPc(MethodVisitor mv, int pc) {
        pushInt(mv, pc);
        mv.visitVarInsn(ISTORE, L_PC);
    }

    private static void address(MethodVisitor mv, int base, int off) {
        load(mv, base);
        if (off != 0) {
            mv.visitLdcInsn((long) off);
            mv.visitInsn(LADD);
        }
    }

    private static byte kind(byte[] kinds, int pc) {
        return kinds == null || pc >= kinds.length ? VerifiedAccess.UNKNOWN : kinds[pc];
    }

    private static boolean usesKind(long[] code, byte[] kinds, int from, int to, byte kind) {
        if (kinds == null) {
            return false;
        }
        for (int pc = from; pc < to && pc < kinds.length; pc++) {
            int cls = (int) code[pc] & 7;
            if (kinds[pc] == kind && (cls == 1 || cls == 2 || cls == 3)) {
                return true;
            }
        }
        return false;
    }

    private static final String[] SUFFIX = {null, "8", "16", null, "32", null, null, null, "64"};
    private static final String[] GENERIC_LOAD = {null, "loadB", "loadH", null, "loadW", null, null, null, "loadDW"};
    private static final String[] GENERIC_STORE = {null, "storeB", "storeH", null, "storeW", null, null, null, "storeDW"};
    private static final String[] STORE_TYPE = {null, "B", "S", null, "I", null, null, null, "J"};

    /**
     * {@code dst = *(size *)(src + off)}; {@code signExtend}: -1 for zero-extended, NOP for int, I2S/I2B for
     * short/byte. {@code kind} is what the verifier proved the access touches.
     */
    private static void memLoad(MethodVisitor mv, byte kind, int pc, int dst, int src, int off, int size,
                                int signExtend) {
        setPc(mv, pc);
        String getter = kind == VerifiedAccess.CONTEXT ? ctxGetter(off, size) : null;
        if (getter != null) {
            mv.visitVarInsn(ALOAD, L_CTX);
            mv.visitMethodInsn(INVOKESTATIC, SKB_CONTEXT, getter, "(" + CTX_D + ")J", false);
        } else if (kind == VerifiedAccess.STACK) {
            mv.visitVarInsn(ALOAD, L_STACK);
            address(mv, src, off);
            mv.visitInsn(L2I);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "get" + SUFFIX[size], "([BI)J", false);
        } else if (kind == VerifiedAccess.MAP_VALUE) {
            Label slow = new Label();
            Label done = new Label();
            valueRegion(mv, src, off, slow);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitFieldInsn(GETFIELD, REGION, "bytes", "[B");
            mv.visitVarInsn(LLOAD, L_ADDR);
            mv.visitInsn(L2I);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "get" + SUFFIX[size], "([BI)J", false);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
            mv.visitVarInsn(ALOAD, L_MEM);
            mv.visitVarInsn(LLOAD, L_ADDR);
            mv.visitMethodInsn(INVOKESTATIC, INTERP, GENERIC_LOAD[size], "(" + MEM_D + "J)J", false);
            mv.visitLabel(done);
        } else if (kind == VerifiedAccess.PACKET) {
            mv.visitVarInsn(ALOAD, L_MEM);
            address(mv, src, off);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "packetLoad" + SUFFIX[size], "(" + MEM_D + "J)J", false);
        } else {
            mv.visitVarInsn(ALOAD, L_MEM);
            address(mv, src, off);
            mv.visitMethodInsn(INVOKESTATIC, INTERP, GENERIC_LOAD[size], "(" + MEM_D + "J)J", false);
        }
        if (signExtend != -1) {
            mv.visitInsn(L2I);
            if (signExtend != NOP) {
                mv.visitInsn(signExtend);
            }
            mv.visitInsn(I2L);
        }
        store(mv, dst);
    }

    /** The static SkBuffContext accessor for a verified context load, or null for the checked path. */
    private static String ctxGetter(int off, int size) {
        return io.lwtemu.ebpf.prog.SkBuffContext.verifiedLoad(off, size);
    }

    /** {@code *(size *)(dst + off) = src or imm}. */
    private static void memStore(MethodVisitor mv, byte kind, int pc, int dst, int src, int off, long imm, boolean x,
                                 int size) {
        setPc(mv, pc);
        String type = STORE_TYPE[size];
        String setter = kind == VerifiedAccess.CONTEXT
                ? io.lwtemu.ebpf.prog.SkBuffContext.verifiedStore(off, size) : null;
        if (setter != null) {
            mv.visitVarInsn(ALOAD, L_CTX);
            if (x) {
                load(mv, src);
            } else {
                mv.visitLdcInsn((long) (int) imm);
            }
            mv.visitMethodInsn(INVOKESTATIC, SKB_CONTEXT, setter, "(" + CTX_D + "J)V", false);
            return;
        }
        if (kind == VerifiedAccess.MAP_VALUE) {
            Label slow = new Label();
            Label done = new Label();
            valueRegion(mv, dst, off, slow);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitFieldInsn(GETFIELD, REGION, "writable", "Z");
            mv.visitJumpInsn(IFEQ, slow);
            mv.visitVarInsn(ALOAD, L_REGION);
            mv.visitFieldInsn(GETFIELD, REGION, "bytes", "[B");
            mv.visitVarInsn(LLOAD, L_ADDR);
            mv.visitInsn(L2I);
            storeValue(mv, src, imm, x, type);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "put" + SUFFIX[size], "([BI" + type + ")V", false);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
            mv.visitVarInsn(ALOAD, L_MEM);
            mv.visitVarInsn(LLOAD, L_ADDR);
            storeValue(mv, src, imm, x, type);
            mv.visitMethodInsn(INVOKESTATIC, INTERP, GENERIC_STORE[size], "(" + MEM_D + "J" + type + ")V", false);
            mv.visitLabel(done);
            return;
        }
        String owner;
        String method;
        String desc;
        if (kind == VerifiedAccess.STACK) {
            mv.visitVarInsn(ALOAD, L_STACK);
            address(mv, dst, off);
            mv.visitInsn(L2I);
            owner = SUPPORT;
            method = "put" + SUFFIX[size];
            desc = "([BI" + type + ")V";
        } else if (kind == VerifiedAccess.PACKET) {
            mv.visitVarInsn(ALOAD, L_MEM);
            address(mv, dst, off);
            owner = SUPPORT;
            method = "packetStore" + SUFFIX[size];
            desc = "(" + MEM_D + "J" + type + ")V";
        } else {
            mv.visitVarInsn(ALOAD, L_MEM);
            address(mv, dst, off);
            owner = INTERP;
            method = GENERIC_STORE[size];
            desc = "(" + MEM_D + "J" + type + ")V";
        }
        storeValue(mv, src, imm, x, type);
        mv.visitMethodInsn(INVOKESTATIC, owner, method, desc, false);
    }

    /** Pushes the value a store of {@code type} (J, I, S or B) writes: {@code src} or {@code imm}. */
    private static void storeValue(MethodVisitor mv, int src, long imm, boolean x, String type) {
        if (type.equals("J")) {
            operand(mv, src, imm, x);
        } else {
            if (x) {
                load(mv, src);
                mv.visitInsn(L2I);
            } else {
                mv.visitLdcInsn((int) imm);
            }
            if (type.equals("S")) {
                mv.visitInsn(I2S);
            } else if (type.equals("B")) {
                mv.visitInsn(I2B);
            }
        }
    }

    /**
     * Leaves the address {@code base + off} in L_ADDR and the map value region holding it in L_REGION, from the
     * cache when the last value access was to the same region; jumps to {@code slow} when the table has no such
     * region (a freed value: the checked path reports it).
     */
    private static void valueRegion(MethodVisitor mv, int base, int off, Label slow) {
        Label hit = new Label();
        address(mv, base, off);
        mv.visitVarInsn(LSTORE, L_ADDR);
        mv.visitVarInsn(LLOAD, L_ADDR);
        mv.visitIntInsn(BIPUSH, 32);
        mv.visitInsn(LUSHR);
        mv.visitInsn(L2I);
        mv.visitVarInsn(ILOAD, L_RID);
        mv.visitJumpInsn(IF_ICMPEQ, hit);
        mv.visitVarInsn(ALOAD, L_MEM);
        mv.visitVarInsn(LLOAD, L_ADDR);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "valueRegion", "(" + MEM_D + "J)L" + REGION + ";", false);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, L_REGION);
        mv.visitJumpInsn(IFNULL, slow);
        mv.visitVarInsn(LLOAD, L_ADDR);
        mv.visitIntInsn(BIPUSH, 32);
        mv.visitInsn(LUSHR);
        mv.visitInsn(L2I);
        mv.visitVarInsn(ISTORE, L_RID);
        mv.visitLabel(hit);
    }

    /** Forgets the cached map value region (after calls: a helper may have freed it). */
    private static void forgetRegion(MethodVisitor mv, byte[] kinds) {
        if (kinds != null) {
            mv.visitInsn(ICONST_M1);
            mv.visitVarInsn(ISTORE, L_RID);
        }
    }
}
