package io.lwtemu.ebpf.btf;

import io.lwtemu.ebpf.btf.BtfType.ArrayType;
import io.lwtemu.ebpf.btf.BtfType.DataSecType;
import io.lwtemu.ebpf.btf.BtfType.DeclTagType;
import io.lwtemu.ebpf.btf.BtfType.EnumType;
import io.lwtemu.ebpf.btf.BtfType.EnumValue;
import io.lwtemu.ebpf.btf.BtfType.FloatType;
import io.lwtemu.ebpf.btf.BtfType.FuncProtoType;
import io.lwtemu.ebpf.btf.BtfType.FuncType;
import io.lwtemu.ebpf.btf.BtfType.FwdType;
import io.lwtemu.ebpf.btf.BtfType.IntType;
import io.lwtemu.ebpf.btf.BtfType.Member;
import io.lwtemu.ebpf.btf.BtfType.Param;
import io.lwtemu.ebpf.btf.BtfType.PtrType;
import io.lwtemu.ebpf.btf.BtfType.RefType;
import io.lwtemu.ebpf.btf.BtfType.StructType;
import io.lwtemu.ebpf.btf.BtfType.VarSecInfo;
import io.lwtemu.ebpf.btf.BtfType.VarType;
import io.lwtemu.ebpf.btf.BtfType.VoidType;
import io.lwtemu.ebpf.loader.BpfLoadException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * BPF Type Format: the {@code .BTF} section of an object (or {@code /sys/kernel/btf/vmlinux}), parsed
 * into {@link BtfType}s with helpers to look through typedefs and modifiers, size types and walk struct
 * members. Every offset and type id is checked while parsing, so the helpers never index out of range.
 *
 * <pre>
 *  struct btf_header (24 bytes)          struct btf_type (12 bytes) + kind-specific data
 *   0 magic u16 = 0xeB9F                  0 name_off u32
 *   2 version u8 = 1   3 flags u8         4 info u32: vlen bits 0-15, kind bits 24-28, kind_flag bit 31
 *   4 hdr_len u32                         8 size | type u32
 *   8 type_off u32  12 type_len u32       type and string offsets count from the end of the header
 *  16 str_off u32   20 str_len u32
 * </pre>
 */
public final class Btf {
    public static final int MAGIC = 0xeB9F;
    private static final int MAX_RESOLVE_DEPTH = 32;

    private final String origin;
    private final List<BtfType> types;
    private final byte[] strings;

    private Btf(String origin, List<BtfType> types, byte[] strings) {
        this.origin = origin;
        this.types = Collections.unmodifiableList(types);
        this.strings = strings;
    }

    /**
     * Parses raw BTF. {@code origin} names where it came from ("file.o .BTF") for error messages.
     */
    public static Btf parse(String origin, byte[] data) {
        return new Parser(origin, data).parse();
    }

    /** Where this BTF came from, as given to {@link #parse}. */
    public String origin() {
        return origin;
    }

    /** All types by id; index 0 is {@code void}. */
    public List<BtfType> types() {
        return types;
    }

    /** Number of type ids including {@code void}. */
    public int typeCount() {
        return types.size();
    }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new BpfLoadException(origin + ": BTF type id " + id + " out of range (" + types.size() + " types)");
        }
        return types.get(id);
    }

    /** The string at {@code offset} of the string section. */
    public String string(int offset) {
        return readString(origin, strings, offset);
    }

    /** The first type with this name and kind. */
    public Optional<BtfType> findByName(String name, BtfKind kind) {
        for (BtfType t : types) {
            if (t.kind() == kind && t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The first type with this name, of any kind. */
    public Optional<BtfType> findByName(String name) {
        for (BtfType t : types) {
            if (t.name().equals(name) && t.kind() != BtfKind.UNKN) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The struct with this name ("__sk_buff", "bpf_map_ops", ...). */
    public Optional<StructType> struct(String name) {
        return findByName(name, BtfKind.STRUCT).map(StructType.class::cast);
    }

    /** The DATASEC describing an ELF section (".maps", ".data", ...). */
    public Optional<DataSecType> dataSec(String sectionName) {
        return findByName(sectionName, BtfKind.DATASEC).map(DataSecType.class::cast);
    }

    /** The id reached by skipping typedefs and CONST/VOLATILE/RESTRICT/TYPE_TAG modifiers. */
    public int resolve(int id) {
        int cur = id;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            BtfType t = type(cur);
            if (!(t instanceof RefType ref)) {
                return cur;
            }
            cur = ref.type();
        }
        throw new BpfLoadException(origin + ": BTF type [" + id + "]: modifier chain longer than "
                + MAX_RESOLVE_DEPTH + " (loop?)");
    }

    /** The type reached by {@link #resolve}. */
    public BtfType resolved(int id) {
        return type(resolve(id));
    }

    /** Size in bytes of a type, through typedefs, modifiers, variables and arrays, as the kernel computes it. */
    public long sizeOf(int id) {
        int cur = id;
        long multiplier = 1;
        for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
            BtfType t = type(cur);
            switch (t.kind()) {
                case INT:
                    return multiplier * ((IntType) t).size();
                case FLOAT:
                    return multiplier * ((FloatType) t).size();
                case ENUM:
                case ENUM64:
                    return multiplier * ((EnumType) t).size();
                case STRUCT:
                case UNION:
                    return multiplier * ((StructType) t).size();
                case DATASEC:
                    return multiplier * ((DataSecType) t).size();
                case PTR:
                    return multiplier * 8;
                case ARRAY: {
                    ArrayType a = (ArrayType) t;
                    multiplier *= a.nelems() & 0xffffffffL;
                    cur = a.elemType();
                    break;
                }
                case TYPEDEF:
                case VOLATILE:
                case CONST:
                case RESTRICT:
                case TYPE_TAG:
                    cur = ((RefType) t).type();
                    break;
                case VAR:
                    cur = ((VarType) t).type();
                    break;
                default:
                    throw new BpfLoadException(origin + ": BTF type [" + id + "] (" + describe(id)
                            + ") has no size");
            }
        }
        throw new BpfLoadException(origin + ": BTF type [" + id + "]: type chain longer than " + MAX_RESOLVE_DEPTH);
    }

    /** Members of a struct or union, after resolving typedefs and modifiers. */
    public List<Member> members(int id) {
        BtfType t = resolved(id);
        if (t instanceof StructType s) {
            return s.members();
        }
        throw new BpfLoadException(origin + ": BTF type [" + id + "] is " + describe(id) + ", not a struct or union");
    }

    /** Element count of an array type, after resolving typedefs and modifiers. */
    public int nelems(int id) {
        BtfType t = resolved(id);
        if (t instanceof ArrayType a) {
            return a.nelems();
        }
        throw new BpfLoadException(origin + ": BTF type [" + id + "] is " + describe(id) + ", not an array");
    }

    /** A short description for messages: kind and name, e.g. "struct flow_key" or "ptr". */
    public String describe(int id) {
        BtfType t = type(id);
        String kind = t.kind().name().toLowerCase(java.util.Locale.ROOT);
        return t.name().isEmpty() ? kind : kind + " " + t.name();
    }

    @Override
    public String toString() {
        return "Btf[" + origin + ", " + (types.size() - 1) + " types]";
    }

    // ---- parsing ------------------------------------------------------------------------------------

    static String readString(String origin, byte[] strings, int offset) {
        if (offset < 0 || offset >= strings.length) {
            throw new BpfLoadException(origin + ": BTF string offset " + Integer.toUnsignedString(offset)
                    + " outside the string section (" + strings.length + " bytes)");
        }
        int end = offset;
        while (end < strings.length && strings[end] != 0) {
            end++;
        }
        return new String(strings, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static final class Parser {
        private final String origin;
        private final byte[] data;
        private byte[] strings;
        private final java.util.Map<Integer, String> stringCache = new java.util.HashMap<>();
        private int pos;
        private int end;

        Parser(String origin, byte[] data) {
            this.origin = origin;
            this.data = data;
        }

        Btf parse() {
            if (data.length < 24) {
                throw error("truncated BTF header (" + data.length + " bytes, need 24)");
            }
            int magic = u16(0);
            if (magic != MAGIC) {
                throw error(String.format("bad BTF magic 0x%04x, expected 0xeb9f (little-endian BTF)", magic));
            }
            if ((data[2] & 0xff) != 1) {
                throw error("unsupported BTF version " + (data[2] & 0xff));
            }
            long hdrLen = u32(4) & 0xffffffffL;
            long typeOff = u32(8) & 0xffffffffL;
            long typeLen = u32(12) & 0xffffffffL;
            long strOff = u32(16) & 0xffffffffL;
            long strLen = u32(20) & 0xffffffffL;
            if (hdrLen < 24 || hdrLen > data.length) {
                throw error("BTF header length " + hdrLen + " out of range");
            }
            long typeStart = hdrLen + typeOff;
            long strStart = hdrLen + strOff;
            if (typeStart + typeLen > data.length || strStart + strLen > data.length) {
                throw error("BTF type section [" + typeStart + ", +" + typeLen + ") or string section ["
                        + strStart + ", +" + strLen + ") lies outside the " + data.length + "-byte BTF data");
            }
            if (typeOff % 4 != 0) {
                throw error("BTF type section offset " + typeOff + " is not 4-byte aligned");
            }
            if (strLen == 0 || data[(int) strStart] != 0 || data[(int) (strStart + strLen - 1)] != 0) {
                throw error("BTF string section must start and end with a NUL byte");
            }
            if (typeStart < strStart + strLen && strStart < typeStart + typeLen) {
                throw error("BTF type and string sections overlap");
            }
            strings = java.util.Arrays.copyOfRange(data, (int) strStart, (int) (strStart + strLen));
            pos = (int) typeStart;
            end = (int) (typeStart + typeLen);
            List<BtfType> types = new ArrayList<>();
            types.add(new VoidType());
            while (pos < end) {
                types.add(readType(types.size()));
            }
            Btf btf = new Btf(origin, types, strings);
            checkReferences(btf);
            return btf;
        }

        private BtfType readType(int id) {
            need(12, id);
            String name = string(u32(pos), id);
            int info = u32(pos + 4);
            int sizeOrType = u32(pos + 8);
            pos += 12;
            int vlen = info & 0xffff;
            int kindId = (info >>> 24) & 0x1f;
            boolean kindFlag = (info >>> 31) != 0;
            BtfKind kind = BtfKind.of(kindId);
            if (kind == null || kind == BtfKind.UNKN) {
                throw error("BTF type [" + id + "] has unknown kind " + kindId);
            }
            switch (kind) {
                case INT: {
                    need(4, id);
                    int v = u32(pos);
                    pos += 4;
                    return new IntType(id, name, sizeOrType, (v >>> 24) & 0x0f, (v >>> 16) & 0xff, v & 0xff);
                }
                case PTR:
                    return new PtrType(id, name, sizeOrType);
                case ARRAY: {
                    need(12, id);
                    ArrayType a = new ArrayType(id, name, u32(pos), u32(pos + 4), u32(pos + 8));
                    pos += 12;
                    return a;
                }
                case STRUCT:
                case UNION: {
                    need(12L * vlen, id);
                    List<Member> members = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        String mname = string(u32(pos), id);
                        int mtype = u32(pos + 4);
                        int off = u32(pos + 8);
                        pos += 12;
                        members.add(kindFlag ? new Member(mname, mtype, off & 0xffffff, off >>> 24)
                                : new Member(mname, mtype, off, 0));
                    }
                    return new StructType(id, kind, name, sizeOrType, members);
                }
                case ENUM: {
                    need(8L * vlen, id);
                    List<EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        int v = u32(pos + 4);
                        values.add(new EnumValue(string(u32(pos), id), kindFlag ? v : v & 0xffffffffL));
                        pos += 8;
                    }
                    return new EnumType(id, kind, name, sizeOrType, kindFlag, values);
                }
                case ENUM64: {
                    need(12L * vlen, id);
                    List<EnumValue> values = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        long v = (u32(pos + 4) & 0xffffffffL) | ((long) u32(pos + 8)) << 32;
                        values.add(new EnumValue(string(u32(pos), id), v));
                        pos += 12;
                    }
                    return new EnumType(id, kind, name, sizeOrType, kindFlag, values);
                }
                case FWD:
                    return new FwdType(id, name, kindFlag);
                case TYPEDEF:
                case VOLATILE:
                case CONST:
                case RESTRICT:
                case TYPE_TAG:
                    return new RefType(id, kind, name, sizeOrType);
                case FUNC:
                    return new FuncType(id, name, vlen, sizeOrType);
                case FUNC_PROTO: {
                    need(8L * vlen, id);
                    List<Param> params = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        params.add(new Param(string(u32(pos), id), u32(pos + 4)));
                        pos += 8;
                    }
                    return new FuncProtoType(id, name, sizeOrType, params);
                }
                case VAR: {
                    need(4, id);
                    int linkage = u32(pos);
                    pos += 4;
                    return new VarType(id, name, sizeOrType, linkage);
                }
                case DATASEC: {
                    need(12L * vlen, id);
                    List<VarSecInfo> vars = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++) {
                        vars.add(new VarSecInfo(u32(pos), u32(pos + 4), u32(pos + 8)));
                        pos += 12;
                    }
                    return new DataSecType(id, name, sizeOrType, vars);
                }
                case FLOAT:
                    return new FloatType(id, name, sizeOrType);
                case DECL_TAG: {
                    need(4, id);
                    int component = u32(pos);
                    pos += 4;
                    return new DeclTagType(id, name, sizeOrType, component);
                }
                default:
                    throw error("BTF type [" + id + "] has unknown kind " + kindId);
            }
        }

        /** Every type id a type refers to must exist, so helpers can follow them without checks. */
        private void checkReferences(Btf btf) {
            int n = btf.typeCount();
            for (BtfType t : btf.types()) {
                List<Integer> refs = new ArrayList<>();
                if (t instanceof PtrType p) {
                    refs.add(p.type());
                } else if (t instanceof ArrayType a) {
                    refs.add(a.elemType());
                    refs.add(a.indexType());
                } else if (t instanceof StructType s) {
                    s.members().forEach(m -> refs.add(m.type()));
                } else if (t instanceof RefType r) {
                    refs.add(r.type());
                } else if (t instanceof FuncType f) {
                    refs.add(f.protoType());
                } else if (t instanceof FuncProtoType fp) {
                    refs.add(fp.returnType());
                    fp.params().forEach(p -> refs.add(p.type()));
                } else if (t instanceof VarType v) {
                    refs.add(v.type());
                } else if (t instanceof DataSecType d) {
                    d.vars().forEach(v -> refs.add(v.type()));
                } else if (t instanceof DeclTagType dt) {
                    refs.add(dt.type());
                }
                for (int ref : refs) {
                    if (ref < 0 || ref >= n) {
                        throw error("BTF type [" + t.id() + "] (" + t.kind() + " '" + t.name() + "') refers to type ["
                                + Integer.toUnsignedString(ref) + "], but only " + n + " types exist");
                    }
                }
            }
        }

        private void need(long bytes, int id) {
            if (bytes > end - pos) {
                throw error("BTF type [" + id + "] is truncated at byte " + pos + " of the type section");
            }
        }

        private String string(int offset, int id) {
            if (offset == 0) {
                return "";
            }
            if (offset < 0 || offset >= strings.length) {
                throw error("BTF type [" + id + "]: name offset " + Integer.toUnsignedString(offset)
                        + " outside the string section (" + strings.length + " bytes)");
            }
            // Names repeat (member names, parameter names): decode each offset once.
            return stringCache.computeIfAbsent(offset, off -> readString(origin, strings, off));
        }

        private int u16(int p) {
            return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8;
        }

        private int u32(int p) {
            return (data[p] & 0xff) | (data[p + 1] & 0xff) << 8 | (data[p + 2] & 0xff) << 16
                    | (data[p + 3] & 0xff) << 24;
        }

        private BpfLoadException error(String what) {
            return new BpfLoadException(origin + ": " + what);
        }
    }
}
