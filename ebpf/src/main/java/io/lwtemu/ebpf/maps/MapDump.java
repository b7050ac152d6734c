package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.vm.AddressSpace;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints a map's entries the way {@code bpftool map dump} does for maps without BTF: hex bytes, 8 per
 * group and 16 per line, {@code "key: .. value: .."} on one line when both are short, per-CPU values as
 * {@code "value (CPU 00): .."}, and a final {@code "Found N elements"}. {@link #json} gives the
 * {@code bpftool -j map dump} form.
 *
 * <p>The JSON is written by hand: the {@code ebpf} module has no dependencies, and the output is flat
 * arrays of hex strings.
 *
 * <p>Entries come from the user side ({@link BpfMap#nextKey}, {@link BpfMap#lookup}); an element deleted
 * while dumping is skipped, as bpftool does.
 */
public final class MapDump {
    private MapDump() {}

    /** One entry; for per-CPU maps {@code value} holds all CPUs' values, each padded to 8 bytes. */
    public record Entry(byte[] key, byte[] value) {}

    /** The entries in iteration order. */
    public static List<Entry> entries(BpfMap map) {
        List<Entry> out = new ArrayList<>();
        byte[] key = map.nextKey(null);
        int guard = 0;
        long limit = Integer.toUnsignedLong(map.definition().maxEntries()) + 1;
        while (key != null && guard++ <= limit) {
            byte[] value = map.lookup(key);
            if (value != null) {
                out.add(new Entry(key, value));
            }
            key = map.nextKey(key);
        }
        return out;
    }

    private static int cpus(BpfMap map) {
        return map instanceof PerCpuMap p && map.type().isPerCpu() ? p.cpus() : 1;
    }

    /** {@code bpftool map dump} text. */
    public static String plain(BpfMap map) {
        StringBuilder sb = new StringBuilder();
        List<Entry> entries = entries(map);
        MapDefinition def = map.definition();
        int ks = def.keySize();
        int vs = def.valueSize();
        for (Entry e : entries) {
            if (!def.type().isPerCpu()) {
                boolean breakNames = ks > 16 || vs > 16;
                boolean singleLine = ks + vs <= 24 && !breakNames;
                sb.append("key:").append(breakNames ? '\n' : ' ');
                hex(sb, e.key(), 0, ks);
                sb.append(singleLine ? "  " : "\n");
                if (def.type() == MapType.PROG_ARRAY) {
                    sb.append("id:").append(breakNames ? '\n' : ' ');
                    sb.append(AddressSpace.get(e.value(), 0, 4)).append(' ');
                } else {
                    sb.append("value:").append(breakNames ? '\n' : ' ');
                    hex(sb, e.value(), 0, vs);
                }
                sb.append('\n');
            } else {
                int step = (vs + 7) & ~7;
                sb.append("key:\n");
                hex(sb, e.key(), 0, ks);
                sb.append('\n');
                for (int c = 0; c < cpus(map); c++) {
                    sb.append(String.format("value (CPU %02d):", c)).append(vs > 16 ? '\n' : ' ');
                    hex(sb, e.value(), c * step, vs);
                    sb.append('\n');
                }
            }
        }
        sb.append("Found ").append(entries.size()).append(entries.size() == 1 ? " element" : " elements")
                .append('\n');
        return sb.toString();
    }

    /** bpftool's fprint_hex: two hex digits per byte, two spaces after each 8, a newline after each 16. */
    static void hex(StringBuilder sb, byte[] b, int off, int n) {
        for (int i = 0; i < n; i++) {
            if (i != 0) {
                sb.append(i % 16 == 0 ? "\n" : i % 8 == 0 ? "  " : " ");
            }
            sb.append(Character.forDigit((b[off + i] >> 4) & 0xf, 16)).append(Character.forDigit(b[off + i] & 0xf, 16));
        }
    }

    /** {@code bpftool -j map dump} (compact JSON, bytes as "0x.." strings). */
    public static String json(BpfMap map) {
        StringBuilder sb = new StringBuilder("[");
        MapDefinition def = map.definition();
        int vs = def.valueSize();
        boolean first = true;
        for (Entry e : entries(map)) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"key\":");
            hexJson(sb, e.key(), 0, def.keySize());
            if (!def.type().isPerCpu()) {
                sb.append(",\"value\":");
                hexJson(sb, e.value(), 0, vs);
            } else {
                int step = (vs + 7) & ~7;
                sb.append(",\"values\":[");
                for (int c = 0; c < cpus(map); c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    sb.append("{\"cpu\":").append(c).append(",\"value\":");
                    hexJson(sb, e.value(), c * step, vs);
                    sb.append('}');
                }
                sb.append(']');
            }
            sb.append('}');
        }
        return sb.append(']').toString();
    }

    private static void hexJson(StringBuilder sb, byte[] b, int off, int n) {
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("\"0x").append(Character.forDigit((b[off + i] >> 4) & 0xf, 16))
                    .append(Character.forDigit(b[off + i] & 0xf, 16)).append('"');
        }
        sb.append(']');
    }
}
