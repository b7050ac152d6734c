package io.lwtemu.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.config.ConfigCommand.AddrAdd;
import io.lwtemu.node.config.ConfigCommand.FouAdd;
import io.lwtemu.node.config.ConfigCommand.LinkSet;
import io.lwtemu.node.config.ConfigCommand.RouteCmd;
import io.lwtemu.node.config.ConfigCommand.RuleCmd;
import io.lwtemu.node.config.ConfigCommand.TunnelAdd;
import io.lwtemu.node.config.ConfigCommand.TunnelKind;
import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.fib.RouteType;
import io.lwtemu.node.fib.RoutingRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpCommandParserTest {
    private final IpCommandParser parser = new IpCommandParser(Path.of("/cfg/r1.conf"), false);

    private ConfigCommand one(String line) {
        return parser.parseLine(line, 1);
    }

    private void assertError(String line, int column, String messagePart) {
        assertThatThrownBy(() -> parser.parseLine(line, 7))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line).isEqualTo(7);
                    assertThat(e.column).as("column of: %s", e.getMessage()).isEqualTo(column);
                    assertThat(e.detail).contains(messagePart);
                    assertThat(e.getMessage()).startsWith("/cfg/r1.conf:7:" + column + ": ");
                });
    }

    @Test
    void shouldParseAddressAdd() {
        AddrAdd a = (AddrAdd) one("ip addr add 10.0.1.1/24 dev eth0");
        assertThat(a.address()).isEqualTo(IpAddress.parse("10.0.1.1"));
        assertThat(a.prefixLength()).isEqualTo(24);
        assertThat(a.dev()).isEqualTo("eth0");
        AddrAdd b = (AddrAdd) one("ip -6 address add 2001:db8:1::1/64 dev eth1");
        assertThat(b.address().family()).isEqualTo(Family.INET6);
        assertThat(b.prefixLength()).isEqualTo(64);
        assertThat(((AddrAdd) one("ip addr add 10.0.1.1/24 brd + dev eth0")).dev()).isEqualTo("eth0");
        assertError("ip addr add 10.0.1.1/24 dve eth0", 25, "unknown keyword 'dve' in ip addr add");
    }

    @Test
    void shouldRejectAddressWithoutDevOrWithWrongFamily() {
        assertError("ip addr add 10.0.1.1/24", 24, "\"dev\" argument is required");
        assertError("ip -6 addr add 10.0.1.1/24 dev eth0", 16, "expected an IPv6 address, got '10.0.1.1'");
        assertError("ip addr add 10.0.1.1/33 dev eth0", 13, "invalid prefix length '33'");
    }

    @Test
    void shouldParseLinkSet() {
        assertThat(one("ip link set dev eth0 up")).isEqualTo(new LinkSet(1, "eth0", true, null));
        assertThat(one("ip link set eth1 down")).isEqualTo(new LinkSet(1, "eth1", false, null));
        assertThat(one("ip link set dev eth0 mtu 1400")).isEqualTo(new LinkSet(1, "eth0", null, 1400));
        assertError("ip link set dev eth0 mtu 20", 26, "mtu 20 out of range");
        assertError("ip link set dev eth0 mtu x", 26, "got 'x'");
        assertError("ip link set dev eth0", 21, "expected up, down or mtu N");
    }

    @Test
    void shouldParseARouteWithEveryOption() {
        RouteCmd r = (RouteCmd) one("ip route add 10.0.2.0/24 via 10.0.1.2 dev eth0 src 10.0.1.1 metric 10"
                + " table 100 mtu 1400 realm 3");
        assertThat(r.op()).isEqualTo(RouteCmd.Op.ADD);
        assertThat(r.prefix().toString()).isEqualTo("10.0.2.0/24");
        assertThat(r.via()).isEqualTo(IpAddress.parse("10.0.1.2"));
        assertThat(r.dev()).isEqualTo("eth0");
        assertThat(r.src()).isEqualTo(IpAddress.parse("10.0.1.1"));
        assertThat(r.metric()).isEqualTo(10);
        assertThat(r.table()).isEqualTo(100);
        assertThat(r.mtu()).isEqualTo(1400);
        assertThat(r.realm()).isEqualTo(3);
        Route route = r.toRoute("state");
        assertThat(route.encap).isEqualTo("state");
        assertThat(route.table).isEqualTo(100);
        assertThat(route.toString()).isEqualTo(
                "10.0.2.0/24 encap state via 10.0.1.2 dev eth0 table 100 src 10.0.1.1 metric 10 mtu 1400 realm 3");
    }

    @Test
    void shouldParseRouteTypesTablesAndV6Defaults() {
        RouteCmd u = (RouteCmd) one("ip route add unreachable 10.9.0.0/16");
        assertThat(u.type()).isEqualTo(RouteType.UNREACHABLE);
        assertThat(((RouteCmd) one("ip route add blackhole 10.8.0.0/16")).type()).isEqualTo(RouteType.BLACKHOLE);
        assertThat(((RouteCmd) one("ip route add prohibit 10.7.0.0/16 table local")).table()).isEqualTo(255);
        RouteCmd d = (RouteCmd) one("ip -6 route replace default via fe80::1 dev eth0 table main");
        assertThat(d.op()).isEqualTo(RouteCmd.Op.REPLACE);
        assertThat(d.prefix().toString()).isEqualTo("::/0");
        assertThat(d.toRoute(null).metric).isEqualTo(1024);
        RouteCmd del = (RouteCmd) one("ip route del 10.0.2.0/24");
        assertThat(del.op()).isEqualTo(RouteCmd.Op.DEL);
        assertThat(del.metric()).isEqualTo(-1);
    }

    @Test
    void shouldRejectBadRoutes() {
        assertError("ip route add 10.0.2.1/24 dev eth0", 14, "Invalid prefix for given prefix length");
        assertError("ip route add 10.0.2.0/24 vai 10.0.1.2", 26, "unknown keyword 'vai' in ip route");
        assertError("ip route add 10.0.2.0/24", 25, "needs 'via ADDR' or 'dev IF'");
        assertError("ip route add 10.0.2.0/24 via 2001:db8::1", 30, "is not an IPv4 address");
        assertError("ip -6 route add 10.0.2.0/24 dev eth0", 17, "an inet6 prefix is expected");
        assertError("ip route add 10.0.2.0/24 dev eth0 table x", 41, "expected a table");
        assertError("ip route add unreachable 10.0.0.0/8 dev eth0", 45, "can not be specified");
        assertError("ip route add 10.0.2.0/24 dev eth0 metric", 41, "expected a number after 'metric' at end of line");
        assertError("ip route frob 10.0.0.0/8", 10, "unknown keyword 'frob' in ip route");
        assertError("ipp route", 1, "unknown command 'ipp'");
    }

    @Test
    void shouldParseEncapBpfWithAllHooksAndResolveObjectsAgainstTheConfigFolder() {
        RouteCmd r = (RouteCmd) one("ip route add 10.0.2.0/24 encap bpf in obj lwt.o section lwt_in/x out obj"
                + " lwt.o section out_sec xmit obj ../progs/x.o section xmit_sec headroom 14 via 10.0.1.2 dev eth0");
        EncapSpec.Bpf b = (EncapSpec.Bpf) r.encap();
        assertThat(b.in()).isEqualTo(new ProgRef(Path.of("/cfg/lwt.o"), "lwt_in/x"));
        assertThat(b.out().section()).isEqualTo("out_sec");
        assertThat(b.xmit().object()).isEqualTo(Path.of("/progs/x.o"));
        assertThat(b.headroom()).isEqualTo(14);
        assertThat(r.via()).isEqualTo(IpAddress.parse("10.0.1.2"));
        assertThat(r.dev()).isEqualTo("eth0");
    }

    @Test
    void shouldRejectEncapBpfWithoutHooksOrWithTooMuchHeadroom() {
        assertError("ip route add 10.0.2.0/24 encap bpf headroom 10 dev eth0", 26,
                "needs at least one of in, out, xmit: -EINVAL");
        assertError("ip route add 10.0.2.0/24 encap bpf", 26, "needs at least one of in, out, xmit");
        assertError("ip route add 10.0.2.0/24 encap bpf xmit obj a.o section s headroom 300 dev eth0", 68,
                "headroom 300 exceeds LWT_BPF_MAX_HEADROOM 256: -ERANGE");
        assertError("ip route add 10.0.2.0/24 encap bpf xmit file a.o dev eth0", 41, "expected 'obj FILE'");
        assertError("ip route add 10.0.2.0/24 encap mpls 100 dev eth0", 32, "unsupported encap type 'mpls'");
    }

    @Test
    void shouldCheckThatObjectFilesExist(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("ok.o"), "x");
        Path conf = dir.resolve("r.conf");
        Files.writeString(conf, "# comment\n\nip route add 10.0.0.0/8 encap bpf xmit obj ok.o section s dev eth0\n"
                + "ip route add 10.1.0.0/16 encap bpf out obj missing.o dev eth0\n");
        assertThatThrownBy(() -> IpCommandParser.parseFile(conf))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line).isEqualTo(4);
                    assertThat(e.column).isEqualTo(44);
                    assertThat(e.detail).contains("object file 'missing.o' not found");
                });
        Files.writeString(conf, "ip route add 10.0.0.0/8 \\\n  encap bpf xmit obj ok.o dev eth0  # continued\n");
        List<ConfigCommand> cmds = IpCommandParser.parseFile(conf);
        assertThat(cmds).hasSize(1);
        EncapSpec.Bpf b = (EncapSpec.Bpf) ((RouteCmd) cmds.get(0)).encap();
        assertThat(b.xmit().section()).isEqualTo("lwt_xmit");
        assertThat(b.xmit().object()).isEqualTo(dir.resolve("ok.o").toAbsolutePath().normalize());
    }

    @Test
    void shouldParseSeg6AndSeg6Local() {
        RouteCmd s = (RouteCmd) one("ip -6 route add fc00:2::/64 encap seg6 mode encap segs fc00::1,fc00::2 dev eth0");
        EncapSpec.Seg6 seg6 = (EncapSpec.Seg6) s.encap();
        assertThat(seg6.mode()).isEqualTo(EncapSpec.Seg6.Mode.ENCAP);
        assertThat(seg6.segments()).containsExactly(IpAddress.parse("fc00::1"), IpAddress.parse("fc00::2"));
        RouteCmd s4 = (RouteCmd) one("ip route add 10.0.0.0/8 encap seg6 mode encap segs fc00::1 dev eth0");
        assertThat(s4.encap()).isInstanceOf(EncapSpec.Seg6.class);

        EncapSpec.Seg6Local x = (EncapSpec.Seg6Local) ((RouteCmd) one(
                "ip -6 route add fc00::3/128 encap seg6local action End.X nh6 fc00::9 dev eth1")).encap();
        assertThat(x.action()).isEqualTo(EncapSpec.Seg6Local.Action.END_X);
        assertThat(x.nh6()).isEqualTo(IpAddress.parse("fc00::9"));
        EncapSpec.Seg6Local tbl = (EncapSpec.Seg6Local) ((RouteCmd) one(
                "ip -6 route add fc00::4/128 encap seg6local action End.T table 10 dev eth1")).encap();
        assertThat(tbl.table()).isEqualTo(10);
        EncapSpec.Seg6Local dx4 = (EncapSpec.Seg6Local) ((RouteCmd) one(
                "ip -6 route add fc00::5/128 encap seg6local action End.DX4 nh4 10.0.0.1 dev eth1")).encap();
        assertThat(dx4.nh4()).isEqualTo(IpAddress.parse("10.0.0.1"));
        EncapSpec.Seg6Local bpf = (EncapSpec.Seg6Local) ((RouteCmd) one(
                "ip -6 route add fc00::6/128 encap seg6local action End.BPF endpoint obj e.o section add_tlv dev eth1"))
                .encap();
        assertThat(bpf.program()).isEqualTo(new ProgRef(Path.of("/cfg/e.o"), "add_tlv"));
        EncapSpec.Seg6Local defaultSection = (EncapSpec.Seg6Local) ((RouteCmd) one(
                "ip -6 route add fc00::8/128 encap seg6local action End.BPF endpoint obj e.o dev eth1")).encap();
        assertThat(defaultSection.program().section()).isEqualTo("lwt_seg6local");
        assertThat(((RouteCmd) one("ip -6 route add fc00::7/128 encap seg6local action End dev eth1")).encap())
                .isEqualTo(new EncapSpec.Seg6Local(EncapSpec.Seg6Local.Action.END, null, null, 0, null));
    }

    @Test
    void shouldRejectBadSeg6() {
        assertError("ip route add 10.0.0.0/8 encap seg6 mode inline segs fc00::1 dev eth0", 25,
                "seg6 mode inline needs an IPv6 route");
        assertError("ip -6 route add fc00::/64 encap seg6 mode encap segs fc00::1,10.0.0.1 dev eth0", 62,
                "expected an IPv6 address, got '10.0.0.1'");
        assertError("ip -6 route add fc00::/64 encap seg6 mode fancy segs fc00::1 dev eth0", 43,
                "unknown seg6 mode 'fancy'");
        assertError("ip -6 route add fc00::/64 encap seg6local action End.X dev eth0", 50, "needs 'nh6 ADDR'");
        assertError("ip -6 route add fc00::/64 encap seg6local action End.Y dev eth0", 50,
                "unknown seg6local action 'End.Y'");
        assertError("ip route add 10.0.0.0/8 encap seg6local action End dev eth0", 25, "needs an IPv6 route");
    }

    @Test
    void shouldParseRules() {
        RuleCmd r = (RuleCmd) one("ip rule add from 10.0.0.0/8 to 10.1.0.0/16 fwmark 0x10/0xf0 iif eth0 oif eth1"
                + " priority 100 lookup 200");
        assertThat(r.add()).isTrue();
        RoutingRule rule = r.rule();
        assertThat(rule.family()).isEqualTo(Family.INET);
        assertThat(rule.from().toString()).isEqualTo("10.0.0.0/8");
        assertThat(rule.to().toString()).isEqualTo("10.1.0.0/16");
        assertThat(rule.fwmark()).isEqualTo(0x10);
        assertThat(rule.fwmask()).isEqualTo(0xf0);
        assertThat(rule.iif()).isEqualTo("eth0");
        assertThat(rule.oif()).isEqualTo("eth1");
        assertThat(rule.priority()).isEqualTo(100);
        assertThat(rule.table()).isEqualTo(200);
        RoutingRule m = ((RuleCmd) one("ip rule add fwmark 42 lookup main")).rule();
        assertThat(m.fwmask()).isEqualTo(-1);
        assertThat(m.priority()).isEqualTo(-1);
        assertThat(m.table()).isEqualTo(Route.TABLE_MAIN);
        assertThat(((RuleCmd) one("ip -6 rule add from 2001:db8::/32 prohibit")).rule().action())
                .isEqualTo(RoutingRule.Action.PROHIBIT);
        assertThat(((RuleCmd) one("ip rule add from 2001:db8::/32 lookup 5")).rule().family()).isEqualTo(Family.INET6);
        assertError("ip rule add from 10.0.0.0/8 to 2001:db8::/32 lookup 5", 32, "an inet prefix is expected");
        assertError("ip rule add from 10.0.0.0/8", 28, "expected 'lookup TABLE'");
        assertError("ip rule add fwmark 0xzz lookup 1", 20, "expected a mark (a number), got '0xzz'");
        assertError("ip rule add frm 10.0.0.0/8 lookup 1", 13, "unknown keyword 'frm' in ip rule");
    }

    @Test
    void shouldParseTunnels() {
        TunnelAdd g = (TunnelAdd) one("ip link add gre1 type gre local 10.0.0.1 remote 10.0.0.2 key 5 ttl 64");
        assertThat(g.name()).isEqualTo("gre1");
        assertThat(g.kind()).isEqualTo(TunnelKind.GRE);
        assertThat(g.local()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(g.remote()).isEqualTo(IpAddress.parse("10.0.0.2"));
        assertThat(g.ikey()).isEqualTo(5);
        assertThat(g.okey()).isEqualTo(5);
        assertThat(g.ttl()).isEqualTo(64);
        TunnelAdd k = (TunnelAdd) one("ip link add name g2 type ip6gre local fc00::1 remote fc00::2 ikey 1.2.3.4 okey 7");
        assertThat(k.ikey()).isEqualTo(0x01020304L);
        assertThat(k.okey()).isEqualTo(7);
        TunnelAdd t6 = (TunnelAdd) one("ip link add t6 type ip6tnl local fc00::1 remote fc00::2 mode any");
        assertThat(t6.mode()).isEqualTo("any");
        TunnelAdd vx = (TunnelAdd) one("ip link add vx0 type vxlan id 1 dstport 4789 local 10.0.0.1 remote 10.0.0.2 dev eth0");
        assertThat(vx.vni()).isEqualTo(1);
        assertThat(vx.dstPort()).isEqualTo(4789);
        assertThat(vx.dev()).isEqualTo("eth0");
        assertThat(((TunnelAdd) one("ip link add vx1 type vxlan id 2 remote 10.0.0.2")).dstPort()).isEqualTo(8472);
    }

    @Test
    void shouldRejectBadTunnels() {
        assertError("ip link add t type gre local fc00::1 remote 10.0.0.2", 30, "gre tunnel needs an IPv4 address");
        assertError("ip link add t type ipip local 10.0.0.1 remote 10.0.0.2 key 4", 61, "keys are only supported");
        assertError("ip link add t type vxlan remote 10.0.0.2", 41, "missing virtual network identifier");
        assertError("ip link add t type wireguard", 20, "unsupported link type 'wireguard'");
        assertError("ip link add t type gre local 10.0.0.1 remote 10.0.0.2 mode any", 63, "only supported by ip6tnl");
        assertError("ip link add t type vxlan id 16777216", 29, "invalid id 16777216");
    }

    @Test
    void shouldParseGreChecksumSequenceAndUdpEncapOptions() {
        TunnelAdd g = (TunnelAdd) one("ip link add g type gre local 10.0.0.1 remote 10.0.0.2 csum iseq oseq");
        assertThat(g.icsum()).isTrue();
        assertThat(g.ocsum()).isTrue();
        assertThat(g.iseq()).isTrue();
        assertThat(g.oseq()).isTrue();
        TunnelAdd o = (TunnelAdd) one("ip link add g type ip6gre local fc00::1 remote fc00::2 ocsum seq");
        assertThat(o.icsum()).isFalse();
        assertThat(o.ocsum()).isTrue();
        assertThat(o.iseq() && o.oseq()).isTrue();
        TunnelAdd f = (TunnelAdd) one("ip link add t type ipip local 10.0.0.1 remote 10.0.0.2 encap fou"
                + " encap-sport auto encap-dport 5555");
        assertThat(f.encap()).isEqualTo(ConfigCommand.UdpEncap.FOU);
        assertThat(f.encapSport()).isZero();
        assertThat(f.encapDport()).isEqualTo(5555);
        TunnelAdd u = (TunnelAdd) one("ip link add t type gre remote 10.0.0.2 encap gue encap-sport 7 encap-dport 8 encap-csum");
        assertThat(u.encap()).isEqualTo(ConfigCommand.UdpEncap.GUE);
        assertThat(u.encapSport()).isEqualTo(7);
        assertThat(((TunnelAdd) one("ip link add t type gre remote 10.0.0.2")).encap()).isEqualTo(ConfigCommand.UdpEncap.NONE);

        assertError("ip link add t type ipip remote 10.0.0.2 csum", 45, "csum and seq are only supported by gre");
        assertError("ip link add t type ipip remote 10.0.0.2 encap fou", 50, "needs 'encap-dport PORT'");
        assertError("ip link add t type ip6gre remote fc00::2 encap fou encap-dport 5", 65, "only supported by gre, ipip and sit");
        assertError("ip link add t type gre remote 10.0.0.2 encap udp", 46, "unknown encap 'udp'");
        assertError("ip link add t type gre remote 10.0.0.2 encap-dport 0", 52, "invalid encap-dport 0");
        assertError("ip link add t type gre remote 10.0.0.2 encap-dport 5", 53, "need 'encap fou' or 'encap gue'");
    }

    @Test
    void shouldParseIpTunnelAddAsTheKernelSelftestWritesIt() {
        TunnelAdd g = (TunnelAdd) one("ip tunnel add gre_dev mode gre remote 172.16.1.100 local 172.16.16.100 ttl 255");
        assertThat(g).isEqualTo(new TunnelAdd(1, "gre_dev", TunnelKind.GRE, IpAddress.parse("172.16.16.100"),
                IpAddress.parse("172.16.1.100"), -1, -1, null, 255, -1, -1, null));
        TunnelAdd g6 = (TunnelAdd) one("ip -6 tunnel add name gre6_dev mode ip6gre remote fb01::1 local fb10::1 ttl 255 key 3");
        assertThat(g6.kind()).isEqualTo(TunnelKind.IP6GRE);
        assertThat(g6.name()).isEqualTo("gre6_dev");
        assertThat(g6.ikey()).isEqualTo(3);
        assertThat(((TunnelAdd) one("ip -6 tunnel add t6 remote fb01::1 local fb10::1")).mode()).isEqualTo("ip6ip6");
        TunnelAdd i6 = (TunnelAdd) one("ip tunnel add t6 mode ipip6 remote fb01::1 local fb10::1");
        assertThat(i6.kind()).isEqualTo(TunnelKind.IP6TNL);
        assertThat(i6.mode()).isEqualTo("ipip6");
        assertThat(((TunnelAdd) one("ip tunnel add s mode sit remote 10.0.0.2 local 10.0.0.1")).kind()).isEqualTo(TunnelKind.SIT);
        assertThat(((TunnelAdd) one("ip tunl add i mode ipip remote 10.0.0.2")).kind()).isEqualTo(TunnelKind.IPIP);
        TunnelAdd c = (TunnelAdd) one("ip tunnel add g mode gre remote 10.0.0.2 csum seq");
        assertThat(c.icsum() && c.ocsum() && c.iseq() && c.oseq()).isTrue();

        assertError("ip tunnel add t remote 10.0.0.2", 32, "cannot determine tunnel mode");
        assertError("ip tunnel add t mode vti remote 10.0.0.2", 22, "unknown tunnel mode 'vti'");
        assertError("ip -4 tunnel add t mode ip6gre remote fb01::1", 25, "expected with '-4'");
        assertError("ip tunnel add t mode gre remote fb01::1", 33, "gre tunnel needs an IPv4 address");
        assertError("ip tunnel del t", 11, "unknown keyword 'del' in ip tunnel");
        assertError("ip tunnel add t mode gre remote 10.0.0.2 tos 4", 42, "unknown keyword 'tos' in ip tunnel add");
    }

    @Test
    void shouldAcceptNodadOnIpv6Addresses() {
        assertThat(one("ip -6 addr add fb01::1/128 nodad dev veth1"))
                .isEqualTo(new AddrAdd(1, IpAddress.parse("fb01::1"), 128, "veth1"));
    }

    @Test
    void shouldParseSrTunsrc() {
        assertThat(one("ip sr tunsrc set fc00::1")).isEqualTo(new ConfigCommand.SrTunsrc(1, IpAddress.parse("fc00::1")));
        assertError("ip sr tunsrc set 10.0.0.1", 18, "expected an IPv6 address");
        assertError("ip sr tunsrc show", 14, "unknown keyword 'show' in ip sr tunsrc");
        assertError("ip sr hmac set 1", 7, "unknown keyword 'hmac' in ip sr");
    }

    @Test
    void shouldParseFou() {
        assertThat(one("ip fou add port 7777 gue")).isEqualTo(new FouAdd(1, Family.INET, 7777, -1, true));
        assertError("ip fou add port 7777 gue ipproto 4", 35, "exclude each other");
        assertThat(one("ip fou add port 5555 ipproto 4")).isEqualTo(new FouAdd(1, Family.INET, 5555, 4));
        assertThat(one("ip -6 fou add port 6666 ipproto gre")).isEqualTo(new FouAdd(1, Family.INET6, 6666, 47));
        assertError("ip fou add port 5555 ipproto 17", 30, "unsupported ipproto '17'");
        assertError("ip fou add port 5555", 21, "fou: missing ipproto");
        assertError("ip fou add port 0 ipproto 4", 17, "invalid port 0");
    }

    @Test
    void shouldReportTheLineNumberInMultiLineText() {
        String text = "ip link set dev eth0 up\n# a comment\n\nip addr add 10.0.0.1/24 dev eth0\nip route add 1.2.3.4/8 dev eth0\n";
        assertThatThrownBy(() -> parser.parse(text))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line).isEqualTo(5);
                    assertThat(e.column).isEqualTo(14);
                });
        assertThat(parser.parse("ip link set dev eth0 up\n# x\nip addr add 10.0.0.1/24 dev eth0")).hasSize(2);
        assertError("ip -5 route", 4, "unknown option '-5'");
        assertError("ip", 3, "expected an object");
    }
}
