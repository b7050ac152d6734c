package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PacketSerializerTest {
    private final PacketSerializer serializer = new PacketSerializer();

    static Packet packet(int i) {
        byte[] data = new byte[64];
        for (int b = 0; b < data.length; b++) {
            data[b] = (byte) (i * 31 + b);
        }
        return Packet.newBuilder().setData(ByteString.copyFrom(data)).setId(1L << 40 | i).setFlowId(i % 7)
                .setIngressIface("eth" + (i % 3)).setSentAtNs(1_000L * i).setHops(i % 5)
                .setArriveAtNs(2_000L * i + 17).setIngressIfindex(2 + i % 3).build();
    }

    static PacketBatch batch(int n) {
        PacketBatch.Builder b = PacketBatch.newBuilder();
        for (int i = 0; i < n; i++) {
            b.addPackets(packet(i));
        }
        return b.build();
    }

    @Test
    void shouldRoundTripEachMessageThroughByteArrays() throws Exception {
        for (Object m : new Object[] {packet(3), batch(10), new RouterActor.Deliver(batch(4))}) {
            byte[] bytes = serializer.toBinary(m);
            assertThat(serializer.fromBinary(bytes, serializer.manifest(m))).isEqualTo(m);
        }
    }

    @Test
    void shouldWriteIntoHeapAndDirectBuffersAtTheirPosition() throws Exception {
        RouterActor.Deliver d = new RouterActor.Deliver(batch(50));
        for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.allocate(64 * 1024), ByteBuffer.allocateDirect(64 * 1024)}) {
            buf.position(100);
            serializer.toBinary(d, buf);
            assertThat(buf.position()).isEqualTo(100 + PacketSerializer.serializedSize(d));
            buf.flip();
            buf.position(100);
            Object back = serializer.fromBinary(buf, serializer.manifest(d));
            assertThat(back).isEqualTo(d);
            assertThat(buf.remaining()).isZero();
        }
    }

    @Test
    void shouldNotAliasTheBufferItReadFrom() throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        Packet p = packet(9);
        serializer.toBinary(p, buf);
        buf.flip();
        Packet back = (Packet) serializer.fromBinary(buf, PacketSerializer.PACKET);
        buf.clear();
        while (buf.hasRemaining()) {
            buf.put((byte) 0x55);
        }
        assertThat(back).isEqualTo(p);
    }

    @Test
    void shouldNameTheFrameSizeWhenABatchDoesNotFit() {
        ByteBuffer buf = ByteBuffer.allocate(256);
        assertThatThrownBy(() -> serializer.toBinary(batch(20), buf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum-frame-size");
    }

    @Test
    void shouldRejectUnknownManifestsAndMalformedBytes() {
        assertThatThrownBy(() -> serializer.fromBinary(new byte[] {8, 1}, "X"))
                .isInstanceOf(NotSerializableException.class).hasMessageContaining("unknown manifest 'X'");
        assertThatThrownBy(() -> serializer.fromBinary(new byte[] {10, 100, 1}, PacketSerializer.BATCH))
                .isInstanceOf(NotSerializableException.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> serializer.manifest("text")).isInstanceOf(IllegalArgumentException.class);
    }
}
