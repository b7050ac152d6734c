package io.lwtemu.sim;

/**
 * h1 -- r1 -- r2 -- r3 -- h2, as in topology-examples/ipip-3hop: the one chain the simulation, experiment and
 * cluster tests share. What they vary is a {@link Chain}; they append their own traffic:, faults: or placement:.
 */
public final class Chains {
    public static final String IPIP_ROUTE = "ip route add 10.0.3.0/24 encap bpf xmit obj ipip_encap.o section"
            + " lwt_xmit/ipip headroom 20 via 10.0.12.2 dev eth1";
    public static final String DROP_ROUTE = "ip route add 10.0.3.0/24 encap bpf xmit obj drop_all.o section"
            + " lwt_xmit/drop via 10.0.12.2 dev eth1";
    public static final String PLAIN_ROUTE = "ip route add 10.0.3.0/24 via 10.0.12.2 dev eth1";
    /** r2's routes back to h1's subnet and on to h2's. */
    public static final String R2_TO_H1 = "ip route add 10.0.1.0/24 via 10.0.12.1 dev eth0";
    public static final String R2_TO_H2 = "ip route add 10.0.3.0/24 via 10.0.23.3 dev eth1";
    /** A config line that configures nothing, for a route left out. */
    public static final String NONE = "# none";

    private Chains() {
    }

    /**
     * The parts of the chain its users vary.
     *
     * @param header    lines between name: and nodes: ("" or e.g. "duration: 1s\n")
     * @param r1Route   r1's route to h2's subnet 10.0.3.0/24
     * @param r2ToH1    r2's route to h1's subnet 10.0.1.0/24
     * @param r2ToH2    r2's route to h2's subnet, or {@link #NONE}
     * @param edgeDelay delay of the host links h1-r1 and r3-h2
     * @param r2r3      what follows the r2-r3 link's delay ({@code ", bandwidth: 1Gbit"})
     */
    public record Chain(String name, String header, String r1Route, String r2ToH1, String r2ToH2, String edgeDelay,
                        String r2r3) {
        /** Named "chain", r2 routing both ways, 50 us host links, 1 Gbit/s inner links. */
        public static Chain of(String r1Route) {
            return new Chain("chain", "", r1Route, R2_TO_H1, R2_TO_H2, "50us", ", bandwidth: 1Gbit");
        }

        public Chain named(String n) {
            return new Chain(n, header, r1Route, r2ToH1, r2ToH2, edgeDelay, r2r3);
        }

        public Chain withHeader(String h) {
            return new Chain(name, h, r1Route, r2ToH1, r2ToH2, edgeDelay, r2r3);
        }

        public Chain withR2Routes(String toH1, String toH2) {
            return new Chain(name, header, r1Route, toH1, toH2, edgeDelay, r2r3);
        }

        public Chain withEdgeDelay(String d) {
            return new Chain(name, header, r1Route, r2ToH1, r2ToH2, d, r2r3);
        }

        public Chain withR2r3(String link) {
            return new Chain(name, header, r1Route, r2ToH1, r2ToH2, edgeDelay, link);
        }

        /** The topology up to and including its links: section. */
        public String yaml() {
            return """
                    name: %s
                    %snodes:
                      h1:
                        kind: host
                        interfaces: {eth0: {}}
                        config: |
                          ip addr add 10.0.1.2/24 dev eth0
                          ip route add default via 10.0.1.1 dev eth0
                      r1:
                        interfaces: {eth0: {}, eth1: {}}
                        config: |
                          ip addr add 10.0.1.1/24 dev eth0
                          ip addr add 10.0.12.1/24 dev eth1
                          ip route add 10.0.23.0/24 via 10.0.12.2 dev eth1
                          %s
                      r2:
                        interfaces: {eth0: {}, eth1: {}}
                        config: |
                          ip addr add 10.0.12.2/24 dev eth0
                          ip addr add 10.0.23.2/24 dev eth1
                          %s
                          %s
                      r3:
                        interfaces: {eth0: {}, eth1: {}}
                        config: |
                          ip addr add 10.0.23.3/24 dev eth0
                          ip addr add 10.0.3.1/24 dev eth1
                          ip route add 10.0.1.0/24 via 10.0.23.2 dev eth0
                          ip route add 10.0.12.0/24 via 10.0.23.2 dev eth0
                          ip link add tun0 type ipip local 10.0.23.3 remote 10.0.12.1
                          ip link set tun0 up
                      h2:
                        kind: host
                        interfaces: {eth0: {}}
                        config: |
                          ip addr add 10.0.3.2/24 dev eth0
                          ip route add default via 10.0.3.1 dev eth0
                    links:
                      - {a: h1:eth0, b: r1:eth0, delay: %s}
                      - {a: r1:eth1, b: r2:eth0, delay: 1ms, bandwidth: 1Gbit}
                      - {a: r2:eth1, b: r3:eth0, delay: 1ms%s}
                      - {a: r3:eth1, b: h2:eth0, delay: %s}
                    """.formatted(name, header, r1Route, r2ToH1, r2ToH2, edgeDelay, r2r3, edgeDelay);
        }
    }

    /** The chain; r2 routes 10.0.3.0/24 only when {@code r2Knows3}; {@code traffic} is the traffic: block. */
    static String chain(String r1Route, boolean r2Knows3, String traffic) {
        return Chain.of(r1Route).withR2Routes(R2_TO_H1, r2Knows3 ? R2_TO_H2 : NONE).yaml()
                + "traffic:\n" + traffic.indent(2) + "\n";
    }
}
