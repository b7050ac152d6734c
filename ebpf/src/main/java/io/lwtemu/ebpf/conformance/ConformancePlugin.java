package io.lwtemu.ebpf.conformance;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.ArgType;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.helpers.RetType;
import io.lwtemu.ebpf.isa.Insn;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.BpfFault;
import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.BpfExecutable;
import io.lwtemu.ebpf.vm.CompiledProgram;
import io.lwtemu.ebpf.vm.Interpreter;
import io.lwtemu.ebpf.vm.JitCompiler;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The VM side of the bpf_conformance suite's plugin protocol (github.com/Alan-Jowett/bpf_conformance):
 * {@code argv[1]} is the memory block as hex bytes (absent when empty), stdin one line of program bytes
 * in hex; the plugin prints r0 in hex and exits 0, or prints an error on stderr and exits 1.
 *
 * <p>The suite's conventions: r1 = the memory block, r2 = its length, helper 5 "unwind" returns r1 and ends
 * the program with r0 = 0 when that is 0, {@code callx} calls the helper whose number the register holds.
 */
public final class ConformancePlugin {
    /** The suite's "unwind" helper number. */
    public static final int UNWIND_HELPER = 5;

    private static final HelperProto[] HELPERS = new HelperProto[UNWIND_HELPER + 1];

    static {
        HELPERS[UNWIND_HELPER] = new HelperProto(UNWIND_HELPER, "unwind", RetType.INTEGER, List.of(ArgType.ANYTHING),
                (ctx, r1, r2, r3, r4, r5) -> {
                    if (r1 == 0) {
                        ctx.requestExit();
                    }
                    return r1;
                });
    }

    private ConformancePlugin() {}

    /** Entry point of {@code lwtemu bpf conformance-plugin}; returns the process exit code. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        try {
            byte[] memory = args.length > 0 ? parseHex(args[0]) : new byte[0];
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.US_ASCII)).readLine();
            if (line == null || line.isBlank()) {
                err.println("conformance-plugin: no program on stdin");
                return 1;
            }
            long r0 = execute(parseHex(line), memory);
            out.println(Long.toHexString(r0));
            out.flush();
            return 0;
        } catch (BpfFault f) {
            err.println("conformance-plugin: fault at instruction " + f.pc() + ": " + f.getMessage());
            return 1;
        } catch (IllegalArgumentException | IOException e) {
            err.println("conformance-plugin: " + e.getMessage());
            return 1;
        }
    }

    /** Runs {@code program} (little-endian bytecode) over a copy-free, writable {@code memory}; returns r0. */
    public static long execute(byte[] program, byte[] memory) {
        return execute(program, memory, false);
    }

    /**
     * As {@link #execute(byte[], byte[])}, with {@code jit}: through the JIT compiler when it takes the program
     * (programs it leaves to the interpreter still run there).
     */
    public static long execute(byte[] program, byte[] memory, boolean jit) {
        BpfProgram prog = new BpfProgram("conformance", "", ProgramType.UNSPEC, Insn.decode(program), List.of(), "");
        Interpreter plain = new Interpreter(prog, HELPERS);
        BpfExecutable interpreter = plain;
        if (jit) {
            CompiledProgram compiled = JitCompiler.compile(plain);
            if (compiled == null && JitCompiler.unsupportedReason(plain) == null) {
                throw new IllegalStateException("JIT refused a program it supports");
            }
            interpreter = compiled != null ? compiled : plain;
        }
        ExecutionContext ctx = new ExecutionContext();
        ctx.memory.set(AddressSpace.MEMORY,
                new MemoryRegion(MemoryRegion.Kind.MEMORY, "memory", memory, 0, memory.length, true));
        return interpreter.run(ctx, Pointer.of(AddressSpace.MEMORY, 0), memory.length);
    }

    /** Hex bytes, separated by any whitespace or not at all ("b7 00", "b700"). */
    static byte[] parseHex(String text) {
        String digits = text.replaceAll("\\s+", "");
        if (digits.length() % 2 != 0 || !digits.matches("[0-9a-fA-F]*")) {
            throw new IllegalArgumentException("not a hex byte string: '" + abbreviate(text) + "'");
        }
        byte[] b = new byte[digits.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
