package io.lwtemu.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lwtemu.node.net.Frame;
import io.lwtemu.node.net.Router;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSerializerTest {

    private static Frame frame(int i) {
        Frame f = new Frame();
        byte[] data = new byte[16 + 64 + i];
        for (int k = 0; k < data.length; k++) {
            data[k] = (byte) (k * 7 + i);
        }
        f.buf = data;
        f.off = 16;
        f.len = 64 + i;
        f.id = i == 0 ? 0 : 1L << (8 * i) | i; // ids of every width, and 0 (left out on the wire)
        f.flow = i == 2 ? -1 : i;
        f.sentAtNs = 1_000_000L * i;
        f.hops = i;
        f.arriveAtNs = 1_000_000L * i + 999;
        f.ingressIfindex = i + 2;
        return f;
    }

    private static LinkBatch batch(int n) {
        LinkBatch b = new LinkBatch(1, null);
        for (int i = 0; i < n; i++) {
            b.add(frame(i));
        }
        return b;
    }

    private static List<Packet> packets(LinkBatch b) {
        List<Packet> out = new ArrayList<>();
        Frame f = new Frame();
        for (int i = 0; i < b.size(); i++) {
            out.add(b.frame(i, f).toPacket());
        }
        return out;
    }

    @Test
    void shouldWriteWhatProtobufParsesAsThePacketBatch() throws Exception {
        LinkBatch b = batch(7);
        ByteBuffer buf = ByteBuffer.allocate(b.serializedSize());
        b.writeTo(buf);
        assertThat(buf.position()).isEqualTo(b.serializedSize());
        PacketBatch parsed = PacketBatch.parseFrom(buf.flip());
        assertThat(parsed.getPacketsList()).isEqualTo(packets(b));
        assertThat(parsed.getSerializedSize()).isEqualTo(b.serializedSize());
    }

    @Test
    void shouldReadWhatProtobufWritesIntoFramesWithHeadroom() {
        PacketBatch pb = PacketBatch.newBuilder()
                .addAllPackets(packets(batch(5)))
                .addPackets(Packet.newBuilder().setIngressIface("eth9").setData(ByteString.copyFrom(new byte[] {1}))
                        .setIngressIfindex(3))
                .build();
        LinkBatch read = LinkBatch.readFrom(ByteBuffer.wrap(pb.toByteArray()), 1);
        assertThat(read.size()).isEqualTo(6);
        Frame f = read.frame(0, new Frame());
        assertThat(f.off).isEqualTo(Router.RX_HEADROOM);
        // ingress_iface is not carried by frames: the last packet comes back without it
        List<Packet> expected = new ArrayList<>(pb.getPacketsList());
        expected.set(5, expected.get(5).toBuilder().clearIngressIface().build());
        assertThat(packets(read)).isEqualTo(expected);
    }

    @Test
    void shouldRoundTripABatchMessageThroughArteryBuffers() throws Exception {
        BatchSerializer s = new BatchSerializer();
        RouterEntity.Batch m = new RouterEntity.Batch(3, 2, 41, batch(4));
        ByteBuffer direct = ByteBuffer.allocateDirect(4096);
        s.toBinary(m, direct);
        RouterEntity.Batch back = (RouterEntity.Batch) s.fromBinary(direct.flip(), s.manifest(m));
        assertThat(back.from()).isEqualTo(3);
        assertThat(back.incarnation()).isEqualTo(2);
        assertThat(back.seq()).isEqualTo(41);
        assertThat(packets(back.batch())).isEqualTo(packets(m.batch()));
        RouterEntity.Batch viaBytes = (RouterEntity.Batch) s.fromBinary(s.toBinary(m), s.manifest(m));
        assertThat(packets(viaBytes.batch())).isEqualTo(packets(m.batch()));
    }

    @Test
    void shouldRefuseABatchThatDoesNotFitTheFrame() {
        BatchSerializer s = new BatchSerializer();
        RouterEntity.Batch m = new RouterEntity.Batch(0, 0, 1, batch(20));
        assertThatThrownBy(() -> s.toBinary(m, ByteBuffer.allocate(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximum-frame-size");
    }

    @Test
    void shouldRefuseATruncatedBatch() {
        BatchSerializer s = new BatchSerializer();
        RouterEntity.Batch m = new RouterEntity.Batch(0, 0, 1, batch(3));
        byte[] bytes = s.toBinary(m);
        ByteBuffer cut = ByteBuffer.wrap(bytes, 0, bytes.length - 10).slice();
        assertThatThrownBy(() -> s.fromBinary(cut, s.manifest(m)))
                .isInstanceOf(NotSerializableException.class)
                .hasMessageContaining("malformed batch");
    }

    @Test
    void shouldHandDeliveredBatchesBackToTheirSender() {
        var home = LinkBatch.newHome();
        LinkBatch a = LinkBatch.take(home, 4);
        a.add(frame(1));
        a.release();
        assertThat(a.size()).isZero();
        assertThat(LinkBatch.take(home, 4)).isSameAs(a);
        assertThat(LinkBatch.take(home, 4)).isNotSameAs(a);
    }
}
