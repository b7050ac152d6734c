package io.lwtemu.node.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    @Test
    void shouldComputeTheRfc1071ExampleChecksum() {
        // RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to ddf2 (folded), checksum = ~ddf2 = 220d.
        byte[] data = Bytes.fromHex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.partial(data, 0, data.length, 0))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(data, 0, data.length)).isEqualTo(0x220d);
    }

    @Test
    void shouldVerifyTwentyBytesAsTheGeneralSumDoes() {
        Random rnd = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] data = new byte[24];
            rnd.nextBytes(data);
            int off = rnd.nextInt(5);
            if (round % 2 == 0) {
                // A valid header half of the time (including checksums that fold to 0 / 0xffff).
                Bytes.put16(data, off + 10, 0);
                Bytes.put16(data, off + 10, InternetChecksum.checksum(data, off, 20));
            }
            assertThat(InternetChecksum.verify20(data, off)).as("round %d", round)
                    .isEqualTo(InternetChecksum.verify(data, off, 20));
        }
        byte[] ones = Bytes.fromHex("ffffffffffffffffffffffffffffffffffffffff");
        assertThat(InternetChecksum.verify20(ones, 0)).isEqualTo(InternetChecksum.verify(ones, 0, 20)).isTrue();
    }

    @Test
    void shouldPadAnOddTrailingByteWithZero() {
        byte[] odd = Bytes.fromHex("0102ab");
        byte[] even = Bytes.fromHex("0102ab00");
        assertThat(InternetChecksum.checksum(odd, 0, 3)).isEqualTo(InternetChecksum.checksum(even, 0, 4));
    }

    @Test
    void shouldMatchFullRecomputationAfterIncrementalUpdates() {
        Random rnd = new Random(42);
        for (int round = 0; round < 1000; round++) {
            byte[] data = new byte[20];
            rnd.nextBytes(data);
            Bytes.put16(data, 10, 0);
            Bytes.put16(data, 10, InternetChecksum.checksum(data, 0, 20));
            int wordOff = 2 * rnd.nextInt(5);
            int oldWord = Bytes.u16(data, wordOff);
            int newWord = rnd.nextInt(0x10000);
            Bytes.put16(data, wordOff, newWord);
            int updated = InternetChecksum.update16(Bytes.u16(data, 10), oldWord, newWord);
            Bytes.put16(data, 10, updated);
            assertThat(InternetChecksum.verify(data, 0, 20)).as("round %d", round).isTrue();

            int oldAddr = Bytes.i32(data, 12);
            int newAddr = rnd.nextInt();
            Bytes.put32(data, 12, newAddr);
            Bytes.put16(data, 10, InternetChecksum.update32(Bytes.u16(data, 10), oldAddr, newAddr));
            assertThat(InternetChecksum.verify(data, 0, 20)).as("round %d (32-bit)", round).isTrue();
        }
    }
}
