package io.lwtemu.node.impair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NetemParserTest {
    @Test
    void shouldParseAFullTcOptionString() {
        NetemSpec s = NetemSpec.parse("delay 100ms 10ms 25% distribution normal loss 0.3% 25% duplicate 1% "
                + "corrupt 0.1% reorder 25% 50% gap 5 rate 10mbit limit 1000");

        assertThat(s.latencyNs()).isEqualTo(100_000_000L);
        assertThat(s.jitterNs()).isEqualTo(10_000_000L);
        assertThat(s.delayCorrelation()).isCloseTo(0.25, within(1e-12));
        assertThat(s.distribution()).isEqualTo(Distribution.NORMAL);
        assertThat(s.loss()).isEqualTo(new NetemSpec.Loss.Random(0.003, 0.25));
        assertThat(s.duplicate()).isCloseTo(0.01, within(1e-12));
        assertThat(s.corrupt()).isCloseTo(0.001, within(1e-12));
        assertThat(s.reorder()).isCloseTo(0.25, within(1e-12));
        assertThat(s.reorderCorrelation()).isCloseTo(0.5, within(1e-12));
        assertThat(s.reorderGap()).isEqualTo(5);
        assertThat(s.rateBps()).isEqualTo(10_000_000L);
        assertThat(s.limit()).isEqualTo(1000);
    }

    @Test
    void shouldApplyTcDefaultsForLossModels() {
        assertThat(NetemSpec.parse("loss state 2%").loss())
                .isEqualTo(new NetemSpec.Loss.FourState(0.02, 0.98, 0, 1, 0));
        assertThat(NetemSpec.parse("loss gemodel 1%").loss())
                .isEqualTo(new NetemSpec.Loss.GilbertElliott(0.01, 0.99, 1, 0));
        assertThat(NetemSpec.parse("loss gemodel 1% 10% 70% 0.1%").loss())
                .isEqualTo(new NetemSpec.Loss.GilbertElliott(0.01, 0.10, 0.70, 0.001));
        assertThat(NetemSpec.parse("loss random 5").loss()).isEqualTo(new NetemSpec.Loss.Random(0.05, 0));
    }

    @Test
    void shouldSetGapOneForReorderWithoutGap() {
        assertThat(NetemSpec.parse("delay 10ms reorder 25%").reorderGap()).isEqualTo(1);
    }

    @Test
    void shouldParseRateUnitsAndOverheads() {
        NetemSpec s = NetemSpec.parse("rate 1mbps -4 48 5");
        assertThat(s.rateBps()).isEqualTo(8_000_000L);
        assertThat(s.packetOverhead()).isEqualTo(-4);
        assertThat(s.cellSize()).isEqualTo(48);
        assertThat(s.cellOverhead()).isEqualTo(5);
        assertThat(NetemSpec.parse("rate 1kibit").rateBps()).isEqualTo(1024);
        assertThat(NetemSpec.parse("rate 2Gbit").rateBps()).isEqualTo(2_000_000_000L);
    }

    @Test
    void shouldRoundTripThroughToString() {
        for (String t : new String[] {"delay 100ms 10ms 25% distribution paretonormal loss 0.3% 25%",
                "limit 50 loss state 1% 30% 10% 40% 0.5% duplicate 2% 10% corrupt 0.1%",
                "delay 5ms reorder 25% 50% gap 5 rate 10mbit 20 48 5", "loss gemodel 1% 10% 70% 0.1%", ""}) {
            NetemSpec s = NetemSpec.parse(t);
            assertThat(NetemSpec.parse(s.toString())).as(t).isEqualTo(s);
        }
    }

    @Test
    void shouldTreatAnEmptySpecAsNoImpairment() {
        assertThat(NetemSpec.parse(" ").isNoop()).isTrue();
        assertThat(NetemSpec.parse("limit 10").isNoop()).isTrue();
        assertThat(NetemSpec.parse("loss 1%").isNoop()).isFalse();
    }

    @Test
    void shouldNameTheTokenAndWhatWasExpected() {
        assertError("delay 100 loss 1%", 1, "bad delay '100', expected a time with unit like 100ms");
        assertError("delay 10ms loss 120%", 3, "bad loss '120%', expected a percentage from 0% to 100%");
        assertError("delay 10ms jitter 5ms", 2, "unknown netem option 'jitter', expected one of limit, delay");
        assertError("delay 10ms 2ms distribution gauss", 4, "unknown distribution 'gauss', expected uniform,"
                + " normal, pareto or paretonormal");
        assertError("loss maybe", 1, "bad loss model 'maybe', expected random, state, gemodel or a percentage");
        assertError("rate fast", 1, "bad rate 'fast', expected a rate like 10mbit");
        assertError("limit -3", 1, "bad limit '-3', expected a packet count");
        assertError("reorder 25%", 0, "reordering is not possible without some delay");
        assertError("delay 10ms gap 5", 2, "gap needs a reorder probability");
        assertError("delay 10ms distribution normal", 2, "distribution needs a delay and a jitter");
        assertError("delay 0ms 5ms distribution normal", 3, "distribution needs a delay and a jitter");
        assertError("delay", 0, "'delay' needs a value, expected a time like 100ms");
        assertError("loss 1% ecn", 2, "netem option 'ecn' is not supported by lwtemu");
    }

    private static void assertError(String text, int token, String message) {
        assertThatThrownBy(() -> NetemSpec.parse(text)).isInstanceOf(NetemSyntaxException.class)
                .hasMessageContaining(message).hasMessageContaining(text)
                .satisfies(e -> assertThat(((NetemSyntaxException) e).tokenIndex()).isEqualTo(token));
    }
}
