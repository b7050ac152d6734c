package io.lwtemu.ebpf.loader;

/**
 * Where one function sits in a linked program: the entry at offset 0, then each appended subprogram.
 * The verifier needs this to know subprogram boundaries and which ones the kernel verifies on their own
 * (global functions with BTF, "Func#N is global and assumed valid").
 *
 * @param name        function symbol name (the section name for a section without function symbols)
 * @param section     ELF section it came from
 * @param offset      first instruction in {@code BpfProgram.insns()}
 * @param length      number of instructions
 * @param global      true when its BTF func_info names a global function (BTF_FUNC_GLOBAL); always false
 *                    for objects without BTF, which the kernel treats as having only static subprograms
 * @param btfFuncId   BTF id of its FUNC type from .BTF.ext func_info (the kernel checks a global function's
 *                    arguments against its FUNC_PROTO), 0 without BTF
 */
public record ProgramFunction(String name, String section, int offset, int length, boolean global, int btfFuncId) {
}
