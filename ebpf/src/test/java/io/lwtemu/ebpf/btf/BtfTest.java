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
import io.lwtemu.ebpf.btf.BtfType.VarType;
import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.loader.BpfLoadException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Types of btf_maps.o as {@code bpftool btf dump file} lists them, plus hand-made BTF for the other kinds. */
class BtfTest {
    private static Btf objectBtf(String file) {
        ElfFile elf = ElfFile.read(Path.of("src/test/bpf/loader", file));
        return Btf.parse(file, elf.data(elf.section(".BTF").orElseThrow()));
    }

    private final Btf btf = objectBtf("btf_maps.o");

    @Test
    void shouldResolveStructMembersWithBitOffsets() {
        StructType key = (StructType) btf.findByName("flow_key", BtfKind.STRUCT).orElseThrow();

        assertThat(key.size()).isEqualTo(16);
        assertThat(key.members()).extracting(Member::name).containsExactly("saddr", "daddr", "sport", "dport", "proto");
        assertThat(key.members()).extracting(Member::bitOffset).containsExactly(0, 32, 64, 80, 96);
        assertThat(btf.describe(key.members().get(2).type())).isEqualTo("typedef __u16");
        assertThat(btf.resolved(key.members().get(2).type())).isInstanceOfSatisfying(IntType.class, i -> {
            assertThat(i.name()).isEqualTo("unsigned short");
            assertThat(i.size()).isEqualTo(2);
            assertThat(i.bits()).isEqualTo(16);
            assertThat(i.isSigned()).isFalse();
        });
        assertThat(btf.sizeOf(key.id())).isEqualTo(16);
        assertThat(btf.members(key.id())).isEqualTo(key.members());
    }

    @Test
    void shouldSeeThroughTypedefs() {
        BtfType typedef = btf.findByName("flow_stats_t", BtfKind.TYPEDEF).orElseThrow();

        assertThat(btf.resolved(typedef.id()).name()).isEqualTo("flow_stats");
        assertThat(btf.sizeOf(typedef.id())).isEqualTo(24);
        assertThat(btf.members(typedef.id())).extracting(Member::name).containsExactly("packets", "bytes", "last_mark");
    }

    @Test
    void shouldDescribeMapDefinitionsAsPointersToArrays() {
        VarType flows = (VarType) btf.findByName("flows", BtfKind.VAR).orElseThrow();
        StructType def = (StructType) btf.resolved(flows.type());
        PtrType type = (PtrType) btf.type(def.member("type").type());
        PtrType maxEntries = (PtrType) btf.type(def.member("max_entries").type());

        assertThat(btf.nelems(type.type())).isEqualTo(1); // BPF_MAP_TYPE_HASH
        assertThat(btf.nelems(maxEntries.type())).isEqualTo(1024);
        ArrayType arr = (ArrayType) btf.type(maxEntries.type());
        assertThat(btf.type(arr.indexType()).name()).isEqualTo("__ARRAY_SIZE_TYPE__");
        assertThat(btf.sizeOf(type.id())).isEqualTo(8);
        assertThat(btf.sizeOf(arr.id())).isEqualTo(1024L * 4);
        assertThat(flows.linkage()).isEqualTo(VarType.GLOBAL);
    }

    @Test
    void shouldListDataSectionsAndFunctions() {
        DataSecType maps = btf.dataSec(".maps").orElseThrow();
        DataSecType rodata = btf.dataSec(".rodata").orElseThrow();
        FuncType track = (FuncType) btf.findByName("track_flow", BtfKind.FUNC).orElseThrow();
        FuncProtoType proto = (FuncProtoType) btf.type(track.protoType());

        assertThat(maps.vars()).extracting(v -> btf.type(v.type()).name())
                .containsExactly("percpu_hits", "flows", "pinned_marks", "counters");
        assertThat(rodata.vars()).extracting(v -> btf.type(v.type()).name()).containsExactly("mark_base", "prefix_len");
        assertThat(btf.resolved(((VarType) btf.type(rodata.vars().get(0).type())).type()).name())
                .isEqualTo("unsigned int");
        assertThat(btf.type(rodata.vars().get(0).type()).kind()).isEqualTo(BtfKind.VAR);
        assertThat(track.linkage()).isEqualTo(FuncType.GLOBAL);
        assertThat(btf.resolved(proto.returnType()).name()).isEqualTo("int");
        assertThat(proto.params()).hasSize(1);
        assertThat(proto.params().get(0).name()).isEqualTo("skb");
        PtrType skb = (PtrType) btf.type(proto.params().get(0).type());
        assertThat(btf.sizeOf(skb.type())).isEqualTo(192);
        assertThat(btf.findByName("bpf_sock", BtfKind.FWD)).get().isInstanceOf(FwdType.class);
        assertThat(btf.findByName("flow_stats_t")).get().extracting(BtfType::kind).isEqualTo(BtfKind.TYPEDEF);
        assertThat(btf.struct("flow_stats")).map(StructType::size).hasValue(24);
        assertThat(btf.struct("no_such_struct")).isEmpty();
    }

    @Test
    void shouldParseEveryKindItIsGiven() {
        BtfBuilder b = new BtfBuilder();
        int u32 = b.type("u32", BtfKind.INT, 0, false, 4);
        b.u32(32);
        int s8 = b.type("s8", BtfKind.INT, 0, false, 1);
        b.u32(1 << 24 | 8);
        int ptr = b.type("", BtfKind.PTR, 0, false, u32);
        int arr = b.type("", BtfKind.ARRAY, 0, false, 0);
        b.u32(s8).u32(u32).u32(3);
        int bits = b.type("flags", BtfKind.STRUCT, 2, true, 4); // kind_flag: bitfield sizes in the offsets
        b.u32(b.str("lo")).u32(u32).u32(3 << 24);
        b.u32(b.str("hi")).u32(u32).u32(5 << 24 | 3);
        int union = b.type("either", BtfKind.UNION, 2, false, 8);
        b.u32(b.str("word")).u32(u32).u32(0);
        b.u32(b.str("bytes")).u32(arr).u32(0);
        int color = b.type("color", BtfKind.ENUM, 2, true, 4);
        b.u32(b.str("RED")).u32(-1);
        b.u32(b.str("BLUE")).u32(7);
        int big = b.type("big", BtfKind.ENUM64, 1, false, 8);
        b.u32(b.str("HUGE")).u32(0x89abcdef).u32(0x01234567);
        int fwd = b.type("later", BtfKind.FWD, 0, true, 0);
        int typedef = b.type("u32_t", BtfKind.TYPEDEF, 0, false, u32);
        int vol = b.type("", BtfKind.VOLATILE, 0, false, typedef);
        int cons = b.type("", BtfKind.CONST, 0, false, vol);
        int restrict = b.type("", BtfKind.RESTRICT, 0, false, ptr);
        int tag = b.type("user", BtfKind.TYPE_TAG, 0, false, cons);
        int proto = b.type("", BtfKind.FUNC_PROTO, 2, false, u32);
        b.u32(b.str("a")).u32(restrict);
        b.u32(0).u32(0);
        int func = b.type("f", BtfKind.FUNC, FuncType.STATIC, false, proto);
        int var = b.type("v", BtfKind.VAR, 0, false, tag);
        b.u32(VarType.STATIC);
        int sec = b.type(".data", BtfKind.DATASEC, 1, false, 4);
        b.u32(var).u32(0).u32(4);
        int flt = b.type("double", BtfKind.FLOAT, 0, false, 8);
        int decl = b.type("hot", BtfKind.DECL_TAG, 0, false, func);
        b.u32(-1);

        Btf parsed = Btf.parse("handmade", b.build());

        assertThat(parsed.typeCount()).isEqualTo(decl + 1);
        assertThat(parsed.type(0).kind()).isEqualTo(BtfKind.UNKN);
        assertThat(parsed.type(s8)).isEqualTo(new IntType(s8, "s8", 1, IntType.SIGNED, 0, 8));
        assertThat(parsed.sizeOf(arr)).isEqualTo(3);
        assertThat(parsed.members(bits)).containsExactly(new Member("lo", u32, 0, 3), new Member("hi", u32, 3, 5));
        assertThat(((StructType) parsed.type(union)).isUnion()).isTrue();
        assertThat(parsed.sizeOf(union)).isEqualTo(8);
        assertThat(((EnumType) parsed.type(color)).values())
                .containsExactly(new EnumValue("RED", -1), new EnumValue("BLUE", 7));
        assertThat(((EnumType) parsed.type(big)).values()).containsExactly(new EnumValue("HUGE", 0x0123456789abcdefL));
        assertThat(parsed.sizeOf(big)).isEqualTo(8);
        assertThat(parsed.type(fwd)).isEqualTo(new FwdType(fwd, "later", true));
        assertThat(parsed.resolve(tag)).isEqualTo(u32);
        assertThat(parsed.type(tag)).isEqualTo(new RefType(tag, BtfKind.TYPE_TAG, "user", cons));
        assertThat(parsed.sizeOf(var)).isEqualTo(4);
        assertThat(parsed.resolved(restrict)).isInstanceOf(PtrType.class);
        assertThat(((FuncProtoType) parsed.type(proto)).params())
                .containsExactly(new Param("a", restrict), new Param("", 0));
        assertThat(parsed.type(func)).isEqualTo(new FuncType(func, "f", FuncType.STATIC, proto));
        assertThat(parsed.dataSec(".data")).map(DataSecType::size).hasValue(4);
        assertThat(parsed.type(sec).kind()).isEqualTo(BtfKind.DATASEC);
        assertThat(parsed.type(flt)).isEqualTo(new FloatType(flt, "double", 8));
        assertThat(parsed.type(decl)).isEqualTo(new DeclTagType(decl, "hot", func, -1));
        assertThatThrownBy(() -> parsed.sizeOf(func)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("has no size");
        assertThatThrownBy(() -> parsed.members(u32)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("not a struct or union");
    }

    @Test
    void shouldRejectMalformedBtf() {
        BtfBuilder dangling = new BtfBuilder();
        dangling.type("", BtfKind.PTR, 0, false, 42);
        assertThatThrownBy(() -> Btf.parse("dangling", dangling.build())).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("dangling: BTF type [1] (PTR '') refers to type [42]");

        BtfBuilder unknown = new BtfBuilder();
        unknown.type("x", BtfKind.INT, 0, false, 4);
        byte[] bytes = unknown.build();
        bytes[24 + 7] = 25; // kind 25 in the info word's top byte
        assertThatThrownBy(() -> Btf.parse("unknown", bytes)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("unknown kind 25");

        BtfBuilder truncated = new BtfBuilder();
        truncated.type("s", BtfKind.STRUCT, 3, false, 4); // announces 3 members, has none
        assertThatThrownBy(() -> Btf.parse("truncated", truncated.build())).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("BTF type [1] is truncated");

        BtfBuilder badName = new BtfBuilder();
        badName.type("", BtfKind.PTR, 0, false, 0);
        byte[] badNameBytes = badName.build();
        badNameBytes[24] = (byte) 0x77;
        assertThatThrownBy(() -> Btf.parse("badname", badNameBytes)).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("name offset 119 outside the string section");

        byte[] loop = new BtfBuilder().build();
        assertThat(Btf.parse("empty", loop).typeCount()).isEqualTo(1);
        assertThatThrownBy(() -> Btf.parse("short", Arrays.copyOf(loop, 10))).isInstanceOf(BpfLoadException.class)
                .hasMessageContaining("truncated BTF header");
    }

    @Test
    void shouldDetectTypedefLoops() {
        BtfBuilder b = new BtfBuilder();
        b.type("a", BtfKind.TYPEDEF, 0, false, 2);
        b.type("b", BtfKind.TYPEDEF, 0, false, 1);
        Btf loop = Btf.parse("loop", b.build());
        assertThatThrownBy(() -> loop.resolve(1)).isInstanceOf(BpfLoadException.class).hasMessageContaining("loop");
        assertThatThrownBy(() -> loop.sizeOf(1)).isInstanceOf(BpfLoadException.class);
    }

    @Test
    void shouldFindCoreRelocationsOnlyWhereTheyAre() {
        ElfFile core = ElfFile.read(Path.of("src/test/bpf/loader/core_relo.o"));
        Btf coreBtf = objectBtf("core_relo.o");
        BtfExt coreExt = BtfExt.parse("core", core.data(core.section(".BTF.ext").orElseThrow()), coreBtf);
        ElfFile plain = ElfFile.read(Path.of("src/test/bpf/loader/btf_maps.o"));
        BtfExt plainExt = BtfExt.parse("plain", plain.data(plain.section(".BTF.ext").orElseThrow()), btf);

        assertThat(coreExt.hasCoreRelos()).isTrue();
        assertThat(coreExt.coreRelos()).containsOnlyKeys("lwt_xmit");
        BtfExt.CoreRelo relo = coreExt.coreRelos().get("lwt_xmit").get(0);
        assertThat(coreBtf.type(relo.typeId()).name()).isEqualTo("hdr");
        assertThat(relo.accessString()).isEqualTo("0:1"); // h->b: member 1 of the first element
        assertThat(plainExt.hasCoreRelos()).isFalse();
        assertThat(plainExt.funcInfo()).containsOnlyKeys("lwt_in", "lwt_out", ".text", "lwt_xmit/flows");
        assertThat(plainExt.funcInfo().get(".text")).extracting(BtfExt.FuncInfo::typeId)
                .allSatisfy(id -> assertThat(btf.type(id).name()).isEqualTo("bump"));
        BtfExt.LineInfo first = plainExt.lineInfo().get("lwt_in").get(0);
        assertThat(first.insnOffset()).isZero();
        assertThat(first.fileName()).endsWith("btf_maps.c");
        assertThat(first.line()).isEqualTo("int count_in(struct __sk_buff *skb)");
        assertThat(first.lineNumber()).isEqualTo(71);
    }

    /** The running kernel's own BTF is the biggest real-world input there is. */
    @Test
    void shouldParseTheKernelsBtf() throws IOException {
        Path vmlinux = Path.of("/sys/kernel/btf/vmlinux");
        assumeThat(Files.isReadable(vmlinux)).as("kernel BTF at " + vmlinux).isTrue();
        Btf kernel = Btf.parse("vmlinux", Files.readAllBytes(vmlinux));

        StructType skb = kernel.struct("__sk_buff").orElseThrow();
        assertThat(kernel.sizeOf(skb.id())).isEqualTo(192);
        assertThat(skb.member("mark").bitOffset()).isEqualTo(64);
        assertThat(skb.member("cb").bitOffset()).isEqualTo(48 * 8);
        assertThat(kernel.nelems(skb.member("cb").type())).isEqualTo(5);
        assertThat(kernel.findByName("sk_buff", BtfKind.STRUCT)).isPresent();
    }
}
