package io.lwtemu.ebpf.btf;

import java.util.List;

/**
 * One BTF type, by kind. Type ids refer to other entries of the same {@link Btf}; id 0 is {@code void}.
 * Names are resolved from the string section ("" for anonymous types).
 */
public sealed interface BtfType {
    int id();

    String name();

    BtfKind kind();

    /** Type id 0. */
    record VoidType() implements BtfType {
        public int id() {
            return 0;
        }

        public String name() {
            return "void";
        }

        public BtfKind kind() {
            return BtfKind.UNKN;
        }
    }

    /** BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL in {@code encoding}. */
    record IntType(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }
    }

    record PtrType(int id, String name, int type) implements BtfType {
        public BtfKind kind() {
            return BtfKind.PTR;
        }
    }

    record ArrayType(int id, String name, int elemType, int indexType, int nelems) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }
    }

    /**
     * A struct or union member. {@code bitOffset} is from the start of the enclosing type;
     * {@code bitfieldSize} is 0 for ordinary members.
     */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
    }

    /** STRUCT or UNION. */
    record StructType(int id, BtfKind kind, String name, int size, List<Member> members) implements BtfType {
        public StructType {
            members = List.copyOf(members);
        }

        public boolean isUnion() {
            return kind == BtfKind.UNION;
        }

        /** The member with this name, or null. */
        public Member member(String memberName) {
            for (Member m : members) {
                if (m.name().equals(memberName)) {
                    return m;
                }
            }
            return null;
        }
    }

    record EnumValue(String name, long value) {
    }

    /** ENUM (32-bit values) or ENUM64; {@code signed} is the kind_flag. */
    record EnumType(int id, BtfKind kind, String name, int size, boolean signed, List<EnumValue> values)
            implements BtfType {
        public EnumType {
            values = List.copyOf(values);
        }
    }

    /** Forward declaration of a struct ({@code union == false}) or union. */
    record FwdType(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    /** TYPEDEF, VOLATILE, CONST, RESTRICT or TYPE_TAG: refers to {@code type}. */
    record RefType(int id, BtfKind kind, String name, int type) implements BtfType {
    }

    /** A function: {@code linkage} 0 static, 1 global, 2 extern; {@code protoType} is its FUNC_PROTO. */
    record FuncType(int id, String name, int linkage, int protoType) implements BtfType {
        public static final int STATIC = 0;
        public static final int GLOBAL = 1;
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    record Param(String name, int type) {
    }

    /** A function signature; a trailing parameter of type 0 with no name means varargs. */
    record FuncProtoType(int id, String name, int returnType, List<Param> params) implements BtfType {
        public FuncProtoType {
            params = List.copyOf(params);
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }
    }

    /** A variable: {@code linkage} 0 static, 1 global allocated, 2 extern. */
    record VarType(int id, String name, int type, int linkage) implements BtfType {
        public static final int STATIC = 0;
        public static final int GLOBAL = 1;
        public static final int EXTERN = 2;

        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** Placement of one VAR in a DATASEC. */
    record VarSecInfo(int type, int offset, int size) {
    }

    /** A data section (.data, .bss, .rodata, .maps, ...) listing the variables it holds. */
    record DataSecType(int id, String name, int size, List<VarSecInfo> vars) implements BtfType {
        public DataSecType {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    record FloatType(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /** A tag on {@code type}; {@code componentIdx} -1 for the type itself, else a member/param index. */
    record DeclTagType(int id, String name, int type, int componentIdx) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
