package io.lwtemu.ebpf.helpers;

import io.lwtemu.ebpf.vm.ExecutionContext;
import io.lwtemu.ebpf.vm.MemoryRegion;
import io.lwtemu.ebpf.vm.Pointer;

/**
 * {@code bpf_trace_printk(fmt, fmt_size, a1, a2, a3)} with the checks of the kernel's
 * {@code bpf_bprintf_prepare} (kernel/bpf/helpers.c): the format must be NUL-terminated within
 * {@code fmt_size}, printable ASCII, use at most three arguments and only the conversions
 * {@code %d %i %u %x %X} (with {@code l}/{@code ll}), {@code %p}, {@code %s}, {@code %c}, {@code %%}, with
 * optional {@code [0 +-]} flags and a width. Anything else is -EINVAL. The formatted line goes to
 * {@link ExecutionContext#trace}; the result is its length, as {@code bstr_printf} returns.
 *
 * Pointer extensions as the kernel allows them: {@code %pI4 %pi4 %pI6 %pi6} (address read from the
 * pointer), {@code %pks %pus} (string), {@code %px %pK %ps %pS %pB}.
 *
 * <p>Differences: {@code %p} and {@code %pK} print the raw value as 16 hex digits (the kernel prints a
 * hashed value or zeros); {@code %ps %pS %pB} print {@code 0x<hex>} (no kernel symbols here).
 */
final class TracePrintk {
    private TracePrintk() {}

    static final int MAX_ARGS = 3;
    /** MAX_BPRINTF_BUF: the formatted output is cut at 511 characters. */
    static final int MAX_OUT = 511;

    static long call(ExecutionContext ctx, long fmt, long fmtSize, long a1, long a2, long a3) {
        int size = (int) fmtSize;
        MemoryRegion r = ctx.memory.resolve(fmt, size, false);
        String out = format(ctx, r.bytes, Pointer.index(fmt), size, new long[] {a1, a2, a3});
        if (out == null) {
            return CommonHelpers.EINVAL;
        }
        ctx.trace.print(out);
        return out.length();
    }

    /** The formatted text, or null when the kernel would refuse the format (-EINVAL). */
    static String format(ExecutionContext ctx, byte[] b, int off, int size, long[] args) {
        int end = -1;
        for (int i = 0; i < size; i++) {
            if (b[off + i] == 0) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int spec = 0;
        for (int i = 0; i < end; i++) {
            char c = (char) (b[off + i] & 0xff);
            if (c >= 0x80 || (c < 0x20 && !Character.isWhitespace(c)) || c == 0x7f) {
                return null;
            }
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (at(b, off, end, i + 1) == '%') {
                sb.append('%');
                i++;
                continue;
            }
            if (spec >= MAX_ARGS) {
                return null;
            }
            i++;
            boolean zero = false;
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            for (char f = at(b, off, end, i); f == '0' || f == '+' || f == '-' || f == ' '; f = at(b, off, end, ++i)) {
                zero |= f == '0';
                left |= f == '-';
                plus |= f == '+';
                space |= f == ' ';
            }
            int width = 0;
            while (at(b, off, end, i) >= '0' && at(b, off, end, i) <= '9') {
                width = width * 10 + (at(b, off, end, i) - '0');
                i++;
            }
            long arg = args[spec++];
            char conv = at(b, off, end, i);
            String text;
            if (conv == 'p') {
                char ext = at(b, off, end, i + 1);
                char ext2 = at(b, off, end, i + 2);
                if ((ext == 'i' || ext == 'I') && (ext2 == '4' || ext2 == '6')) {
                    text = ipAddress(ctx, arg, ext == 'I', ext2 == '4' ? 4 : 16);
                    i = skipAlnum(b, off, end, i + 3) - 1; // vsprintf swallows further letters
                    pad(sb, text, width, left, false);
                    continue;
                } else if ((ext == 'k' || ext == 'u') && ext2 == 's') {
                    text = string(ctx, arg);
                    i = skipAlnum(b, off, end, i + 3) - 1;
                    pad(sb, text, width, left, false);
                    continue;
                } else if (ext == 'K' || ext == 'x') {
                    text = String.format("%016x", arg);
                    i++;
                } else if (ext == 's' || ext == 'S' || ext == 'B') {
                    text = "0x" + Long.toHexString(arg); // no kernel symbols to resolve
                    i++;
                } else {
                    text = String.format("%016x", arg);
                }
                char next = at(b, off, end, i + 1);
                if (next != 0 && !Character.isWhitespace(next) && !isPunct(next)) {
                    return null;
                }
            } else if (conv == 'c') {
                text = String.valueOf((char) (arg & 0xff));
            } else if (conv == 's') {
                text = string(ctx, arg);
            } else {
                int longs = 0;
                while (conv == 'l' && longs < 2) {
                    longs++;
                    conv = at(b, off, end, ++i);
                }
                long v = longs == 0 ? arg & 0xffffffffL : arg;
                switch (conv) {
                    case 'd', 'i' -> {
                        long s = longs == 0 ? (int) arg : arg;
                        text = (s >= 0 && plus ? "+" : s >= 0 && space ? " " : "") + s;
                    }
                    case 'u' -> text = Long.toUnsignedString(v);
                    case 'x' -> text = Long.toHexString(v);
                    case 'X' -> text = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    default -> {
                        return null;
                    }
                }
            }
            pad(sb, text, width, left, zero && !left && conv != 's' && conv != 'c');
        }
        return sb.length() > MAX_OUT ? sb.substring(0, MAX_OUT) : sb.toString();
    }

    private static void pad(StringBuilder sb, String text, int width, boolean left, boolean zero) {
        int fill = width - text.length();
        if (fill <= 0) {
            sb.append(text);
        } else if (left) {
            sb.append(text).append(" ".repeat(fill));
        } else if (zero) {
            int sign = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
            sb.append(text, 0, sign).append("0".repeat(fill)).append(text, sign, text.length());
        } else {
            sb.append(" ".repeat(fill)).append(text);
        }
    }

    private static int skipAlnum(byte[] b, int off, int end, int i) {
        while (Character.isLetterOrDigit(at(b, off, end, i))) {
            i++;
        }
        return i;
    }

    private static char at(byte[] b, int off, int end, int i) {
        return i < end ? (char) (b[off + i] & 0xff) : 0;
    }

    private static boolean isPunct(char c) {
        return c > 0x20 && c < 0x7f && !Character.isLetterOrDigit(c);
    }

    /** %pI4 / %pi4 / %pI6 / %pi6 of the bytes at {@code p}; all-zero address when unreadable, as the kernel. */
    private static String ipAddress(ExecutionContext ctx, long p, boolean dotted, int size) {
        byte[] a = new byte[size];
        MemoryRegion r = ctx.memory.region(Pointer.region(p));
        if (r != null && r.context == null && r.contains(Pointer.index(p), size)) {
            System.arraycopy(r.bytes, Pointer.index(p), a, 0, size);
        }
        StringBuilder sb = new StringBuilder();
        if (size == 4) {
            for (int k = 0; k < 4; k++) {
                if (k > 0) {
                    sb.append('.');
                }
                sb.append(dotted ? Integer.toString(a[k] & 0xff) : String.format("%03d", a[k] & 0xff));
            }
        } else {
            for (int k = 0; k < 16; k += 2) {
                if (k > 0 && dotted) {
                    sb.append(':');
                }
                sb.append(String.format("%02x%02x", a[k] & 0xff, a[k + 1] & 0xff));
            }
        }
        return sb.toString();
    }

    /** A NUL-terminated string from program memory; "" when the pointer is bad, as the kernel does. */
    private static String string(ExecutionContext ctx, long p) {
        MemoryRegion r = ctx.memory.region(Pointer.region(p));
        if (r == null || r.context != null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int i = Pointer.index(p);
        if (i < r.start || i >= r.end) {
            return "";
        }
        for (; i < r.end && r.bytes[i] != 0 && sb.length() < MAX_OUT; i++) {
            sb.append((char) (r.bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
