package io.lwtemu.ebpf.loader;

/**
 * The source line (from BTF line_info) that instructions of a linked program were compiled from, for
 * messages such as the kernel verifier's "; return data[0]; @ prog.c:23".
 *
 * @param insn       first instruction index in the linked program the line applies to
 * @param file       source file name
 * @param text       the line's text
 * @param lineNumber 1-based line number
 * @param column     column
 */
public record SourceLine(int insn, String file, String text, int lineNumber, int column) {
    @Override
    public String toString() {
        int slash = file.lastIndexOf('/');
        return text.strip() + " @ " + (slash >= 0 ? file.substring(slash + 1) : file) + ":" + lineNumber;
    }
}
