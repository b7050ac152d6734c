package io.lwtemu.bench;

import com.google.protobuf.ByteString;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.node.serialization.PacketSerializer;
import io.lwtemu.proto.Packet;
import io.lwtemu.proto.PacketBatch;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The data plane's serializer on a batch of {@value #BATCH} packets of 64 bytes (the fields a router sets, as
 * {@code Router.transmit} builds them), serialized and deserialized per invocation; scores are packets per
 * second. {@code artery*} uses the direct ByteBuffer path Artery uses between members, {@code heap*} the
 * byte[] path. Run: {@code java -jar bench/target/benchmarks.jar PacketSerializerBench}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PacketSerializerBench {
    static final int BATCH = 64;

    private final PacketSerializer serializer = new PacketSerializer();
    /** Artery's envelope buffers are direct, of maximum-frame-size. */
    private final ByteBuffer frame = ByteBuffer.allocateDirect(1 << 20);
    private RouterActor.Deliver deliver;
    private byte[] encoded;
    private final ByteBuffer filled = ByteBuffer.allocateDirect(1 << 20);

    @Setup
    public void setup() {
        PacketBatch.Builder b = PacketBatch.newBuilder();
        for (int i = 0; i < BATCH; i++) {
            byte[] ip = new byte[64];
            ip[0] = 0x45;
            ip[3] = 64;
            ip[8] = 64;
            ip[9] = 17;
            for (int k = 12; k < 64; k++) {
                ip[k] = (byte) (i + k);
            }
            b.addPackets(Packet.newBuilder().setData(ByteString.copyFrom(ip)).setId((1L << 40) + i).setFlowId(3)
                    .setSentAtNs(1_000_000_000L + i * 1000L).setHops(2).setArriveAtNs(1_000_500_000L + i * 1000L)
                    .setIngressIfindex(2));
        }
        deliver = new RouterActor.Deliver(b.build());
        encoded = serializer.toBinary(deliver);
        filled.put(encoded).flip();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object arteryDeserializeOnly() throws Exception {
        filled.rewind();
        return serializer.fromBinary(filled, "D");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object heapDeserializeOnly() throws Exception {
        return serializer.fromBinary(encoded, "D");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object arteryRoundTrip() throws Exception {
        frame.clear();
        serializer.toBinary(deliver, frame);
        frame.flip();
        return serializer.fromBinary(frame, "D");
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int arterySerializeOnly() {
        frame.clear();
        serializer.toBinary(deliver, frame);
        return frame.position();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object heapRoundTrip() throws Exception {
        return serializer.fromBinary(serializer.toBinary(deliver), "D");
    }
}
