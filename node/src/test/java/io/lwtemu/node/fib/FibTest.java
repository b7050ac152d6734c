package io.lwtemu.node.fib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FibTest {

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void shouldStartWithTheDefaultLinuxRules() {
        Fib fib = new Fib();
        assertThat(fib.rules(Family.INET)).extracting(RoutingRule::toString)
                .containsExactly("0:\tfrom all lookup local", "32766:\tfrom all lookup main",
                        "32767:\tfrom all lookup default");
        assertThat(fib.rules(Family.INET6)).extracting(RoutingRule::priority).containsExactly(0, 32766);
    }

    @Test
    void shouldConsultLocalTableBeforeMain() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("10.0.0.0/24", null)).dev("eth0").build());
        fib.addRoute(Route.builder(Prefix.parse("10.0.0.1", null)).type(RouteType.LOCAL).dev("eth0")
                .table(Route.TABLE_LOCAL).build());
        FibResult local = fib.fibLookup(ip("10.0.0.1"), null, 0, null, null);
        assertThat(local.status).isEqualTo(FibStatus.LOCAL);
        assertThat(local.table).isEqualTo(255);
        FibResult fwd = fib.fibLookup(ip("10.0.0.2"), null, 0, null, null);
        assertThat(fwd.status).isEqualTo(FibStatus.OK);
        assertThat(fwd.route.dev).isEqualTo("eth0");
        assertThat(fib.fibLookup(ip("10.9.0.2"), null, 0, null, null).status).isEqualTo(FibStatus.NO_ROUTE);
    }

    @Test
    void shouldReportErrorRouteTypesWithoutFallingThrough() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("10.1.0.0/16", null)).type(RouteType.UNREACHABLE).build());
        fib.addRoute(Route.builder(Prefix.parse("10.2.0.0/16", null)).type(RouteType.PROHIBIT).build());
        fib.addRoute(Route.builder(Prefix.parse("10.3.0.0/16", null)).type(RouteType.BLACKHOLE).build());
        // A route in the default table (rule 32767) must not be reached past an error route in main.
        fib.table(Route.TABLE_DEFAULT).add(Route.builder(Prefix.parse("0.0.0.0/0", null)).dev("eth9").build());
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, null, null).status).isEqualTo(FibStatus.UNREACHABLE);
        assertThat(fib.fibLookup(ip("10.2.0.1"), null, 0, null, null).status).isEqualTo(FibStatus.PROHIBIT);
        assertThat(fib.fibLookup(ip("10.3.0.1"), null, 0, null, null).status).isEqualTo(FibStatus.BLACKHOLE);
        assertThat(fib.fibLookup(ip("10.4.0.1"), null, 0, null, null).route.dev).isEqualTo("eth9");
    }

    @Test
    void shouldSelectTableByFwmarkRuleAsLwtRerouteTestDoes() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("0.0.0.0/0", null)).dev("eth0").build());
        fib.addRoute(Route.builder(Prefix.parse("0.0.0.0/0", null)).dev("tun0").table(100).build());
        fib.addRule(new RoutingRule(Family.INET, 100, null, null, 0x42, -1, null, null,
                RoutingRule.Action.TO_TBL, 100));
        assertThat(fib.fibLookup(ip("8.8.8.8"), null, 0, null, null).route.dev).isEqualTo("eth0");
        FibResult marked = fib.fibLookup(ip("8.8.8.8"), null, 0x42, null, null);
        assertThat(marked.route.dev).isEqualTo("tun0");
        assertThat(marked.table).isEqualTo(100);
        assertThat(marked.rule.priority()).isEqualTo(100);
    }

    @Test
    void shouldFallThroughToTheNextRuleWhenATableHasNoMatch() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("10.0.0.0/8", null)).dev("main0").build());
        fib.addRoute(Route.builder(Prefix.parse("10.5.0.0/16", null)).dev("t100").table(100).build());
        fib.addRule(new RoutingRule(Family.INET, 50, Prefix.parse("192.168.0.0/16", null), null, 0, 0, null,
                null, RoutingRule.Action.TO_TBL, 100));
        assertThat(fib.fibLookup(ip("10.5.1.1"), ip("192.168.1.1"), 0, null, null).route.dev).isEqualTo("t100");
        assertThat(fib.fibLookup(ip("10.6.1.1"), ip("192.168.1.1"), 0, null, null).route.dev).isEqualTo("main0");
        assertThat(fib.fibLookup(ip("10.5.1.1"), ip("172.16.0.1"), 0, null, null).route.dev).isEqualTo("main0");
    }

    @Test
    void shouldOrderRulesByPriorityAndAssignDefaultPriorities() {
        Fib fib = new Fib();
        RoutingRule a = fib.addRule(new RoutingRule(Family.INET, -1, null, null, 0, 0, "eth1", null,
                RoutingRule.Action.TO_TBL, 10));
        RoutingRule b = fib.addRule(new RoutingRule(Family.INET, -1, null, null, 0, 0, "eth2", null,
                RoutingRule.Action.TO_TBL, 20));
        assertThat(a.priority()).isEqualTo(32765);
        assertThat(b.priority()).isEqualTo(32764);
        fib.addRule(new RoutingRule(Family.INET, 32765, null, null, 0, 0, "eth3", null,
                RoutingRule.Action.TO_TBL, 30));
        assertThat(fib.rules(Family.INET)).extracting(RoutingRule::priority)
                .containsExactly(0, 32764, 32765, 32765, 32766, 32767);
        assertThat(fib.rules(Family.INET).get(3).iif()).isEqualTo("eth3");
        assertThatThrownBy(() -> fib.addRule(a)).hasMessage("File exists");
        fib.deleteRule(a);
        assertThat(fib.rules(Family.INET)).hasSize(5);
        assertThatThrownBy(() -> fib.deleteRule(a)).hasMessage("No such file or directory");
    }

    @Test
    void shouldApplyRuleActionsAndInterfaceSelectors() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("::/0", null)).dev("eth0").build());
        fib.addRule(new RoutingRule(Family.INET6, 10, null, null, 0, 0, "eth1", null,
                RoutingRule.Action.PROHIBIT, 0));
        assertThat(fib.fibLookup(ip("2001:db8::1"), null, 0, "eth1", null).status).isEqualTo(FibStatus.PROHIBIT);
        assertThat(fib.fibLookup(ip("2001:db8::1"), null, 0, "eth2", null).status).isEqualTo(FibStatus.OK);
    }

    @Test
    void shouldMatchFwmarkUnderMask() {
        RoutingRule r = new RoutingRule(Family.INET, 1, null, null, 0x10, 0xf0, null, null,
                RoutingRule.Action.TO_TBL, 1);
        assertThat(r.matches(0, 0, 0, 0, 0x1f, null, null)).isTrue();
        assertThat(r.matches(0, 0, 0, 0, 0x20, null, null)).isFalse();
        assertThat(r.toString()).contains("fwmark 0x10/0xf0");
    }

    @Test
    void shouldAnswerWithTheChangedTablesAndRulesAfterALookupOfTheSameKey() {
        Fib fib = new Fib();
        fib.addRoute(Route.builder(Prefix.parse("10.0.0.0/8", null)).dev("eth0").build());
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth1", null).route.dev).isEqualTo("eth0");

        fib.addRoute(Route.builder(Prefix.parse("10.1.0.0/16", null)).dev("eth2").build());
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth1", null).route.dev).isEqualTo("eth2");

        fib.table(100).add(Route.builder(Prefix.parse("10.1.0.0/24", null)).dev("eth3").table(100).build());
        fib.addRule(new RoutingRule(Family.INET, 100, null, null, 0, 0, "eth1", null, RoutingRule.Action.TO_TBL,
                100));
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth1", null).route.dev).isEqualTo("eth3");
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth9", null).route.dev).isEqualTo("eth2");

        fib.table(100).delete(Prefix.parse("10.1.0.0/24", null), -1, null, null, null);
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth1", null).route.dev).isEqualTo("eth2");
        fib.main().delete(Prefix.parse("10.1.0.0/16", null), -1, null, null, null);
        assertThat(fib.fibLookup(ip("10.1.0.1"), null, 0, "eth1", null).route.dev).isEqualTo("eth0");
    }
}
