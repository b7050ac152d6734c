package io.lwtemu.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes the benchmark topology: {@code h1 - r1 - ... - rN - h2}, the ipip-3hop example stretched to N routers.
 * With IPIP encap r1's route to h2's subnet runs the example's {@code ipip_encap.o} (LWT xmit,
 * bpf_lwt_push_encap of an outer header 10.0.12.1 -> 10.0.23.3) and rN decapsulates on an ipip device, so the
 * first link is 10.0.12.0/24 and the last 10.0.23.0/24 (the program's tunnel addresses); the links between use
 * 10.(100 + i / 256).(i % 256).0/24. Written as YAML and loaded like any user's file, so the benchmark measures
 * the same path {@code lwtemu run} takes.
 */
public final class BenchTopology {
    /** The shipped object, relative to the project directory. */
    static final String ENCAP_OBJECT = "topology-examples/ipip-3hop/ipip_encap.o";

    private BenchTopology() {
    }

    /** One generated chain. */
    public record Spec(int routers, boolean encap, boolean programOnEveryRouter, int size, double ratePps, long count,
            long delayNs, long bandwidthBps) {}

    /** Writes topology.yaml (and the encap object when needed) into {@code dir}; returns the YAML file. */
    public static Path write(Spec s, Path dir, Path encapObject) throws IOException {
        if (s.routers() < 3) {
            throw new UserException("--hops/--routers must be >= 3 (the encap program's tunnel runs from the "
                    + "first router's 10.0.12.1 to the last router's 10.0.23.3)");
        }
        if (s.encap() || s.programOnEveryRouter()) {
            Files.copy(encapObject, dir.resolve("ipip_encap.o"), StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder y = new StringBuilder(64 * 1024);
        int n = s.routers();
        y.append("name: bench-chain-").append(n).append('\n');
        y.append("seed: 1\ncpus: 2\n");
        y.append("nodes:\n");
        host(y, "h1", "10.0.1.2/24", "10.0.1.1");
        for (int i = 1; i <= n; i++) {
            router(y, s, i);
        }
        host(y, "h2", "10.0.3.2/24", "10.0.3.1");
        y.append("links:\n");
        String delay = String.format(Locale.ROOT, "%dns", s.delayNs());
        String bw = s.bandwidthBps() > 0 ? ", bandwidth: " + s.bandwidthBps() / 1000 + "kbit, queue: 100000" : "";
        link(y, "h1:eth0", "r1:eth0", delay, bw);
        for (int i = 1; i < n; i++) {
            link(y, "r" + i + ":eth1", "r" + (i + 1) + ":eth0", delay, bw);
        }
        link(y, "r" + n + ":eth1", "h2:eth0", delay, bw);
        if (s.count() > 0) {
            y.append("traffic:\n  flows:\n");
            y.append(String.format(Locale.ROOT,
                    "    - {name: bench, from: h1, to: 10.0.3.2, proto: udp, dport: 5000, size: %d, rate: %dpps, "
                            + "count: %d}%n", s.size(), Math.round(s.ratePps()), s.count()));
        }
        Path file = dir.resolve("topology.yaml");
        Files.writeString(file, y);
        return file;
    }

    /** Subnet of the link between r{@code i} and r{@code i+1}, without the last octet ("10.0.12."). */
    private static String linkNet(int i, int n) {
        if (i == 1) {
            return "10.0.12.";
        }
        if (i == n - 1) {
            return "10.0.23.";
        }
        return "10." + (100 + i / 256) + "." + (i % 256) + ".";
    }

    /** The address r{@code i} has on link {@code link} (the lower router is .1, the upper .2; r3-style .3 at 10.0.23). */
    private static String addr(int link, int n, boolean upper) {
        if (link == n - 1 && upper) {
            return linkNet(link, n) + "3";
        }
        return linkNet(link, n) + (upper ? "2" : "1");
    }

    private static void host(StringBuilder y, String name, String addr, String gw) {
        y.append("  ").append(name).append(":\n    kind: host\n    interfaces:\n      eth0: {}\n    config: |\n");
        y.append("      ip addr add ").append(addr).append(" dev eth0\n");
        y.append("      ip route add default via ").append(gw).append(" dev eth0\n");
    }

    private static void router(StringBuilder y, Spec s, int i) {
        int n = s.routers();
        y.append("  r").append(i).append(":\n    interfaces:\n      eth0: {}\n      eth1: {}\n    config: |\n");
        String left = i == 1 ? "10.0.1.1/24" : addr(i - 1, n, true) + "/24";
        String right = i == n ? "10.0.3.1/24" : addr(i, n, false) + "/24";
        y.append("      ip addr add ").append(left).append(" dev eth0\n");
        y.append("      ip addr add ").append(right).append(" dev eth1\n");
        String prog = "encap bpf xmit obj ipip_encap.o section lwt_xmit/ipip headroom 20 ";
        if (i < n) {
            String next = addr(i, n, true);
            if (i < n - 1) {
                y.append("      ip route add 10.0.23.0/24 via ").append(next).append(" dev eth1\n");
            }
            boolean encapHere = s.encap() && i == 1;
            boolean loadHere = encapHere || s.programOnEveryRouter();
            if (!s.encap() || i == 1) {
                y.append("      ip route add 10.0.3.0/24 ").append(loadHere ? prog : "").append("via ").append(next)
                        .append(" dev eth1\n");
            } else if (loadHere) {
                // Loaded and verified like the others, on a route the tunnelled traffic never takes.
                y.append("      ip route add 10.0.4.0/24 ").append(prog).append("via ").append(next)
                        .append(" dev eth1\n");
            }
        }
        if (i > 1) {
            String prev = addr(i - 1, n, false);
            y.append("      ip route add 10.0.1.0/24 via ").append(prev).append(" dev eth0\n");
            if (i > 2) {
                y.append("      ip route add 10.0.12.0/24 via ").append(prev).append(" dev eth0\n");
            }
        }
        if (i == n && s.encap()) {
            y.append("      ip link add tun0 type ipip local 10.0.23.3 remote 10.0.12.1\n");
            y.append("      ip link set tun0 up\n");
        }
    }

    private static void link(StringBuilder y, String a, String b, String delay, String bw) {
        y.append("  - {a: ").append(a).append(", b: ").append(b).append(", delay: ").append(delay).append(bw)
                .append("}\n");
    }

    /** The encap object: {@code explicit} if given, else the shipped example from the working directory or the jar's project. */
    static Path findEncapObject(Path explicit) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new UserException("--obj " + explicit + ": no such file");
            }
            return explicit;
        }
        Path cwd = Path.of(ENCAP_OBJECT);
        if (Files.isRegularFile(cwd)) {
            return cwd;
        }
        try {
            Path jar = Path.of(BenchTopology.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // node/target/lwtemu-node-*.jar or node/target/classes -> the project directory
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                Path cand = p.resolve(ENCAP_OBJECT);
                if (Files.isRegularFile(cand)) {
                    return cand;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        try (InputStream in = BenchTopology.class.getResourceAsStream("/bench/ipip_encap.o")) {
            if (in != null) {
                Path tmp = Files.createTempFile("lwtemu-ipip_encap", ".o");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                tmp.toFile().deleteOnExit();
                return tmp;
            }
        } catch (IOException e) {
            // fall through
        }
        throw new UserException("cannot find " + ENCAP_OBJECT + " (run from the project directory or give --obj)");
    }
}
