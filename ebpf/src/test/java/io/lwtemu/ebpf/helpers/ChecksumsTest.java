package io.lwtemu.ebpf.helpers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    @Test
    void shouldGiveTheIpHeaderChecksumOfTheSixteenBitWordSum() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] b = new byte[80];
        for (int round = 0; round < 10_000; round++) {
            random.nextBytes(b);
            int ihl = random.nextInt(16);
            int off = random.nextInt(b.length - ihl * 4 + 1);
            if (round % 100 == 0) {
                java.util.Arrays.fill(b, (byte) (round % 200 == 0 ? 0 : 0xff));
            }
            assertThat(Checksums.ipFast(b, off, ihl)).as("round %d", round)
                    .isEqualTo(Checksums.fold(Checksums.partial(b, off, ihl * 4, 0)));
        }
    }
}
