package io.lwtemu.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.Fib;
import io.lwtemu.node.fib.FibResult;
import io.lwtemu.node.fib.FibStatus;
import io.lwtemu.node.fib.IpAddress;
import io.lwtemu.node.fib.RoutingRule;
import io.lwtemu.node.forward.NetDevices;
import io.lwtemu.node.seg6.Seg6Encap;
import io.lwtemu.node.seg6.Seg6Local;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigApplierTest {
    private final Path file = Path.of("/cfg/r1.conf");
    private final Fib fib = new Fib();
    private final NetDevices devices = new NetDevices();
    private final List<EncapSpec> loaded = new ArrayList<>();
    private ConfigApplier applier;

    @BeforeEach
    void setUp() {
        devices.add("eth0", 1500);
        devices.add("eth1", 1500);
        applier = new ConfigApplier(file, fib, devices, (spec, route) -> {
            loaded.add(spec);
            return "lwt:" + route.prefix();
        });
    }

    private void apply(String text) {
        applier.apply(new IpCommandParser(file, false).parse(text));
    }

    @Test
    void shouldBuildARouterFromAScript() {
        apply("""
                ip link set dev eth0 up
                ip link set dev eth1 up mtu 1400
                ip addr add 10.0.1.254/24 dev eth0
                ip addr add 10.0.2.254/24 dev eth1
                ip route add 10.0.9.0/24 via 10.0.2.1 dev eth1 encap bpf xmit obj x.o section s headroom 14
                ip route add 10.0.8.0/24 via 10.0.2.1 dev eth1 table 100
                ip rule add fwmark 7 lookup 100
                ip link add gre1 type gre local 10.0.2.254 remote 10.0.2.1
                ip fou add port 5555 ipproto 47
                """);
        assertThat(devices.byName("eth1").isUp()).isTrue();
        assertThat(devices.byName("eth1").mtu()).isEqualTo(1400);
        FibResult local = fib.fibLookup(IpAddress.parse("10.0.1.254"), null, 0, "eth0", null);
        assertThat(local.status).isEqualTo(FibStatus.LOCAL);
        FibResult fwd = fib.fibLookup(IpAddress.parse("10.0.9.1"), null, 0, "eth0", null);
        assertThat(fwd.route.encap).isEqualTo("lwt:10.0.9.0/24");
        assertThat(loaded).hasSize(1);
        assertThat(fib.fibLookup(IpAddress.parse("10.0.8.1"), null, 7, "eth0", null).table).isEqualTo(100);
        assertThat(fib.fibLookup(IpAddress.parse("10.0.8.1"), null, 0, "eth0", null).status)
                .isEqualTo(FibStatus.NO_ROUTE);
        assertThat(fib.rules(Family.INET)).extracting(RoutingRule::priority).contains(32765);
        assertThat(devices.byName("gre1").mtu()).as("the remote is reached over eth1: 1400 - 24").isEqualTo(1376);
        assertThat(applier.tunnels().byName("gre1").device()).isSameAs(devices.byName("gre1"));
        assertThatThrownBy(() -> apply("ip fou add port 5555 ipproto 4"))
                .hasMessageContaining("port 5555 already in use");
        assertThatThrownBy(() -> apply("ip link add gre1 type ipip remote 10.0.2.1"))
                .hasMessage("/cfg/r1.conf:1:1: RTNETLINK answers: File exists (device gre1)");
    }

    @Test
    void shouldReportKernelRefusalsWithTheLine() {
        assertThatThrownBy(() -> apply("""
                ip route add 10.0.9.0/24 dev eth1
                ip route add 10.0.9.0/24 dev eth0
                """)).isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.line).isEqualTo(2);
                    assertThat(e.detail).isEqualTo("RTNETLINK answers: File exists");
                });
        assertThatThrownBy(() -> apply("ip addr add 10.0.0.1/24 dev eth9"))
                .hasMessage("/cfg/r1.conf:1:1: Cannot find device \"eth9\"");
        assertThatThrownBy(() -> apply("ip route del 10.7.0.0/16"))
                .hasMessage("/cfg/r1.conf:1:1: RTNETLINK answers: No such process");
        apply("ip route replace 10.0.9.0/24 dev eth0\nip route del 10.0.9.0/24 dev eth0");
        assertThat(fib.main().routes(Family.INET)).isEmpty();
    }

    @Test
    void shouldBuildSeg6StateWithoutALoader() {
        ConfigApplier bare = new ConfigApplier(file, fib, devices, null);
        bare.apply(new IpCommandParser(file, false).parse(
                "ip -6 route add fc00:9::/64 encap seg6 mode inline segs fc00::1,fc00::2 dev eth0\n"
                + "ip -6 route add fc00::5/128 encap seg6local action End.DX4 nh4 10.0.0.1 dev eth1\n"));
        Object s6 = fib.fibLookup(IpAddress.parse("fc00:9::1"), null, 0, null, null).route.encap;
        assertThat(s6).isInstanceOfSatisfying(Seg6Encap.class, e -> {
            assertThat(e.mode()).isEqualTo(EncapSpec.Seg6.Mode.INLINE);
            assertThat(e.segments()).containsExactly(IpAddress.parse("fc00::1"), IpAddress.parse("fc00::2"));
        });
        assertThat(s6.toString()).isEqualTo("seg6 mode inline segs 2 [ fc00::1 fc00::2 ]");
        Object sl = fib.fibLookup(IpAddress.parse("fc00::5"), null, 0, null, null).route.encap;
        assertThat(sl).isInstanceOf(Seg6Local.class);
        assertThat(sl.toString()).isEqualTo("seg6local action End.DX4 nh4 10.0.0.1");
        assertThat(loaded).as("seg6 needs no loader").isEmpty();
        assertThatThrownBy(() -> bare.apply(new IpCommandParser(file, false)
                .parse("ip -6 route add fc00:8::/64 encap seg6 mode l2encap segs fc00::1 dev eth0")))
                .hasMessageContaining("l2encap is not modelled");
    }

    @Test
    void shouldRefuseEncapsWithoutALoader() {
        ConfigApplier bare = new ConfigApplier(file, fib, devices, null);
        assertThatThrownBy(() -> bare.apply(new IpCommandParser(file, false)
                .parse("ip route add 10.0.0.0/8 encap bpf out obj o.o dev eth0")))
                .hasMessageContaining("needs an encap loader");
    }

    @Test
    void shouldPassLoaderErrorsThroughWithTheLine() {
        ConfigApplier failing = new ConfigApplier(file, fib, devices, (spec, route) -> {
            throw new IllegalArgumentException("o.o: section 'out' not found");
        });
        assertThatThrownBy(() -> failing.apply(new IpCommandParser(file, false)
                .parse("\n\nip route add 10.0.0.0/8 encap bpf out obj o.o dev eth0")))
                .hasMessage("/cfg/r1.conf:3:1: o.o: section 'out' not found");
    }

    @Test
    void shouldLeaveADeviceWithoutCarrierDownWhenSetUp() {
        applier.carrier(d -> !d.name.equals("eth1"));
        apply("ip link set dev eth0 up\nip link set dev eth1 up");

        assertThat(devices.byName("eth0").isUp()).isTrue();
        assertThat(devices.byName("eth1").isUp()).as("NO-CARRIER").isFalse();
    }

    @Test
    void shouldCreateTheRoutersTunnelsOnFirstUseOnly() {
        io.lwtemu.node.tunnel.Tunnels[] made = new io.lwtemu.node.tunnel.Tunnels[1];
        ConfigApplier lazy = new ConfigApplier(file, fib, devices, null, () -> {
            if (made[0] == null) {
                made[0] = new io.lwtemu.node.tunnel.Tunnels(fib, devices);
            }
            return made[0];
        }, new io.lwtemu.node.seg6.Seg6(l -> { }));
        lazy.apply(new IpCommandParser(file, false).parse("ip addr add 10.0.1.1/24 dev eth0\nip sr tunsrc set fc00::1"));
        assertThat(made[0]).as("no tunnel command yet").isNull();

        lazy.apply(new IpCommandParser(file, false).parse(
                "ip tunnel add t1 mode ipip remote 10.0.1.2 local 10.0.1.1\nip fou add port 7777 gue"));
        assertThat(made[0].byName("t1")).isNotNull();
        assertThat(devices.byName("t1")).isNotNull();
    }
}
