package io.lwtemu.ebpf.loader;

import io.lwtemu.ebpf.btf.Btf;
import io.lwtemu.ebpf.btf.BtfType;
import io.lwtemu.ebpf.btf.BtfType.ArrayType;
import io.lwtemu.ebpf.btf.BtfType.DataSecType;
import io.lwtemu.ebpf.btf.BtfType.Member;
import io.lwtemu.ebpf.btf.BtfType.PtrType;
import io.lwtemu.ebpf.btf.BtfType.StructType;
import io.lwtemu.ebpf.btf.BtfType.VarSecInfo;
import io.lwtemu.ebpf.btf.BtfType.VarType;
import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.elf.ElfRelocation;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.elf.ElfSymbol;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.maps.MapType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the maps an object declares, in libbpf's order: legacy {@code maps} section, BTF-defined maps in
 * {@code .maps}, then one single-entry ARRAY per global data section ({@code .data*}, {@code .rodata*},
 * {@code .bss*}).
 */
final class MapSpecs {
    static final String LEGACY_MAPS_SEC = "maps";
    static final String BTF_MAPS_SEC = ".maps";

    /** Kernel BPF_OBJ_NAME_LEN: names are at most 15 characters plus NUL. */
    private static final int BPF_OBJ_NAME_LEN = 16;
    /** struct bpf_map_def: type, key_size, value_size, max_entries, map_flags. */
    private static final int BPF_MAP_DEF_SIZE = 20;
    /** iproute2's struct bpf_elf_map keeps its pinning field here; PIN_GLOBAL_NS shares maps by name. */
    private static final int ELF_MAP_PINNING_OFFSET = 24;
    private static final int IPROUTE2_PIN_GLOBAL_NS = 2;
    /**
     * The kernel refuses array values larger than KMALLOC_MAX_SIZE (4 MiB with 4 KiB pages) with E2BIG;
     * checked here so a corrupt .bss size cannot make us allocate gigabytes.
     */
    private static final long MAX_GLOBAL_DATA_SIZE = 4L << 20;

    private MapSpecs() {}

    static List<MapSpec> read(ElfFile elf, Btf btf, String objectName) {
        List<MapSpec> specs = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.name().equals(LEGACY_MAPS_SEC) && s.isProgbits()) {
                specs.addAll(legacyMaps(elf, s));
            }
        }
        for (ElfSection s : elf.sections()) {
            if (s.name().equals(BTF_MAPS_SEC) && s.isProgbits()) {
                specs.addAll(btfMaps(elf, btf, s));
            }
        }
        for (ElfSection s : elf.sections()) {
            GlobalDataKind kind = GlobalDataKind.of(s);
            if (kind != null && s.size() > 0) {
                specs.add(globalData(elf, btf, s, kind, objectName));
            }
        }
        Set<String> names = new HashSet<>();
        for (MapSpec m : specs) {
            if (!names.add(m.name())) {
                throw new BpfLoadException(elf.fileName() + ": two maps are named '" + m.name() + "'");
            }
        }
        return specs;
    }

    /** Kinds of global data section, as libbpf classifies them. */
    enum GlobalDataKind {
        DATA, RODATA, BSS;

        static GlobalDataKind of(ElfSection s) {
            if (s.isExecutable()) {
                return null;
            }
            String n = s.name();
            if (s.isProgbits() && (n.equals(".data") || n.startsWith(".data."))) {
                return DATA;
            }
            if (s.isProgbits() && (n.equals(".rodata") || n.startsWith(".rodata."))) {
                return RODATA;
            }
            if (s.isNobits() && (n.equals(".bss") || n.startsWith(".bss."))) {
                return BSS;
            }
            return null;
        }
    }

    // ---- legacy struct bpf_map_def --------------------------------------------------------------------

    private static List<MapSpec> legacyMaps(ElfFile elf, ElfSection section) {
        List<ElfSymbol> syms = new ArrayList<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.shndx() == section.index() && !sym.isSection() && sym.type() != ElfFile.STT_FILE) {
                syms.add(sym);
            }
        }
        if (syms.isEmpty()) {
            return List.of();
        }
        syms.sort(Comparator.comparingLong(ElfSymbol::value));
        if (section.size() % syms.size() != 0) {
            throw new BpfLoadException(elf.fileName() + ": section 'maps' (" + section.size() + " bytes) does not "
                    + "divide into " + syms.size() + " equal map definitions");
        }
        int defSize = (int) (section.size() / syms.size());
        if (defSize < 4 * 4) {
            throw new BpfLoadException(elf.fileName() + ": section 'maps': map definitions of " + defSize
                    + " bytes are too small for struct bpf_map_def (type, key_size, value_size, max_entries)");
        }
        byte[] data = elf.data(section);
        List<MapSpec> out = new ArrayList<>();
        for (ElfSymbol sym : syms) {
            long off = sym.value();
            if (off < 0 || off + defSize > data.length) {
                throw new BpfLoadException(elf.fileName() + ": map '" + sym.name() + "' at offset " + off
                        + " of section 'maps' overruns the section (" + data.length + " bytes)");
            }
            byte[] def = Arrays.copyOfRange(data, (int) off, (int) off + Math.max(defSize, BPF_MAP_DEF_SIZE + 4));
            int pinning = MapDefinition.PIN_NONE;
            if (defSize >= ELF_MAP_PINNING_OFFSET + 4 && u32(def, ELF_MAP_PINNING_OFFSET) == IPROUTE2_PIN_GLOBAL_NS) {
                pinning = MapDefinition.PIN_BY_NAME;
            }
            int flags = defSize >= BPF_MAP_DEF_SIZE ? u32(def, 16) : 0;
            MapType type = mapType(elf, sym.name(), u32(def, 0));
            out.add(new MapSpec(new MapDefinition(sym.name(), type, u32(def, 4), u32(def, 8), u32(def, 12), flags,
                    pinning), section.name(), section.index(), off, null));
        }
        return out;
    }

    // ---- BTF-defined maps -----------------------------------------------------------------------------

    private static List<MapSpec> btfMaps(ElfFile elf, Btf btf, ElfSection section) {
        String file = elf.fileName();
        if (btf == null) {
            throw new BpfLoadException(file + ": section '.maps' needs BTF to describe its maps, but the object has "
                    + "no .BTF section (compile with -g)");
        }
        DataSecType datasec = btf.dataSec(BTF_MAPS_SEC).orElseThrow(() -> new BpfLoadException(
                file + ": .BTF has no DATASEC '.maps' describing section '.maps'"));
        List<MapSpec> out = new ArrayList<>();
        for (VarSecInfo vsi : datasec.vars()) {
            BtfType vt = btf.type(vsi.type());
            if (!(vt instanceof VarType var)) {
                throw new BpfLoadException(file + ": DATASEC '.maps' entry [" + vsi.type() + "] is "
                        + btf.describe(vsi.type()) + ", expected a variable");
            }
            String name = var.name();
            // clang leaves DATASEC offsets 0 for the linker; libbpf takes them from the ELF symbols.
            ElfSymbol sym = elf.symbols().stream()
                    .filter(x -> x.shndx() == section.index() && !x.isSection() && x.name().equals(name))
                    .findFirst().orElseThrow(() -> new BpfLoadException(file + ": map '" + name
                            + "' is described in BTF but has no symbol in section '.maps'"));
            long off = sym.value();
            long size = vsi.size() & 0xffffffffL;
            if (off + size > section.size()) {
                throw new BpfLoadException(file + ": map '" + name + "' at offset " + off + " (size " + size
                        + ") overruns section '.maps' (" + section.size() + " bytes)");
            }
            BtfType def = btf.resolved(var.type());
            if (!(def instanceof StructType struct) || struct.isUnion()) {
                throw new BpfLoadException(file + ": map '" + name + "': definition is "
                        + btf.describe(btf.resolve(var.type())) + ", expected a struct");
            }
            out.add(new MapSpec(parseBtfMapDef(file, btf, name, struct), section.name(), section.index(), off, null));
        }
        return out;
    }

    private static MapDefinition parseBtfMapDef(String file, Btf btf, String name, StructType def) {
        int type = 0;
        int keySize = 0;
        int valueSize = 0;
        int maxEntries = 0;
        int flags = 0;
        int pinning = 0;
        boolean hasValues = false;
        String where = file + ": map '" + name + "': ";
        for (Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = intField(btf, where, m);
                case "max_entries" -> maxEntries = intField(btf, where, m);
                case "map_flags" -> flags = intField(btf, where, m);
                case "numa_node", "map_extra" -> intOrEnumField(btf, where, m); // validated, no meaning here
                case "key_size" -> keySize = sameSize(where, "key", keySize, intField(btf, where, m));
                case "value_size" -> valueSize = sameSize(where, "value", valueSize, intField(btf, where, m));
                case "key" -> keySize = sameSize(where, "key", keySize, typeSize(btf, where, m));
                case "value" -> valueSize = sameSize(where, "value", valueSize, typeSize(btf, where, m));
                case "pinning" -> {
                    pinning = intField(btf, where, m);
                    if (pinning != MapDefinition.PIN_NONE && pinning != MapDefinition.PIN_BY_NAME) {
                        throw new BpfLoadException(where + "invalid pinning value " + pinning
                                + " (0 = none, 1 = LIBBPF_PIN_BY_NAME)");
                    }
                }
                case "values" -> {
                    if (m != def.members().get(def.members().size() - 1)) {
                        throw new BpfLoadException(where + "'values' must be the last field");
                    }
                    valuesField(btf, where, m);
                    hasValues = true;
                }
                default -> throw new BpfLoadException(where + "unknown field '" + m.name() + "'");
            }
        }
        MapType mapType = mapType(file, name, type);
        if (hasValues) {
            if (mapType != MapType.PROG_ARRAY) {
                throw new BpfLoadException(where + "initial 'values' are only supported for prog arrays "
                        + "(map-in-map is not supported), not for " + mapType);
            }
            // __array(values, ...) declares no size: a prog array's values are 4-byte program fds.
            valueSize = sameSize(where, "value", valueSize, 4);
        }
        return new MapDefinition(name, mapType, keySize, valueSize, maxEntries, flags, pinning);
    }

    /** {@code __array(values, int (void *))} is a flexible array of pointers to functions. */
    private static void valuesField(Btf btf, String where, Member m) {
        BtfType t = btf.resolved(m.type());
        if (!(t instanceof ArrayType a) || a.nelems() != 0
                || !(btf.resolved(a.elemType()) instanceof PtrType)) {
            throw new BpfLoadException(where + "field 'values' is " + btf.describe(m.type())
                    + ", expected a flexible array of pointers (__array(values, ...))");
        }
    }

    /**
     * The initial slots of prog arrays ({@code .values = { [i] = &prog }}): relocations in {@code .maps}
     * against program symbols, at {@code values + 8 * i} inside the map's definition, as libbpf reads them.
     *
     * @param programSections indices of the sections holding programs (executable, not .text)
     */
    static List<ProgArraySlot> progArraySlots(ElfFile elf, Btf btf, List<MapSpec> specs, Set<Integer> programSections) {
        List<ProgArraySlot> out = new ArrayList<>();
        for (ElfSection section : elf.sections()) {
            if (!section.name().equals(BTF_MAPS_SEC) || !section.isProgbits()) {
                continue;
            }
            for (ElfSection relSec : elf.relocationSectionsFor(section)) {
                for (ElfRelocation rel : elf.relocations(relSec)) {
                    if (rel.type() == ElfFile.R_BPF_NONE) {
                        continue;
                    }
                    out.add(progArraySlot(elf, btf, specs, section, rel, programSections));
                }
            }
        }
        return out;
    }

    private static ProgArraySlot progArraySlot(ElfFile elf, Btf btf, List<MapSpec> specs, ElfSection section,
                                               ElfRelocation rel, Set<Integer> programSections) {
        String file = elf.fileName();
        ElfSymbol sym = elf.symbol(rel.symbolIndex());
        MapSpec spec = null;
        long size = 0;
        DataSecType datasec = btf.dataSec(BTF_MAPS_SEC).orElseThrow();
        for (MapSpec s : specs) {
            if (s.sectionIndex() != section.index() || rel.offset() < s.offset()) {
                continue;
            }
            for (VarSecInfo vsi : datasec.vars()) {
                if (btf.type(vsi.type()) instanceof VarType v && v.name().equals(s.name())
                        && rel.offset() < s.offset() + (vsi.size() & 0xffffffffL)) {
                    spec = s;
                    size = vsi.size() & 0xffffffffL;
                }
            }
        }
        if (spec == null) {
            throw new BpfLoadException(file + ": relocation against '" + sym.name() + "' at offset " + rel.offset()
                    + " of section '.maps' is inside no map");
        }
        String where = file + ": map '" + spec.name() + "': ";
        if (rel.type() != ElfFile.R_BPF_64_ABS64 && rel.type() != ElfFile.R_BPF_64_64) {
            throw new BpfLoadException(where + "relocation against '" + sym.name() + "' has type " + rel.type()
                    + ", expected R_BPF_64_ABS64 (a pointer in 'values')");
        }
        StructType struct = (StructType) btf.resolved(mapVar(btf, datasec, spec.name()).type());
        Member last = struct.members().isEmpty() ? null : struct.members().get(struct.members().size() - 1);
        if (last == null || !last.name().equals("values")) {
            throw new BpfLoadException(where + "relocation against '" + sym.name() + "' outside a 'values' field");
        }
        long moff = rel.offset() - spec.offset() - last.bitOffset() / 8;
        if (moff < 0 || moff % 8 != 0 || rel.offset() + 8 > spec.offset() + size) {
            throw new BpfLoadException(where + "relocation against '" + sym.name() + "' at offset " + rel.offset()
                    + " is not on a slot of 'values'");
        }
        long index = moff / 8;
        if (index >= spec.definition().maxEntries()) {
            throw new BpfLoadException(where + "initial value [" + index + "] is beyond max_entries "
                    + spec.definition().maxEntries());
        }
        if (!sym.isFunction() || !programSections.contains(sym.shndx())) {
            throw new BpfLoadException(where + "initial value [" + index + "] is '" + sym.name()
                    + "', which is not a BPF program (a global function in a program section)");
        }
        return new ProgArraySlot(spec.name(), (int) index, sym.name());
    }

    private static VarType mapVar(Btf btf, DataSecType datasec, String name) {
        for (VarSecInfo vsi : datasec.vars()) {
            if (btf.type(vsi.type()) instanceof VarType v && v.name().equals(name)) {
                return v;
            }
        }
        throw new IllegalStateException("map '" + name + "' vanished from DATASEC .maps");
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}: a pointer to an array whose length is the value. */
    private static int intField(Btf btf, String where, Member m) {
        BtfType t = btf.resolved(m.type());
        if (!(t instanceof PtrType ptr)) {
            throw new BpfLoadException(where + "field '" + m.name() + "' is " + btf.describe(t.id())
                    + ", expected a pointer to an array (__uint)");
        }
        BtfType arr = btf.type(ptr.type());
        if (!(arr instanceof ArrayType a)) {
            throw new BpfLoadException(where + "field '" + m.name() + "' points to " + btf.describe(arr.id())
                    + ", expected an array (__uint)");
        }
        return a.nelems();
    }

    /** {@code __ulong} fields are an enum with one value; {@code __uint} the array form. */
    private static void intOrEnumField(Btf btf, String where, Member m) {
        BtfType t = btf.resolved(m.type());
        if (t.kind() == io.lwtemu.ebpf.btf.BtfKind.ENUM || t.kind() == io.lwtemu.ebpf.btf.BtfKind.ENUM64) {
            return;
        }
        intField(btf, where, m);
    }

    /** {@code __type(key, T)} is {@code typeof(T) *key}: the size is the pointee's. */
    private static int typeSize(Btf btf, String where, Member m) {
        BtfType t = btf.type(m.type());
        if (!(t instanceof PtrType ptr)) {
            throw new BpfLoadException(where + m.name() + " spec is " + btf.describe(t.id()) + ", expected a pointer "
                    + "(__type)");
        }
        long size = btf.sizeOf(ptr.type());
        if (size > Integer.MAX_VALUE) {
            throw new BpfLoadException(where + m.name() + " type " + btf.describe(ptr.type()) + " is too large ("
                    + size + " bytes)");
        }
        return (int) size;
    }

    private static int sameSize(String where, String what, int previous, int size) {
        if (previous != 0 && previous != size) {
            throw new BpfLoadException(where + "conflicting " + what + " sizes " + previous + " and " + size);
        }
        return size;
    }

    // ---- global data ----------------------------------------------------------------------------------

    private static MapSpec globalData(ElfFile elf, Btf btf, ElfSection s, GlobalDataKind kind, String objectName) {
        if (s.size() > MAX_GLOBAL_DATA_SIZE) {
            throw new BpfLoadException(elf.fileName() + ": global data section '" + s.name() + "' is too large ("
                    + s.size() + " bytes; the kernel allows at most " + MAX_GLOBAL_DATA_SIZE + " for a map value)");
        }
        byte[] value = kind == GlobalDataKind.BSS ? new byte[(int) s.size()] : elf.data(s);
        int flags = kind == GlobalDataKind.RODATA ? MapDefinition.BPF_F_RDONLY_PROG : 0;
        if (hasGlobalVariable(btf, s.name())) {
            flags |= MapDefinition.BPF_F_MMAPABLE;
        }
        MapDefinition def = new MapDefinition(internalMapName(objectName, s.name()), MapType.ARRAY, 4, value.length,
                1, flags, MapDefinition.PIN_NONE);
        return new MapSpec(def, s.name(), s.index(), 0, value);
    }

    /**
     * libbpf makes a global data map mmapable when its BTF DATASEC holds a non-static variable (so user
     * space can see it through a skeleton); sections of only static data, or without BTF, are not.
     */
    private static boolean hasGlobalVariable(Btf btf, String section) {
        if (btf == null) {
            return false;
        }
        DataSecType ds = btf.dataSec(section).orElse(null);
        if (ds == null) {
            return false;
        }
        for (VarSecInfo v : ds.vars()) {
            if (btf.type(v.type()) instanceof VarType var && var.linkage() != VarType.STATIC) {
                return true;
            }
        }
        return false;
    }

    /**
     * libbpf's name for a global data map: as much of the object name as fits in 15 characters before the
     * section name, reserving at least 7 characters for the suffix ("btf_maps.rodata", "btf_maps.bss");
     * sections with a second dot (".rodata.str1.1", ".data.custom") keep their own name only. Characters the
     * kernel does not accept in names become '_'.
     */
    static String internalMapName(String objectName, String sectionName) {
        int sfxLen = Math.min(Math.max(7, sectionName.length()), BPF_OBJ_NAME_LEN - 1);
        int pfxLen = sectionName.indexOf('.', 1) >= 0 ? 0
                : Math.min(BPF_OBJ_NAME_LEN - sfxLen - 1, objectName.length());
        String raw = objectName.substring(0, pfxLen)
                + sectionName.substring(0, Math.min(sfxLen, sectionName.length()));
        if (raw.length() > BPF_OBJ_NAME_LEN - 1) {
            raw = raw.substring(0, BPF_OBJ_NAME_LEN - 1);
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (char c : raw.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '.';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /**
     * libbpf's object name: the file's base name cut to 15 characters and at its first dot
     * ("btf_maps.v1.o" becomes "btf_maps").
     */
    static String objectName(String fileName) {
        String base = fileName;
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        if (slash >= 0) {
            base = base.substring(slash + 1);
        }
        if (base.length() > BPF_OBJ_NAME_LEN - 1) {
            base = base.substring(0, BPF_OBJ_NAME_LEN - 1);
        }
        int dot = base.indexOf('.');
        return dot >= 0 ? base.substring(0, dot) : base;
    }

    private static MapType mapType(ElfFile elf, String map, int id) {
        return mapType(elf.fileName(), map, id);
    }

    private static MapType mapType(String file, String map, int id) {
        MapType t = MapType.ofKernelId(id);
        if (t == null) {
            StringBuilder supported = new StringBuilder();
            for (MapType s : MapType.values()) {
                supported.append(supported.length() == 0 ? "" : ", ").append(s.name().toLowerCase(Locale.ROOT))
                        .append(" (").append(s.kernelId).append(')');
            }
            throw new BpfLoadException(file + ": map '" + map + "': map type " + id
                    + (id == 0 ? " (no __uint(type, ...) given)" : "") + " is not supported; supported types: "
                    + supported);
        }
        return t;
    }

    private static int u32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
