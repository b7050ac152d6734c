package io.lwtemu.node.config;

import io.lwtemu.node.config.ConfigCommand.AddrAdd;
import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.LinkSet;
import io.lwtemu.node.config.ConfigCommand.RouteCmd;
import io.lwtemu.node.config.ConfigCommand.RuleCmd;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Prefix;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.fib.RoutingRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses the iproute2 commands people put in router setup scripts, one per line, into {@link ConfigCommand}s.
 * Validates what iproute2 or the kernel would refuse (host bits in a prefix, LWT headroom above 256, an
 * {@code encap bpf} without any hook, wrong address families) and reports it as a {@link ConfigException}
 * naming line and column. {@code #} starts a comment; a trailing {@code \} continues a line.
 *
 * <p>Hand-written because no Java library speaks iproute2's grammar; it is a flat keyword/value language.
 */
public final class IpCommandParser {
    private static final Pattern LINE_BREAK = Pattern.compile("\r?\n");

    private final Path file;
    private final boolean checkObjectsExist;

    /**
     * @param file the config file (used in messages and to resolve object paths), may be null for inline text
     * @param checkObjectsExist whether {@code obj FILE} must name an existing file
     */
    public IpCommandParser(Path file, boolean checkObjectsExist) {
        this.file = file;
        this.checkObjectsExist = checkObjectsExist;
    }

    /** Reads and parses a config file; object paths are relative to its folder. */
    public static List<ConfigCommand> parseFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file, 0, 0, "cannot read config file: " + e.getMessage());
        }
        return new IpCommandParser(file, true).parse(text);
    }

    public List<ConfigCommand> parse(String text) {
        List<ConfigCommand> out = new ArrayList<>();
        String[] lines = LINE_BREAK.split(text, -1);
        StringBuilder pending = null;
        int pendingLine = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int hash = l.indexOf('#');
            if (hash >= 0) {
                l = l.substring(0, hash);
            }
            if (pending != null) {
                // Continuation: keep columns meaningful only for the first physical line.
                pending.append(' ').append(l);
            }
            String cur = pending != null ? pending.toString() : l;
            if (cur.stripTrailing().endsWith("\\")) {
                if (pending == null) {
                    pending = new StringBuilder(cur.stripTrailing());
                    pendingLine = i + 1;
                }
                pending.setLength(pending.toString().stripTrailing().length() - 1);
                continue;
            }
            int lineNo = pending != null ? pendingLine : i + 1;
            pending = null;
            Tokens t = Tokens.of(cur, lineNo);
            if (t.atEnd()) {
                continue;
            }
            out.add(parseLine(t));
        }
        return out;
    }

    /** Parses one command line (for the CLI and tests). */
    public ConfigCommand parseLine(String line, int lineNo) {
        Tokens t = Tokens.of(line, lineNo);
        if (t.atEnd()) {
            throw error(t, "expected a command, got an empty line");
        }
        return parseLine(t);
    }

    private ConfigCommand parseLine(Tokens t) {
        String first = t.next();
        if (!first.equals("ip")) {
            throw error(t, t.lastColumn(), "unknown command '" + first + "', expected 'ip'");
        }
        Family family = null;
        while (t.peek() != null && t.peek().startsWith("-")) {
            String opt = t.next();
            switch (opt) {
                case "-4" -> family = Family.INET;
                case "-6" -> family = Family.INET6;
                default -> throw error(t, t.lastColumn(), "unknown option '" + opt + "', expected -4 or -6");
            }
        }
        String object = expectWord(t, "an object (addr, link, route, rule, tunnel, fou, sr)");
        String cmd;
        if (matches(object, "address", 1)) {
            cmd = expectWord(t, "'add'");
            if (!cmd.equals("add")) {
                throw unknown(t, cmd, "ip addr", "add");
            }
            return parseAddrAdd(t, family);
        } else if (matches(object, "route", 1)) {
            cmd = expectWord(t, "'add', 'del' or 'replace'");
            RouteCmd.Op op = switch (cmd) {
                case "add", "a" -> RouteCmd.Op.ADD;
                case "del", "delete", "d" -> RouteCmd.Op.DEL;
                case "replace" -> RouteCmd.Op.REPLACE;
                default -> throw unknown(t, cmd, "ip route", "add, del, replace");
            };
            return parseRoute(t, family, op);
        } else if (matches(object, "rule", 2)) {
            cmd = expectWord(t, "'add' or 'del'");
            boolean add = switch (cmd) {
                case "add", "a" -> true;
                case "del", "delete", "d" -> false;
                default -> throw unknown(t, cmd, "ip rule", "add, del");
            };
            return parseRule(t, family, add);
        } else if (matches(object, "link", 1)) {
            cmd = expectWord(t, "'set' or 'add'");
            return switch (cmd) {
                case "set" -> parseLinkSet(t);
                case "add" -> parseLinkAdd(t);
                default -> throw unknown(t, cmd, "ip link", "set, add");
            };
        } else if (matches(object, "tunnel", 1) || object.equals("tunl")) {
            cmd = expectWord(t, "'add'");
            if (!cmd.equals("add") && !cmd.equals("a")) {
                throw unknown(t, cmd, "ip tunnel", "add");
            }
            return parseTunnelAdd(t, family);
        } else if (object.equals("sr")) {
            return parseSr(t);
        } else if (object.equals("fou")) {
            cmd = expectWord(t, "'add'");
            if (!cmd.equals("add")) {
                throw unknown(t, cmd, "ip fou", "add");
            }
            return parseFou(t, family == null ? Family.INET : family);
        }
        throw unknown(t, object, "ip", "addr, link, route, rule, tunnel, fou, sr");
    }

    /** iproute2's matches(): a non-empty prefix of the full word, at least {@code min} chars. */
    private static boolean matches(String word, String full, int min) {
        return word.length() >= min && full.startsWith(word);
    }

    // ---------------------------------------------------------------- ip addr

    private AddrAdd parseAddrAdd(Tokens t, Family family) {
        int col = t.column();
        String a = expectWord(t, "an address like 10.0.1.1/24");
        int slash = a.indexOf('/');
        IpAddress addr = address(t, col, slash < 0 ? a : a.substring(0, slash), family);
        int len = addr.family().bits;
        if (slash >= 0) {
            len = prefixLength(t, col, a.substring(slash + 1), addr.family());
        }
        String dev = null;
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "dev" -> dev = expectWord(t, "a device name after 'dev'");
                case "brd", "broadcast", "label", "scope" -> expectWord(t, "a value after '" + k + "'"); // not modelled
                case "nodad" -> { } // no duplicate address detection here: addresses are usable at once anyway
                default -> throw unknown(t, k, "ip addr add", "dev, brd, label, scope, nodad");
            }
        }
        if (dev == null) {
            throw error(t, t.endColumn(), "Not enough information: \"dev\" argument is required.");
        }
        return new AddrAdd(t.line, addr, len, dev);
    }

    // ---------------------------------------------------------------- ip link

    private LinkSet parseLinkSet(Tokens t) {
        String dev = null;
        Boolean up = null;
        Integer mtu = null;
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "dev" -> dev = expectWord(t, "a device name after 'dev'");
                case "up" -> up = true;
                case "down" -> up = false;
                case "mtu" -> {
                    int col = t.column();
                    long v = number(t, "an MTU after 'mtu'");
                    if (v < 68 || v > 65535) {
                        throw error(t, col, "mtu " + v + " out of range, expected 68..65535");
                    }
                    mtu = (int) v;
                }
                default -> {
                    if (dev == null && !isKeyword(k)) {
                        dev = k;
                    } else {
                        throw unknown(t, k, "ip link set", "dev, up, down, mtu");
                    }
                }
            }
        }
        if (dev == null) {
            throw error(t, t.endColumn(), "Not enough information: \"dev\" argument is required.");
        }
        if (up == null && mtu == null) {
            throw error(t, t.endColumn(), "expected up, down or mtu N");
        }
        return new LinkSet(t.line, dev, up, mtu);
    }

    private static boolean isKeyword(String k) {
        return k.equals("mtu") || k.equals("up") || k.equals("down") || k.equals("dev");
    }

    /** What {@code ip link add} and {@code ip tunnel add} collect before building a {@link TunnelAdd}. */
    private static final class TunnelOpts {
        String name;
        TunnelKind kind;
        IpAddress local;
        IpAddress remote;
        long ikey = -1;
        long okey = -1;
        String mode;
        int ttl = -1;
        int vni = -1;
        int dstPort = -1;
        String dev;
        int localCol;
        int remoteCol;
        boolean icsum;
        boolean ocsum;
        boolean iseq;
        boolean oseq;
        boolean gre;
        ConfigCommand.UdpEncap encap = ConfigCommand.UdpEncap.NONE;
        int encapSport;
        int encapDport = -1;
    }

    private TunnelAdd parseLinkAdd(Tokens t) {
        TunnelOpts o = new TunnelOpts();
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "name" -> o.name = expectWord(t, "a device name after 'name'");
                case "type" -> {
                    String ty = expectWord(t, "a link type after 'type'");
                    try {
                        o.kind = TunnelKind.valueOf(ty.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw error(t, t.lastColumn(), "unsupported link type '" + ty
                                + "', expected gre, ipip, sit, ip6tnl, ip6gre or vxlan");
                    }
                }
                case "mode" -> {
                    o.mode = expectWord(t, "a tunnel mode after 'mode'");
                    if (!List.of("ipip", "ip6ip6", "ip6ip", "ipip6", "any").contains(o.mode)) {
                        throw error(t, t.lastColumn(), "unknown tunnel mode '" + o.mode
                                + "', expected ipip, ip6ip6, ip6ip, ipip6 or any");
                    }
                }
                case "id", "vni" -> {
                    int col = t.column();
                    long v = number(t, "a VXLAN network identifier after '" + k + "'");
                    if (v >= (1 << 24)) {
                        throw error(t, col, "invalid id " + v + ", expected 0..16777215");
                    }
                    o.vni = (int) v;
                }
                case "dstport" -> {
                    int col = t.column();
                    long v = number(t, "a UDP port after 'dstport'");
                    if (v > 65535) {
                        throw error(t, col, "invalid dstport " + v + ", expected 0..65535");
                    }
                    o.dstPort = (int) v;
                }
                default -> {
                    if (tunnelOption(t, k, o)) {
                        break;
                    }
                    if (o.name == null && o.kind == null) {
                        o.name = k;
                    } else {
                        throw unknown(t, k, "ip link add", "type, local, remote, key, ikey, okey, csum, icsum, "
                                + "ocsum, seq, iseq, oseq, mode, ttl, id, dstport, encap, encap-sport, encap-dport, "
                                + "dev");
                    }
                }
            }
        }
        if (o.name == null) {
            throw error(t, t.endColumn(), "expected a device name after 'ip link add'");
        }
        if (o.kind == null) {
            throw error(t, t.endColumn(), "expected 'type gre|ipip|sit|ip6tnl|ip6gre|vxlan'");
        }
        if (o.mode != null && o.kind != TunnelKind.IP6TNL && o.kind != TunnelKind.SIT) {
            throw error(t, t.endColumn(), "'mode' is only supported by ip6tnl and sit tunnels");
        }
        if (o.kind == TunnelKind.VXLAN) {
            if (o.vni < 0) {
                throw error(t, t.endColumn(), "vxlan: missing virtual network identifier (id N)");
            }
            if (o.dstPort < 0) {
                o.dstPort = 8472; // Linux's default when iproute2 is not told (it warns about the non-IANA value)
            }
        } else if (o.vni >= 0 || o.dstPort >= 0) {
            throw error(t, t.endColumn(), "'id' and 'dstport' are only supported by vxlan");
        }
        return tunnelAdd(t, o);
    }

    /**
     * {@code ip [-6] tunnel add [name] NAME mode MODE [local A] [remote B] [key K] [ttl N] ...} (iptunnel.c,
     * ip6tunnel.c): the same devices as {@code ip link add}, named by mode. IPv4 modes: gre, ipip, sit; IPv6
     * modes: ip6gre, ip6ip6, ipip6, any; {@code -6} without a mode is ip6ip6.
     */
    private TunnelAdd parseTunnelAdd(Tokens t, Family family) {
        TunnelOpts o = new TunnelOpts();
        int modeCol = 0;
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "name" -> o.name = expectWord(t, "a device name after 'name'");
                case "mode" -> {
                    modeCol = t.column();
                    String m = expectWord(t, "a tunnel mode after 'mode'");
                    switch (m) {
                        case "gre", "gre/ip" -> o.kind = TunnelKind.GRE;
                        case "ipip", "ip/ip" -> o.kind = TunnelKind.IPIP;
                        case "sit", "ipv6/ip" -> o.kind = TunnelKind.SIT;
                        case "ip6gre", "gre/ipv6" -> o.kind = TunnelKind.IP6GRE;
                        case "ip6ip6", "ipv6/ipv6" -> {
                            o.kind = TunnelKind.IP6TNL;
                            o.mode = "ip6ip6";
                        }
                        case "ipip6", "ip/ipv6" -> {
                            o.kind = TunnelKind.IP6TNL;
                            o.mode = "ipip6";
                        }
                        case "any", "any/ipv6" -> {
                            o.kind = TunnelKind.IP6TNL;
                            o.mode = "any";
                        }
                        default -> throw error(t, modeCol, "unknown tunnel mode '" + m
                                + "', expected gre, ipip, sit, ip6gre, ip6ip6, ipip6 or any");
                    }
                }
                default -> {
                    if (tunnelOption(t, k, o)) {
                        break;
                    }
                    if (o.name == null) {
                        o.name = k;
                    } else {
                        throw unknown(t, k, "ip tunnel add", "name, mode, local, remote, key, ikey, okey, csum, "
                                + "icsum, ocsum, seq, iseq, oseq, ttl, hoplimit, dev");
                    }
                }
            }
        }
        if (o.name == null) {
            throw error(t, t.endColumn(), "expected a device name after 'ip tunnel add'");
        }
        if (o.kind == null) {
            if (family != Family.INET6) {
                throw error(t, t.endColumn(), "cannot determine tunnel mode (ipip, gre or sit): expected 'mode M'");
            }
            o.kind = TunnelKind.IP6TNL;
            o.mode = "ip6ip6";
        }
        if (family != null && o.kind.outerFamily != family) {
            throw error(t, modeCol == 0 ? t.endColumn() : modeCol, "mode of an "
                    + (family == Family.INET ? "IPv4" : "IPv6") + " tunnel expected with '"
                    + (family == Family.INET ? "-4" : "-6") + "'");
        }
        return tunnelAdd(t, o);
    }

    /** The options {@code ip link add} and {@code ip tunnel add} share; false when {@code k} is none of them. */
    private boolean tunnelOption(Tokens t, String k, TunnelOpts o) {
        switch (k) {
            case "local" -> {
                o.localCol = t.column();
                o.local = address(t, o.localCol, expectWord(t, "an address after 'local'"), null);
            }
            case "remote" -> {
                o.remoteCol = t.column();
                o.remote = address(t, o.remoteCol, expectWord(t, "an address after 'remote'"), null);
            }
            case "key" -> {
                o.ikey = key(t);
                o.okey = o.ikey;
            }
            case "ikey" -> o.ikey = key(t);
            case "okey" -> o.okey = key(t);
            case "csum" -> {
                o.icsum = true;
                o.ocsum = true;
                o.gre = true;
            }
            case "icsum" -> o.icsum = o.gre = true;
            case "ocsum" -> o.ocsum = o.gre = true;
            case "seq" -> {
                o.iseq = true;
                o.oseq = true;
                o.gre = true;
            }
            case "iseq" -> o.iseq = o.gre = true;
            case "oseq" -> o.oseq = o.gre = true;
            case "ttl", "hoplimit" -> {
                int col = t.column();
                String w = expectWord(t, "a TTL after '" + k + "'");
                if (w.equals("inherit")) {
                    o.ttl = 0;
                } else {
                    long v = u32(t, col, w, "a TTL");
                    if (v > 255) {
                        throw error(t, col, "TTL " + v + " out of range, expected 0..255");
                    }
                    o.ttl = (int) v;
                }
            }
            case "encap" -> {
                int col = t.column();
                String e = expectWord(t, "fou, gue or none after 'encap'");
                o.encap = switch (e) {
                    case "fou" -> ConfigCommand.UdpEncap.FOU;
                    case "gue" -> ConfigCommand.UdpEncap.GUE;
                    case "none" -> ConfigCommand.UdpEncap.NONE;
                    default -> throw error(t, col, "unknown encap '" + e + "', expected fou, gue or none");
                };
            }
            case "encap-sport" -> {
                int col = t.column();
                String w = expectWord(t, "a UDP port or 'auto' after 'encap-sport'");
                o.encapSport = w.equals("auto") ? 0 : port(t, col, w, "encap-sport");
            }
            case "encap-dport" -> {
                int col = t.column();
                o.encapDport = port(t, col, expectWord(t, "a UDP port after 'encap-dport'"), "encap-dport");
            }
            case "encap-csum", "noencap-csum", "encap-udp6-csum", "noencap-udp6-csum", "encap-remcsum",
                    "noencap-remcsum" -> { } // UDP checksums of the encapsulation: not modelled
            case "dev" -> o.dev = expectWord(t, "a device name after 'dev'");
            default -> {
                return false;
            }
        }
        return true;
    }

    private int port(Tokens t, int col, String w, String what) {
        long v = u32(t, col, w, "a UDP port");
        if (v < 1 || v > 65535) {
            throw error(t, col, "invalid " + what + " " + v + ", expected 1..65535");
        }
        return (int) v;
    }

    private TunnelAdd tunnelAdd(Tokens t, TunnelOpts o) {
        TunnelKind kind = o.kind;
        if (kind.outerFamily != null) {
            checkFamily(t, o.localCol, o.local, kind.outerFamily, kind);
            checkFamily(t, o.remoteCol, o.remote, kind.outerFamily, kind);
        } else if (o.local != null && o.remote != null && o.local.family() != o.remote.family()) {
            throw error(t, o.remoteCol, "remote and local must be of the same address family");
        }
        boolean gre = kind == TunnelKind.GRE || kind == TunnelKind.IP6GRE;
        if ((o.ikey >= 0 || o.okey >= 0) && !gre) {
            throw error(t, t.endColumn(), "keys are only supported by gre and ip6gre tunnels");
        }
        if (o.gre && !gre) {
            throw error(t, t.endColumn(), "csum and seq are only supported by gre and ip6gre tunnels");
        }
        if (o.encap != ConfigCommand.UdpEncap.NONE) {
            if (kind != TunnelKind.GRE && kind != TunnelKind.IPIP && kind != TunnelKind.SIT) {
                throw error(t, t.endColumn(), "encap fou/gue is only supported by gre, ipip and sit tunnels");
            }
            if (o.encapDport < 0) {
                throw error(t, t.endColumn(), "encap " + o.encap.name().toLowerCase(Locale.ROOT)
                        + " needs 'encap-dport PORT'");
            }
        } else if (o.encapDport >= 0 || o.encapSport > 0) {
            throw error(t, t.endColumn(), "encap-sport/encap-dport need 'encap fou' or 'encap gue'");
        }
        return new TunnelAdd(t.line, o.name, kind, o.local, o.remote, o.ikey, o.okey, o.mode, o.ttl, o.vni,
                o.dstPort, o.dev, o.icsum, o.ocsum, o.iseq, o.oseq, o.encap, o.encapSport, o.encapDport);
    }

    /** {@code ip sr tunsrc set ADDR} (ipseg6.c): an IPv6 address. */
    private ConfigCommand parseSr(Tokens t) {
        String what = expectWord(t, "'tunsrc'");
        if (!what.equals("tunsrc")) {
            throw unknown(t, what, "ip sr", "tunsrc");
        }
        String set = expectWord(t, "'set'");
        if (!set.equals("set")) {
            throw unknown(t, set, "ip sr tunsrc", "set");
        }
        int col = t.column();
        IpAddress a = address(t, col, expectWord(t, "an IPv6 address after 'set'"), Family.INET6);
        if (!t.atEnd()) {
            throw error(t, "unexpected '" + t.peek() + "' after the address");
        }
        return new ConfigCommand.SrTunsrc(t.line, a);
    }

    private void checkFamily(Tokens t, int col, IpAddress a, Family f, TunnelKind kind) {
        if (a != null && a.family() != f) {
            throw error(t, col, kind.name().toLowerCase(Locale.ROOT) + " tunnel needs an "
                    + (f == Family.INET ? "IPv4" : "IPv6") + " address, got " + a);
        }
    }

    /** A GRE key: a number or a dotted quad, as iproute2's tnl_parse_key. */
    private long key(Tokens t) {
        int col = t.column();
        String s = expectWord(t, "a key");
        if (s.indexOf('.') >= 0) {
            try {
                return IpAddress.parse(s).v4() & 0xffffffffL;
            } catch (IllegalArgumentException e) {
                throw error(t, col, "invalid key '" + s + "', expected a number or a dotted quad");
            }
        }
        return u32(t, col, s, "a key");
    }

    // ---------------------------------------------------------------- ip fou

    private FouAdd parseFou(Tokens t, Family family) {
        int port = -1;
        int proto = -1;
        boolean gue = false;
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "port" -> {
                    int col = t.column();
                    long v = number(t, "a UDP port after 'port'");
                    if (v < 1 || v > 65535) {
                        throw error(t, col, "invalid port " + v + ", expected 1..65535");
                    }
                    port = (int) v;
                }
                case "ipproto" -> {
                    int col = t.column();
                    String p = expectWord(t, "a protocol after 'ipproto'");
                    proto = switch (p) {
                        case "4", "ipip" -> 4;
                        case "41", "ipv6" -> 41;
                        case "47", "gre" -> 47;
                        default -> throw error(t, col, "unsupported ipproto '" + p + "', expected 4, 41 or 47");
                    };
                }
                case "gue" -> gue = true;
                default -> throw unknown(t, k, "ip fou add", "port, ipproto, gue");
            }
        }
        if (port < 0) {
            throw error(t, t.endColumn(), "fou: missing port");
        }
        if (gue && proto >= 0) {
            throw error(t, t.endColumn(), "fou: 'gue' and 'ipproto' exclude each other (GUE carries the protocol)");
        }
        if (proto < 0 && !gue) {
            throw error(t, t.endColumn(), "fou: missing ipproto (or gue)");
        }
        return new FouAdd(t.line, family, port, proto, gue);
    }

    // ---------------------------------------------------------------- ip rule

    /** {@code family} null: taken from the first from/to prefix (as iproute2 does), else IPv4. */
    private RuleCmd parseRule(Tokens t, Family family, boolean add) {
        int priority = -1;
        Prefix from = null;
        Prefix to = null;
        int fwmark = 0;
        int fwmask = 0;
        String iif = null;
        String oif = null;
        RoutingRule.Action action = null;
        int table = 0;
        while (!t.atEnd()) {
            String k = t.next();
            switch (k) {
                case "from" -> {
                    from = rulePrefix(t, family, "from");
                    family = from != null ? from.family() : family;
                }
                case "to" -> {
                    to = rulePrefix(t, family, "to");
                    family = to != null ? to.family() : family;
                }
                case "fwmark" -> {
                    int col = t.column();
                    String v = expectWord(t, "a mark after 'fwmark'");
                    int slash = v.indexOf('/');
                    fwmark = (int) u32(t, col, slash < 0 ? v : v.substring(0, slash), "a mark");
                    fwmask = slash < 0 ? -1 : (int) u32(t, col, v.substring(slash + 1), "a mask");
                }
                case "iif", "dev" -> iif = expectWord(t, "a device name after '" + k + "'");
                case "oif" -> oif = expectWord(t, "a device name after 'oif'");
                case "priority", "pref", "preference", "order" -> {
                    int col = t.column();
                    priority = (int) u32(t, col, expectWord(t, "a priority after '" + k + "'"), "a priority");
                }
                case "lookup", "table" -> {
                    table = table(t, k);
                    action = RoutingRule.Action.TO_TBL;
                }
                case "unreachable" -> action = RoutingRule.Action.UNREACHABLE;
                case "prohibit" -> action = RoutingRule.Action.PROHIBIT;
                case "blackhole" -> action = RoutingRule.Action.BLACKHOLE;
                default -> throw unknown(t, k, "ip rule",
                        "from, to, fwmark, iif, oif, priority, lookup, unreachable, prohibit, blackhole");
            }
        }
        if (action == null) {
            if (add) {
                throw error(t, t.endColumn(), "expected 'lookup TABLE' (or unreachable/prohibit/blackhole)");
            }
            action = RoutingRule.Action.TO_TBL;
            table = Route.TABLE_MAIN;
        }
        if (add && priority == 0) {
            throw error(t, t.endColumn(), "priority 0 is reserved for the local table rule");
        }
        if (family == null) {
            family = Family.INET;
        }
        return new RuleCmd(t.line, add, new RoutingRule(family, priority, from, to, fwmark, fwmask, iif, oif,
                action, table));
    }

    private Prefix rulePrefix(Tokens t, Family family, String what) {
        int col = t.column();
        String s = expectWord(t, "a prefix after '" + what + "'");
        if (s.equals("all")) {
            return null;
        }
        Prefix p = prefix(t, col, s, family);
        return p.length() == 0 ? null : p;
    }

    // ---------------------------------------------------------------- ip route

    private RouteCmd parseRoute(Tokens t, Family family, RouteCmd.Op op) {
        RouteType type = RouteType.UNICAST;
        Prefix prefix = null;
        IpAddress via = null;
        String dev = null;
        IpAddress src = null;
        int metric = -1;
        int table = -1;
        int mtu = 0;
        int realm = 0;
        EncapSpec encap = null;
        int viaCol = 0;
        int srcCol = 0;
        int encapCol = 0;
        while (!t.atEnd()) {
            int col = t.column();
            String k = t.next();
            switch (k) {
                case "via" -> {
                    viaCol = t.column();
                    String a = expectWord(t, "a gateway address after 'via'");
                    if ((a.equals("inet") || a.equals("inet6")) && !t.atEnd()) {
                        viaCol = t.column();
                        a = t.next();
                    }
                    via = address(t, viaCol, a, null);
                }
                case "dev", "oif" -> dev = expectWord(t, "a device name after '" + k + "'");
                case "src" -> {
                    srcCol = t.column();
                    src = address(t, srcCol, expectWord(t, "an address after 'src'"), null);
                }
                case "metric", "priority", "preference" -> {
                    int c = t.column();
                    metric = (int) u32(t, c, expectWord(t, "a number after '" + k + "'"), "a metric");
                }
                case "table" -> table = table(t, k);
                case "mtu" -> {
                    int c = t.column();
                    String v = expectWord(t, "a number after 'mtu'");
                    if (v.equals("lock")) {
                        c = t.column();
                        v = expectWord(t, "a number after 'mtu lock'");
                    }
                    long m = u32(t, c, v, "an MTU");
                    if (m < 68 || m > 65535) {
                        throw error(t, c, "mtu " + m + " out of range, expected 68..65535");
                    }
                    mtu = (int) m;
                }
                case "realm", "realms" -> {
                    int c = t.column();
                    long r = u32(t, c, expectWord(t, "a realm after '" + k + "'"), "a realm");
                    if (r > 255) {
                        throw error(t, c, "invalid realm " + r + ", expected 0..255");
                    }
                    realm = (int) r;
                }
                case "encap" -> {
                    encapCol = col;
                    encap = parseEncap(t, col);
                }
                case "unicast", "local", "unreachable", "blackhole", "prohibit" -> {
                    if (prefix != null) {
                        throw error(t, col, "route type '" + k + "' must come before the prefix");
                    }
                    type = RouteType.valueOf(k.toUpperCase(Locale.ROOT));
                }
                case "proto", "scope" -> expectWord(t, "a value after '" + k + "'"); // accepted, not modelled
                case "onlink" -> {
                }
                default -> {
                    if (prefix == null && (k.equals("default") || looksLikeAddress(k))) {
                        prefix = prefix(t, col, k, family);
                    } else if (prefix == null) {
                        throw error(t, col, "expected a prefix (like 10.0.0.0/24 or default), got '" + k + "'");
                    } else {
                        throw unknown(t, k, "ip route",
                                "via, dev, src, metric, table, mtu, realm, encap, proto, scope, onlink");
                    }
                }
            }
        }
        if (prefix == null) {
            throw error(t, t.endColumn(), "expected a prefix (like 10.0.0.0/24 or default)");
        }
        Family f = prefix.family();
        if (via != null && via.family() != f) {
            throw error(t, viaCol, "gateway " + via + " is not an " + (f == Family.INET ? "IPv4" : "IPv6")
                    + " address like the prefix " + prefix);
        }
        if (src != null && src.family() != f) {
            throw error(t, srcCol, "src " + src + " is not of the prefix's address family");
        }
        if (op != RouteCmd.Op.DEL && type == RouteType.UNICAST && via == null && dev == null
                && !(encap instanceof EncapSpec.Seg6Local)) {
            throw error(t, t.endColumn(), "unicast route needs 'via ADDR' or 'dev IF'");
        }
        if (type.isError() && op != RouteCmd.Op.DEL && (via != null || dev != null || encap != null)) {
            throw error(t, encapCol != 0 ? encapCol : t.endColumn(),
                    "Gateway, device and encap can not be specified for this route type ("
                    + type.name().toLowerCase(Locale.ROOT) + ")");
        }
        if (encap instanceof EncapSpec.Seg6 s6 && s6.mode() == EncapSpec.Seg6.Mode.INLINE && f != Family.INET6) {
            throw error(t, encapCol, "seg6 mode inline needs an IPv6 route (-EINVAL)");
        }
        if (encap instanceof EncapSpec.Seg6Local && f != Family.INET6) {
            throw error(t, encapCol, "encap seg6local needs an IPv6 route (-EINVAL)");
        }
        int tbl = table >= 0 ? table : type == RouteType.LOCAL ? Route.TABLE_LOCAL : Route.TABLE_MAIN;
        return new RouteCmd(t.line, op, type, prefix, via, dev, src, metric, tbl, mtu, realm, encap);
    }

    private static boolean looksLikeAddress(String s) {
        return !s.isEmpty() && (Character.digit(s.charAt(0), 16) >= 0 || s.charAt(0) == ':');
    }

    private EncapSpec parseEncap(Tokens t, int encapCol) {
        String kind = expectWord(t, "an encap type (bpf, seg6, seg6local) after 'encap'");
        return switch (kind) {
            case "bpf" -> parseBpfEncap(t, encapCol);
            case "seg6" -> parseSeg6(t);
            case "seg6local" -> parseSeg6Local(t);
            default -> throw error(t, t.lastColumn(), "unsupported encap type '" + kind
                    + "', expected bpf, seg6 or seg6local");
        };
    }

    private EncapSpec.Bpf parseBpfEncap(Tokens t, int encapCol) {
        ProgRef in = null;
        ProgRef out = null;
        ProgRef xmit = null;
        int headroom = 0;
        hooks:
        while (t.peek() != null) {
            String k = t.peek();
            switch (k) {
                case "in" -> {
                    t.next();
                    in = progRef(t, "in");
                }
                case "out" -> {
                    t.next();
                    out = progRef(t, "out");
                }
                case "xmit" -> {
                    t.next();
                    xmit = progRef(t, "xmit");
                }
                case "headroom" -> {
                    t.next();
                    int col = t.column();
                    long h = u32(t, col, expectWord(t, "a byte count after 'headroom'"), "a headroom");
                    if (h > EncapSpec.Bpf.MAX_HEADROOM) {
                        throw error(t, col, "headroom " + h + " exceeds LWT_BPF_MAX_HEADROOM "
                                + EncapSpec.Bpf.MAX_HEADROOM + ": -ERANGE (Numerical result out of range)");
                    }
                    headroom = (int) h;
                }
                default -> {
                    break hooks;
                }
            }
        }
        if (in == null && out == null && xmit == null) {
            throw error(t, encapCol, "encap bpf needs at least one of in, out, xmit: -EINVAL (Invalid argument)");
        }
        return new EncapSpec.Bpf(in, out, xmit, headroom);
    }

    private ProgRef progRef(Tokens t, String hook) {
        String k = expectWord(t, "'obj FILE' after '" + hook + "'");
        if (!k.equals("obj")) {
            throw error(t, t.lastColumn(), "expected 'obj FILE' after '" + hook + "', got '" + k + "'");
        }
        int objCol = t.column();
        String obj = expectWord(t, "an object file after 'obj'");
        String section = null;
        if ("section".equals(t.peek()) || "sec".equals(t.peek())) {
            t.next();
            section = expectWord(t, "a section name after 'section'");
        }
        if (section == null) {
            // iproute2's default section name (bpf_prog_to_default_section): the program type's name.
            section = hook.equals("endpoint") ? "lwt_seg6local" : "lwt_" + hook;
        }
        Path base = file == null ? null : file.toAbsolutePath().getParent();
        Path p = base == null ? Path.of(obj) : base.resolve(obj).normalize();
        if (checkObjectsExist && !Files.isRegularFile(p)) {
            throw error(t, objCol, "object file '" + obj + "' not found (looked at " + p + ")");
        }
        return new ProgRef(p, section);
    }

    private EncapSpec.Seg6 parseSeg6(Tokens t) {
        EncapSpec.Seg6.Mode mode = EncapSpec.Seg6.Mode.ENCAP;
        List<IpAddress> segs = null;
        while (t.peek() != null && (t.peek().equals("mode") || t.peek().equals("segs"))) {
            String k = t.next();
            if (k.equals("mode")) {
                String m = expectWord(t, "a seg6 mode after 'mode'");
                mode = switch (m) {
                    case "encap" -> EncapSpec.Seg6.Mode.ENCAP;
                    case "inline" -> EncapSpec.Seg6.Mode.INLINE;
                    case "l2encap" -> EncapSpec.Seg6.Mode.L2ENCAP;
                    default -> throw error(t, t.lastColumn(), "unknown seg6 mode '" + m
                            + "', expected encap, inline or l2encap");
                };
            } else {
                int col = t.column();
                String list = expectWord(t, "a comma-separated segment list after 'segs'");
                segs = new ArrayList<>();
                int c = col;
                for (String s : list.split(",", -1)) {
                    IpAddress a = address(t, c, s, Family.INET6);
                    segs.add(a);
                    c += s.length() + 1;
                }
            }
        }
        if (segs == null) {
            throw error(t, t.endColumn(), "encap seg6 needs 'segs A,B,...'");
        }
        return new EncapSpec.Seg6(mode, List.copyOf(segs));
    }

    private EncapSpec.Seg6Local parseSeg6Local(Tokens t) {
        String k = expectWord(t, "'action' after 'seg6local'");
        if (!k.equals("action")) {
            throw error(t, t.lastColumn(), "expected 'action' after 'seg6local', got '" + k + "'");
        }
        int actionCol = t.column();
        String a = expectWord(t, "a seg6local action after 'action'");
        EncapSpec.Seg6Local.Action action = null;
        for (EncapSpec.Seg6Local.Action x : EncapSpec.Seg6Local.Action.values()) {
            if (x.spelling.equals(a)) {
                action = x;
            }
        }
        if (action == null) {
            throw error(t, actionCol, "unknown seg6local action '" + a
                    + "', expected End, End.X, End.T, End.DX4, End.DX6, End.DT4, End.DT6 or End.BPF");
        }
        IpAddress nh4 = null;
        IpAddress nh6 = null;
        int table = 0;
        ProgRef prog = null;
        boolean more = true;
        while (more && t.peek() != null) {
            switch (t.peek()) {
                case "nh4" -> {
                    t.next();
                    int c = t.column();
                    nh4 = address(t, c, expectWord(t, "an IPv4 address after 'nh4'"), Family.INET);
                }
                case "nh6" -> {
                    t.next();
                    int c = t.column();
                    nh6 = address(t, c, expectWord(t, "an IPv6 address after 'nh6'"), Family.INET6);
                }
                case "table", "vrftable" -> {
                    String kw = t.next();
                    table = table(t, kw);
                }
                case "endpoint" -> {
                    t.next();
                    prog = progRef(t, "endpoint");
                }
                default -> more = false;
            }
        }
        String need = switch (action) {
            case END_X, END_DX6 -> nh6 == null ? "nh6 ADDR" : null;
            case END_DX4 -> nh4 == null ? "nh4 ADDR" : null;
            case END_T, END_DT6, END_DT4 -> table == 0 ? "table N" : null;
            case END_BPF -> prog == null ? "endpoint obj FILE section SEC" : null;
            default -> null;
        };
        if (need != null) {
            throw error(t, actionCol, "seg6local action " + a + " needs '" + need + "'");
        }
        return new EncapSpec.Seg6Local(action, nh4, nh6, table, prog);
    }

    // ---------------------------------------------------------------- values

    private int table(Tokens t, String keyword) {
        int col = t.column();
        String v = expectWord(t, "a table (main, local, default or a number) after '" + keyword + "'");
        return switch (v) {
            case "main" -> Route.TABLE_MAIN;
            case "local" -> Route.TABLE_LOCAL;
            case "default" -> Route.TABLE_DEFAULT;
            default -> {
                long id = u32(t, col, v, "a table (main, local, default or a number)");
                if (id == 0) {
                    throw error(t, col, "table 0 (unspec) cannot hold routes");
                }
                yield (int) id;
            }
        };
    }

    private Prefix prefix(Tokens t, int col, String s, Family family) {
        Prefix p;
        try {
            p = Prefix.parse(s, family);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("Invalid prefix")) {
                throw error(t, col, e.getMessage() + " ('" + s + "')");
            }
            throw error(t, col, "expected a prefix like 10.0.0.0/24 or 2001:db8::/64, got '" + s + "'");
        }
        if (family != null && p.family() != family) {
            throw error(t, col, "an " + (family == Family.INET ? "inet" : "inet6") + " prefix is expected rather than \""
                    + s + "\"");
        }
        return p;
    }

    private int prefixLength(Tokens t, int col, String s, Family f) {
        try {
            int len = Integer.parseInt(s);
            if (len < 0 || len > f.bits) {
                throw new NumberFormatException();
            }
            return len;
        } catch (NumberFormatException e) {
            throw error(t, col, "invalid prefix length '" + s + "', expected 0.." + f.bits);
        }
    }

    private IpAddress address(Tokens t, int col, String s, Family family) {
        IpAddress a;
        try {
            a = IpAddress.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(t, col, "expected an " + (family == Family.INET ? "IPv4 " : family == Family.INET6
                    ? "IPv6 " : "IP ") + "address, got '" + s + "'");
        }
        if (family != null && a.family() != family) {
            throw error(t, col, "expected an " + (family == Family.INET ? "IPv4" : "IPv6") + " address, got '"
                    + s + "'");
        }
        return a;
    }

    private long number(Tokens t, String what) {
        int col = t.column();
        return u32(t, col, expectWord(t, what), what);
    }

    /** strtoul(…, 0) like iproute2's get_u32: decimal, 0x hex or 0 octal, up to 2^32-1. */
    private long u32(Tokens t, int col, String s, String what) {
        try {
            long v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = Long.parseLong(s.substring(2), 16);
            } else if (s.length() > 1 && s.startsWith("0")) {
                v = Long.parseLong(s.substring(1), 8);
            } else {
                v = Long.parseLong(s);
            }
            if (v < 0 || v > 0xffffffffL || s.startsWith("+") || s.startsWith("-")) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw error(t, col, "expected " + what + " (a number), got '" + s + "'");
        }
    }

    private String expectWord(Tokens t, String what) {
        if (t.atEnd()) {
            throw error(t, t.endColumn(), "expected " + what + " at end of line");
        }
        return t.next();
    }

    private ConfigException unknown(Tokens t, String word, String where, String expected) {
        return error(t, t.lastColumn(), "unknown keyword '" + word + "' in " + where + ", expected one of "
                + expected);
    }

    private ConfigException error(Tokens t, String message) {
        return error(t, t.column(), message);
    }

    private ConfigException error(Tokens t, int column, String message) {
        return new ConfigException(file, t.line, column, message);
    }

    /** Whitespace-separated words of one line with their 1-based columns. */
    private static final class Tokens {
        final int line;
        final List<String> words = new ArrayList<>();
        final List<Integer> cols = new ArrayList<>();
        final int end;
        int pos;

        private Tokens(int line, int end) {
            this.line = line;
            this.end = end;
        }

        static Tokens of(String text, int line) {
            Tokens t = new Tokens(line, text.stripTrailing().length() + 1);
            int i = 0;
            while (i < text.length()) {
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                int start = i;
                while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    t.words.add(text.substring(start, i));
                    t.cols.add(start + 1);
                }
            }
            return t;
        }

        boolean atEnd() {
            return pos >= words.size();
        }

        String peek() {
            return atEnd() ? null : words.get(pos);
        }

        String next() {
            return words.get(pos++);
        }

        /** Column of the next word (or the end of line). */
        int column() {
            return atEnd() ? endColumn() : cols.get(pos);
        }

        /** Column of the word just consumed. */
        int lastColumn() {
            return pos == 0 ? 1 : cols.get(pos - 1);
        }

        /** One past the last character, where "missing" things are reported. */
        int endColumn() {
            return end;
        }
    }
}
