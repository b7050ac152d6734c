package io.lwtemu.node.topology;

import java.util.Locale;

/**
 * The units of topology files: durations {@code 10us 5ms 2s 1m}, packet rates {@code 1000pps 10kpps 1Mpps},
 * bit rates {@code 100Mbit 1Gbit 64kbit}, sizes in bytes. Parse methods return -1 for text they do not accept,
 * so the caller can report the location.
 */
public final class Units {
    private Units() {
    }

    /** Nanoseconds, or -1. A bare number is seconds. */
    public static long durationNs(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult;
        int cut;
        if (t.endsWith("ns")) {
            mult = 1;
            cut = 2;
        } else if (t.endsWith("us")) {
            mult = 1_000;
            cut = 2;
        } else if (t.endsWith("ms")) {
            mult = 1_000_000;
            cut = 2;
        } else if (t.endsWith("s")) {
            mult = 1_000_000_000L;
            cut = 1;
        } else if (t.endsWith("m")) {
            mult = 60_000_000_000L;
            cut = 1;
        } else {
            mult = 1_000_000_000L;
            cut = 0;
        }
        double v = number(t.substring(0, t.length() - cut));
        return v < 0 ? -1 : Math.round(v * mult);
    }

    /** Packets per second from {@code pps}/{@code kpps}/{@code Mpps}, or -1. */
    public static double packetRate(String s) {
        String t = s.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (!lower.endsWith("pps")) {
            return -1;
        }
        String n = t.substring(0, t.length() - 3);
        double mult = 1;
        if (n.endsWith("k") || n.endsWith("K")) {
            mult = 1e3;
            n = n.substring(0, n.length() - 1);
        } else if (n.endsWith("M")) {
            mult = 1e6;
            n = n.substring(0, n.length() - 1);
        }
        double v = number(n);
        return v < 0 ? -1 : v * mult;
    }

    /** Bits per second from {@code bit/kbit/Mbit/Gbit} (also {@code bps} spellings), or -1. */
    public static long bitRate(String s) {
        String t = s.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        String n;
        if (lower.endsWith("bit")) {
            n = t.substring(0, t.length() - 3);
        } else if (lower.endsWith("bps")) {
            n = t.substring(0, t.length() - 3);
        } else {
            return -1;
        }
        double mult = 1;
        if (!n.isEmpty()) {
            char c = Character.toLowerCase(n.charAt(n.length() - 1));
            if (c == 'k' || c == 'm' || c == 'g' || c == 't') {
                mult = switch (c) {
                    case 'k' -> 1e3;
                    case 'm' -> 1e6;
                    case 'g' -> 1e9;
                    default -> 1e12;
                };
                n = n.substring(0, n.length() - 1);
            }
        }
        double v = number(n);
        return v < 0 ? -1 : Math.round(v * mult);
    }

    private static double number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        try {
            double v = Double.parseDouble(s);
            return v < 0 || Double.isNaN(v) || Double.isInfinite(v) ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Formats nanoseconds the way the files write them (1.5ms, 200us, 2s). */
    public static String formatNs(long ns) {
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns >= 1_000_000) {
            return trim(ns / 1e6) + "ms";
        }
        if (ns >= 1_000) {
            return trim(ns / 1e3) + "us";
        }
        return ns + "ns";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
