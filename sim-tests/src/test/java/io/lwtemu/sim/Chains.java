package io.lwtemu.sim;

/** h1 -- r1 -- r2 -- r3 -- h2, as in topology-examples/ipip-3hop, with a replaceable r1 route to h2's subnet. */
final class Chains {
    static final String IPIP_ROUTE = "ip route add 10.0.3.0/24 encap bpf xmit obj ipip_encap.o section lwt_xmit/ipip"
            + " headroom 20 via 10.0.12.2 dev eth1";
    static final String DROP_ROUTE = "ip route add 10.0.3.0/24 encap bpf xmit obj drop_all.o section lwt_xmit/drop"
            + " via 10.0.12.2 dev eth1";
    static final String PLAIN_ROUTE = "ip route add 10.0.3.0/24 via 10.0.12.2 dev eth1";

    private Chains() {
    }

    /** The chain; r2 routes 10.0.3.0/24 only when {@code r2Knows3}; {@code traffic} is the traffic: block. */
    static String chain(String r1Route, boolean r2Knows3, String traffic) {
        return """
                name: chain
                nodes:
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
                      ip route add 10.0.1.0/24 via 10.0.12.1 dev eth0
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
                  - {a: h1:eth0, b: r1:eth0, delay: 50us}
                  - {a: r1:eth1, b: r2:eth0, delay: 1ms, bandwidth: 1Gbit}
                  - {a: r2:eth1, b: r3:eth0, delay: 1ms, bandwidth: 1Gbit}
                  - {a: r3:eth1, b: h2:eth0, delay: 50us}
                traffic:
                %s
                """.formatted(r1Route, r2Knows3 ? "ip route add 10.0.3.0/24 via 10.0.23.3 dev eth1" : "# none",
                traffic.indent(2));
    }
}
