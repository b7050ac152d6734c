package io.lwtemu.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkDirectionTest {
    @Test
    void shouldAddSerialisationAndPropagationDelay() {
        LinkDirection l = new LinkDirection(1_000_000, 8_000_000, 1500, 10); // 1ms, 1 byte per us
        assertThat(l.enqueue(0, 1000)).isEqualTo(1_000_000 + 1_000_000);
        // The second packet waits for the first to finish serialising.
        assertThat(l.enqueue(0, 1000)).isEqualTo(2_000_000 + 1_000_000);
        assertThat(l.backlog(0)).isEqualTo(2);
        assertThat(l.backlog(1_500_000)).isEqualTo(1);
    }

    @Test
    void shouldTailDropWhenTheQueueIsFull() {
        LinkDirection l = new LinkDirection(1000, 8_000_000, 1500, 2);
        assertThat(l.enqueue(0, 100)).isPositive();
        assertThat(l.enqueue(0, 100)).isPositive();
        assertThat(l.enqueue(0, 100)).isEqualTo(-1);
        assertThat(l.queueDrops).isEqualTo(1);
        // Once the first has left, there is room again.
        assertThat(l.enqueue(100_000, 100)).isPositive();
    }

    @Test
    void shouldNeverQueueOnAnUnlimitedLink() {
        LinkDirection l = new LinkDirection(500, 0, 1500, 1);
        for (int i = 0; i < 100; i++) {
            assertThat(l.enqueue(0, 1500)).isEqualTo(500);
        }
    }
}
