package io.lwtemu.node.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    private static final Path DIR = Path.of("src/test/resources/pcap");

    /** Copies the packets of a tshark-made file into a new file with {@link PcapWriter}. */
    private static Path rewrite(Path tmp, long shiftNs) throws IOException {
        Path out = tmp.resolve("out.pcap");
        try (PcapReader r = PcapReader.open(DIR.resolve("raw-micro.pcap"));
                PcapWriter w = PcapWriter.create(out)) {
            for (PcapReader.Record rec; (rec = r.nextIp()) != null;) {
                w.write(rec.timestampNs() + shiftNs, rec.data(), 0, rec.data().length);
            }
        }
        return out;
    }

    @Test
    void shouldWriteNanosecondRawIpHeader(@TempDir Path tmp) throws IOException {
        byte[] b = Files.readAllBytes(rewrite(tmp, 0));
        // magic 0xa1b23c4d little-endian, version 2.4, snaplen, LINKTYPE_RAW
        assertThat(b).startsWith(0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0);
        assertThat(b[20]).isEqualTo((byte) 101);
        assertThat(b.length).isEqualTo(24 + 2 * 16 + 40 + 36);
    }

    @Test
    void shouldReadBackWhatItWroteWithNanosecondPrecision(@TempDir Path tmp) throws IOException {
        Path f = rewrite(tmp, 7);
        try (PcapReader orig = PcapReader.open(DIR.resolve("raw-micro.pcap")); PcapReader r = PcapReader.open(f)) {
            for (PcapReader.Record a; (a = orig.next()) != null;) {
                PcapReader.Record b = r.next();
                assertThat(b.data()).isEqualTo(a.data());
                assertThat(b.timestampNs()).isEqualTo(a.timestampNs() + 7);
            }
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void shouldBeReadableByTshark(@TempDir Path tmp) throws Exception {
        Path f = rewrite(tmp, 123);
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.time_epoch",
                    "-e", "ip.proto", "-e", "udp.dstport", "-e", "icmp.type").redirectErrorStream(false).start();
        } catch (IOException e) {
            Assumptions.abort("tshark is not installed (apt-get install tshark): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("1795255200.000100123\t17\t5000");
        assertThat(lines.get(1)).startsWith("1795255200.250300123\t1\t\t8");
    }
}
