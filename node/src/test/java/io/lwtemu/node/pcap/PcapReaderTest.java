package io.lwtemu.node.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Against files written by Wireshark's tools (src/test/resources/pcap, made from two-packets.txt with
 * {@code text2pcap -F pcap -l 101}, {@code text2pcap -F pcap -e 0x800} and {@code editcap -F nsecpcap}).
 */
class PcapReaderTest {
    private static final Path DIR = Path.of("src/test/resources/pcap");
    /** 2026-11-21 10:00:00 UTC. */
    private static final long T0 = 1_795_255_200L * 1_000_000_000L;

    private static List<PcapReader.Record> ipPackets(String file) throws IOException {
        List<PcapReader.Record> out = new ArrayList<>();
        try (PcapReader r = PcapReader.open(DIR.resolve(file))) {
            for (PcapReader.Record rec; (rec = r.nextIp()) != null;) {
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void shouldReadRawIpRecordsWithMicrosecondTimestamps() throws IOException {
        List<PcapReader.Record> ps = ipPackets("raw-micro.pcap");
        assertThat(ps).hasSize(2);
        assertThat(ps.get(0).timestampNs()).isEqualTo(T0 + 100_000);
        assertThat(ps.get(1).timestampNs()).isEqualTo(T0 + 250_300_000);
        assertThat(ps.get(0).data()).hasSize(40);
        assertThat(ps.get(0).data()[9]).isEqualTo((byte) 17);
        assertThat(new String(ps.get(0).data(), 28, 12, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("hello lwtemu");
        assertThat(ps.get(1).data()[9]).isEqualTo((byte) 1);
    }

    @Test
    void shouldReadNanosecondFilesWrittenByEditcap() throws IOException {
        try (PcapReader r = PcapReader.open(DIR.resolve("raw-nano.pcap"))) {
            assertThat(r.nanosecondTimestamps()).isTrue();
            assertThat(r.linkType()).isEqualTo(PcapWriter.LINKTYPE_RAW);
        }
        assertThat(ipPackets("raw-nano.pcap")).extracting(PcapReader.Record::timestampNs)
                .containsExactly(T0 + 100_000, T0 + 250_300_000);
    }

    @Test
    void shouldStripEthernetHeaderAndFramePadding() throws IOException {
        List<PcapReader.Record> ps = ipPackets("ether-micro.pcap");
        assertThat(ps).hasSize(2);
        // text2pcap padded the frames to 60 bytes; the replayed packet is the IP packet only.
        assertThat(ps.get(0).data()).hasSize(40).isEqualTo(ipPackets("raw-micro.pcap").get(0).data());
        assertThat(ps.get(1).data()).hasSize(36);
        assertThat(ps.get(1).originalLength()).isEqualTo(36);
    }

    @Test
    void shouldRefusePcapngWithAHintToConvert() {
        assertThatThrownBy(() -> PcapReader.open(DIR.resolve("raw.pcapng")))
                .isInstanceOf(PcapFormatException.class)
                .hasMessageContaining("pcapng is not supported").hasMessageContaining("editcap -F pcap");
    }

    @Test
    void shouldRefuseAFileThatIsNotPcap() {
        assertThatThrownBy(() -> PcapReader.open(DIR.resolve("two-packets.txt")))
                .isInstanceOf(PcapFormatException.class).hasMessageContaining("not a pcap file");
    }
}
