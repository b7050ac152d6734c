package io.lwtemu.node.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void shouldParseDurations() {
        assertThat(Units.durationNs("10us")).isEqualTo(10_000);
        assertThat(Units.durationNs("5ms")).isEqualTo(5_000_000);
        assertThat(Units.durationNs("2s")).isEqualTo(2_000_000_000L);
        assertThat(Units.durationNs("1.5ms")).isEqualTo(1_500_000);
        assertThat(Units.durationNs("1m")).isEqualTo(60_000_000_000L);
        assertThat(Units.durationNs("3")).isEqualTo(3_000_000_000L);
        assertThat(Units.durationNs("fast")).isEqualTo(-1);
        assertThat(Units.durationNs("-1s")).isEqualTo(-1);
    }

    @Test
    void shouldParseRates() {
        assertThat(Units.packetRate("1000pps")).isEqualTo(1000);
        assertThat(Units.packetRate("10kpps")).isEqualTo(10_000);
        assertThat(Units.packetRate("1Mpps")).isEqualTo(1_000_000);
        assertThat(Units.packetRate("100Mbit")).isEqualTo(-1);
        assertThat(Units.bitRate("100Mbit")).isEqualTo(100_000_000L);
        assertThat(Units.bitRate("1Gbit")).isEqualTo(1_000_000_000L);
        assertThat(Units.bitRate("64kbit")).isEqualTo(64_000L);
        assertThat(Units.bitRate("10pps")).isEqualTo(-1);
    }

    @Test
    void shouldFormatDurationsTheWayFilesWriteThem() {
        assertThat(Units.formatNs(2_000_000_000L)).isEqualTo("2s");
        assertThat(Units.formatNs(1_500_000)).isEqualTo("1.5ms");
        assertThat(Units.formatNs(200_000)).isEqualTo("200us");
    }
}
