package io.lwtemu.ebpf.btf;

import io.lwtemu.ebpf.loader.BpfLoadException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per ELF section, the BTF function of each subprogram (func_info), the
 * source line records (line_info) and CO-RE relocations (core_relo). lwtemu uses it to tell global from
 * static functions, to show source lines in messages, and to refuse objects that need CO-RE, which it
 * does not perform.
 *
 * <pre>
 *  struct btf_ext_header                      each info block:  u32 rec_size, then per ELF section
 *   0 magic u16 = 0xeB9F  2 version u8          u32 sec_name_off (in .BTF strings), u32 num_info,
 *   3 flags u8  4 hdr_len u32                   num_info records of rec_size bytes
 *   8 func_info_off u32  12 func_info_len u32  func_info:  u32 insn_off (bytes), u32 type_id
 *  16 line_info_off u32  20 line_info_len u32  line_info:  u32 insn_off, file_name_off, line_off, line_col
 *  24 core_relo_off u32  28 core_relo_len u32  core_relo:  u32 insn_off, type_id, access_str_off, kind
 *     (only when hdr_len >= 32)
 * </pre>
 */
public final class BtfExt {
    /** func_info record: instruction byte offset in its section, BTF FUNC type id. */
    public record FuncInfo(int insnOffset, int typeId) {
    }

    /**
     * line_info record: the source line an instruction (byte offset in its section) was compiled from.
     *
     * @param insnOffset byte offset of the instruction in its ELF section
     * @param fileName   source file
     * @param line       the source line's text
     * @param lineNumber 1-based line number
     * @param column     column
     */
    public record LineInfo(int insnOffset, String fileName, String line, int lineNumber, int column) {
    }

    /** core_relo record; {@code kind} is the kernel's {@code enum bpf_core_relo_kind}. */
    public record CoreRelo(int insnOffset, int typeId, String accessString, int kind) {
    }

    private final Map<String, List<FuncInfo>> funcInfo;
    private final Map<String, List<LineInfo>> lineInfo;
    private final Map<String, List<CoreRelo>> coreRelos;

    private BtfExt(Map<String, List<FuncInfo>> funcInfo, Map<String, List<LineInfo>> lineInfo,
                   Map<String, List<CoreRelo>> coreRelos) {
        this.funcInfo = Collections.unmodifiableMap(funcInfo);
        this.lineInfo = Collections.unmodifiableMap(lineInfo);
        this.coreRelos = Collections.unmodifiableMap(coreRelos);
    }

    /** Parses {@code .BTF.ext}; section names and access strings come from {@code btf}'s strings. */
    public static BtfExt parse(String origin, byte[] data, Btf btf) {
        Reader r = new Reader(origin, data);
        if (data.length < 24) {
            throw r.error("truncated .BTF.ext header (" + data.length + " bytes, need 24)");
        }
        if (r.u16(0) != Btf.MAGIC) {
            throw r.error(String.format("bad .BTF.ext magic 0x%04x", r.u16(0)));
        }
        if ((data[2] & 0xff) != 1) {
            throw r.error("unsupported .BTF.ext version " + (data[2] & 0xff));
        }
        long hdrLen = r.u32(4) & 0xffffffffL;
        if (hdrLen < 24 || hdrLen > data.length) {
            throw r.error(".BTF.ext header length " + hdrLen + " out of range");
        }
        Map<String, List<FuncInfo>> funcs = new LinkedHashMap<>();
        for (Block b : r.blocks("func_info", hdrLen, r.u32(8), r.u32(12), 8, btf)) {
            List<FuncInfo> list = funcs.computeIfAbsent(b.section, k -> new ArrayList<>());
            for (int p : b.records) {
                list.add(new FuncInfo(r.u32(p), r.u32(p + 4)));
            }
        }
        Map<String, List<LineInfo>> lines = new LinkedHashMap<>();
        for (Block b : r.blocks("line_info", hdrLen, r.u32(16), r.u32(20), 16, btf)) {
            List<LineInfo> list = lines.computeIfAbsent(b.section, k -> new ArrayList<>());
            for (int p : b.records) {
                int lineCol = r.u32(p + 12);
                list.add(new LineInfo(r.u32(p), btf.string(r.u32(p + 4)), btf.string(r.u32(p + 8)), lineCol >>> 10,
                        lineCol & 0x3ff));
            }
        }
        Map<String, List<CoreRelo>> relos = new LinkedHashMap<>();
        if (hdrLen >= 32) {
            for (Block b : r.blocks("core_relo", hdrLen, r.u32(24), r.u32(28), 16, btf)) {
                List<CoreRelo> list = relos.computeIfAbsent(b.section, k -> new ArrayList<>());
                for (int p : b.records) {
                    list.add(new CoreRelo(r.u32(p), r.u32(p + 4), btf.string(r.u32(p + 8)), r.u32(p + 12)));
                }
            }
        }
        return new BtfExt(funcs, lines, relos);
    }

    /** func_info records by ELF section name. */
    public Map<String, List<FuncInfo>> funcInfo() {
        return funcInfo;
    }

    /** line_info records by ELF section name, in instruction order as clang writes them. */
    public Map<String, List<LineInfo>> lineInfo() {
        return lineInfo;
    }

    /** CO-RE relocations by ELF section name (sections without any are absent). */
    public Map<String, List<CoreRelo>> coreRelos() {
        return coreRelos;
    }

    public boolean hasCoreRelos() {
        return coreRelos.values().stream().anyMatch(l -> !l.isEmpty());
    }

    private record Block(String section, List<Integer> records) {
    }

    private static final class Reader {
        private final String origin;
        private final byte[] data;

        Reader(String origin, byte[] data) {
            this.origin = origin;
            this.data = data;
        }

        /** The per-section blocks of one info kind; each record is given by its byte position. */
        List<Block> blocks(String what, long hdrLen, int off, int len, int minRecSize, Btf btf) {
            List<Block> out = new ArrayList<>();
            long lenU = len & 0xffffffffL;
            if (lenU == 0) {
                return out;
            }
            long start = hdrLen + (off & 0xffffffffL);
            long end = start + lenU;
            if (end > data.length || lenU < 4) {
                throw error(what + " [" + start + ", " + end + ") lies outside the " + data.length + "-byte .BTF.ext");
            }
            long recSize = u32((int) start) & 0xffffffffL;
            if (recSize < minRecSize || recSize % 4 != 0 || recSize > 0xffff) {
                throw error(what + " record size " + recSize + " is invalid (at least " + minRecSize + ")");
            }
            long p = start + 4;
            while (p < end) {
                if (end - p < 8) {
                    throw error(what + ": truncated section header at byte " + p);
                }
                String section = btf.string(u32((int) p));
                long count = u32((int) p + 4) & 0xffffffffL;
                p += 8;
                if (count * recSize > end - p) {
                    throw error(what + " for section '" + section + "': " + count + " records of " + recSize
                            + " bytes overrun the block");
                }
                List<Integer> records = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) {
                    records.add((int) (p + i * recSize));
                }
                p += count * recSize;
                out.add(new Block(section, records));
            }
            return out;
        }

        int u16(int p) {
            return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
        }

        int u32(int p) {
            return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16
                    | (data[p + 3] & 0xff) << 24;
        }

        BpfLoadException error(String what) {
            return new BpfLoadException(origin + ": " + what);
        }
    }
}
