package io.lwtemu.node.impair;

import java.util.Locale;

/**
 * Reads netem options the way tc's q_netem.c does (keywords, optional trailing numbers, tc's defaults), and
 * refuses what tc refuses, naming the token. Percentages may be written {@code 10%} or {@code 10}; times need a
 * unit ({@code ns us ms s}); rates take tc's units ({@code bit kbit mbit gbit}, {@code kibit}..., and
 * {@code bps kbps mbps} for bytes per second).
 */
final class NetemParser {
    private final String text;
    private final String[] tok;
    private int i;

    private int limit = NetemSpec.DEFAULT_LIMIT;
    private long latency;
    private long jitter;
    private double delayCorr;
    private Distribution dist = Distribution.UNIFORM;
    private int distToken = -1;
    private NetemSpec.Loss loss = NetemSpec.Loss.NONE;
    private double duplicate;
    private double duplicateCorr;
    private double corrupt;
    private double corruptCorr;
    private double reorder;
    private double reorderCorr;
    private int reorderToken = -1;
    private int gap;
    private int gapToken = -1;
    private long rate;
    private int packetOverhead;
    private int cellSize;
    private int cellOverhead;

    NetemParser(String text) {
        this.text = text == null ? "" : text.trim();
        this.tok = this.text.isEmpty() ? new String[0] : this.text.split("\\s+");
    }

    NetemSpec parse() {
        while (i < tok.length) {
            String k = tok[i].toLowerCase(Locale.ROOT);
            int at = i++;
            switch (k) {
                case "limit" -> limit = (int) unsigned(k, "a packet count", Integer.MAX_VALUE);
                case "delay", "latency" -> delay();
                case "distribution" -> {
                    String name = next(k, "uniform, normal, pareto or paretonormal");
                    dist = Distribution.byTcName(name.toLowerCase(Locale.ROOT));
                    if (dist == null) {
                        throw error(i - 1, "unknown distribution '" + name
                                + "', expected uniform, normal, pareto or paretonormal");
                    }
                    distToken = at;
                }
                case "loss", "drop" -> loss();
                case "duplicate" -> {
                    duplicate = percent(k);
                    duplicateCorr = nextIsNumber() ? percent(k + " correlation") : 0;
                }
                case "corrupt" -> {
                    corrupt = percent(k);
                    corruptCorr = nextIsNumber() ? percent(k + " correlation") : 0;
                }
                case "reorder" -> {
                    reorder = percent(k);
                    reorderCorr = nextIsNumber() ? percent(k + " correlation") : 0;
                    reorderToken = at;
                }
                case "gap" -> {
                    gap = (int) unsigned(k, "a packet count", Integer.MAX_VALUE);
                    gapToken = at;
                }
                case "rate" -> rate();
                case "ecn", "slot", "seed" -> throw error(at, "netem option '" + tok[at]
                        + "' is not supported by lwtemu (supported: limit, delay, distribution, loss, duplicate,"
                        + " corrupt, reorder, gap, rate)");
                default -> throw error(at, "unknown netem option '" + tok[at] + "', expected one of limit, delay,"
                        + " distribution, loss, duplicate, corrupt, reorder, gap, rate");
            }
        }
        if (distToken >= 0 && (latency == 0 || jitter == 0)) {
            throw error(distToken, "distribution needs a delay and a jitter, e.g. delay 100ms 10ms distribution "
                    + dist.tcName());
        }
        if (reorder > 0) {
            if (latency == 0) {
                throw error(reorderToken, "reordering is not possible without some delay (netem sends reordered"
                        + " packets ahead of delayed ones), e.g. delay 10ms reorder 25%");
            }
            if (gap == 0) {
                gap = 1;
            }
        } else if (gap > 0) {
            throw error(gapToken, "gap needs a reorder probability, e.g. reorder 25% gap 5");
        }
        return new NetemSpec(limit, latency, jitter, delayCorr, dist, loss, duplicate, duplicateCorr, corrupt,
                corruptCorr, reorder, reorderCorr, gap, rate, packetOverhead, cellSize, cellOverhead);
    }

    private void delay() {
        latency = time("delay");
        jitter = 0;
        delayCorr = 0;
        if (nextIsNumber()) {
            jitter = time("delay jitter");
            if (nextIsNumber()) {
                delayCorr = percent("delay correlation");
            }
        }
    }

    private void loss() {
        if (i >= tok.length) {
            throw error(i - 1, "loss needs a probability, e.g. loss 1%, loss random 1% 25%, loss state 1% 30%,"
                    + " loss gemodel 1% 10%");
        }
        String m = tok[i].toLowerCase(Locale.ROOT);
        switch (m) {
            case "random" -> {
                i++;
                double p = percent("loss random");
                loss = new NetemSpec.Loss.Random(p, nextIsNumber() ? percent("loss correlation") : 0);
            }
            case "state" -> {
                i++;
                double p13 = percent("loss state p13");
                double p31 = nextIsNumber() ? percent("loss state p31") : 1 - p13;
                double p32 = nextIsNumber() ? percent("loss state p32") : 0;
                double p23 = nextIsNumber() ? percent("loss state p23") : 1;
                double p14 = nextIsNumber() ? percent("loss state p14") : 0;
                loss = new NetemSpec.Loss.FourState(p13, p31, p32, p23, p14);
            }
            case "gemodel" -> {
                i++;
                double p = percent("loss gemodel p");
                double r = nextIsNumber() ? percent("loss gemodel r") : 1 - p;
                double h = nextIsNumber() ? percent("loss gemodel 1-h") : 1;
                double k = nextIsNumber() ? percent("loss gemodel 1-k") : 0;
                loss = new NetemSpec.Loss.GilbertElliott(p, r, h, k);
            }
            case "ecn" -> throw error(i, "netem option 'ecn' is not supported by lwtemu");
            default -> {
                if (!nextIsNumber()) {
                    throw error(i, "bad loss model '" + tok[i] + "', expected random, state, gemodel or a"
                            + " percentage like 1%");
                }
                double p = percent("loss");
                loss = new NetemSpec.Loss.Random(p, nextIsNumber() ? percent("loss correlation") : 0);
            }
        }
    }

    private void rate() {
        String t = next("rate", "a rate like 10mbit");
        rate = rate(t);
        if (rate <= 0) {
            throw error(i - 1, "bad rate '" + t + "', expected a rate like 10mbit, 1gbit, 500kbit or 1mbps"
                    + " (bytes per second)");
        }
        packetOverhead = 0;
        cellSize = 0;
        cellOverhead = 0;
        if (nextIsSignedNumber()) {
            packetOverhead = (int) signed("rate packetoverhead");
            if (nextIsNumber()) {
                cellSize = (int) unsigned("rate cellsize", "a cell size in bytes", 65535);
                if (nextIsSignedNumber()) {
                    cellOverhead = (int) signed("rate celloverhead");
                }
            }
        }
    }

    // ---------------------------------------------------------------- tokens

    private boolean nextIsNumber() {
        if (i >= tok.length || tok[i].isEmpty()) {
            return false;
        }
        char c = tok[i].charAt(0);
        return c >= '0' && c <= '9' || c == '.';
    }

    private boolean nextIsSignedNumber() {
        if (i >= tok.length || tok[i].isEmpty()) {
            return false;
        }
        String t = tok[i];
        return nextIsNumber() || t.length() > 1 && t.charAt(0) == '-' && Character.isDigit(t.charAt(1));
    }

    private String next(String option, String expected) {
        if (i >= tok.length) {
            throw error(i - 1, "'" + option + "' needs a value, expected " + expected);
        }
        return tok[i++];
    }

    private double percent(String option) {
        String t = next(option, "a percentage like 10%");
        String n = t.endsWith("%") ? t.substring(0, t.length() - 1) : t;
        double v;
        try {
            v = Double.parseDouble(n);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= 0 && v <= 100) || n.isEmpty() || !Character.isDigit(n.charAt(n.length() - 1))) {
            throw error(i - 1, "bad " + option + " '" + t + "', expected a percentage from 0% to 100%");
        }
        return v / 100;
    }

    private long time(String option) {
        String t = next(option, "a time like 100ms");
        String lower = t.toLowerCase(Locale.ROOT);
        int cut = 0;
        while (cut < lower.length() && (Character.isDigit(lower.charAt(cut)) || lower.charAt(cut) == '.')) {
            cut++;
        }
        double mult = switch (lower.substring(cut)) {
            case "s", "sec", "secs" -> 1e9;
            case "ms", "msec", "msecs" -> 1e6;
            case "us", "usec", "usecs" -> 1e3;
            case "ns", "nsec", "nsecs" -> 1;
            default -> -1;
        };
        double v = -1;
        if (cut > 0 && mult > 0) {
            try {
                v = Double.parseDouble(lower.substring(0, cut)) * mult;
            } catch (NumberFormatException e) {
                v = -1;
            }
        }
        if (v < 0 || v > Integer.MAX_VALUE * 1e3) {
            throw error(i - 1, "bad " + option + " '" + t + "', expected a time with unit like 100ms, 500us, 1s");
        }
        return Math.round(v);
    }

    private long unsigned(String option, String expected, long max) {
        String t = next(option, expected);
        try {
            long v = Long.parseLong(t);
            if (v >= 0 && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw error(i - 1, "bad " + option + " '" + t + "', expected " + expected + " from 0 to " + max);
    }

    private long signed(String option) {
        String t = next(option, "a byte count");
        try {
            long v = Long.parseLong(t);
            if (Math.abs(v) <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw error(i - 1, "bad " + option + " '" + t + "', expected a byte count from -65535 to 65535");
    }

    /** tc's get_rate64: bits per second, or -1. */
    static long rate(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        int cut = 0;
        while (cut < lower.length() && (Character.isDigit(lower.charAt(cut)) || lower.charAt(cut) == '.')) {
            cut++;
        }
        if (cut == 0) {
            return -1;
        }
        double scale = switch (lower.substring(cut)) {
            case "", "bit" -> 1;
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            case "gbit" -> 1e9;
            case "tbit" -> 1e12;
            case "kibit" -> 1024.0;
            case "mibit" -> 1024.0 * 1024;
            case "gibit" -> 1024.0 * 1024 * 1024;
            case "tibit" -> 1024.0 * 1024 * 1024 * 1024;
            case "bps" -> 8;
            case "kbps" -> 8e3;
            case "mbps" -> 8e6;
            case "gbps" -> 8e9;
            case "tbps" -> 8e12;
            case "kibps" -> 8 * 1024.0;
            case "mibps" -> 8 * 1024.0 * 1024;
            case "gibps" -> 8 * 1024.0 * 1024 * 1024;
            case "tibps" -> 8 * 1024.0 * 1024 * 1024 * 1024;
            default -> -1;
        };
        if (scale < 0) {
            return -1;
        }
        try {
            return Math.round(Double.parseDouble(lower.substring(0, cut)) * scale);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private NetemSyntaxException error(int token, String msg) {
        return new NetemSyntaxException(msg + (text.isEmpty() ? "" : " (in \"" + text + "\")"), token);
    }
}
