package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lwtemu.node.actor.RouterActor;
import io.lwtemu.proto.PacketBatch;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The HOCON files of cluster-config/ as users start members with them. */
class ClusterConfigFilesTest {
    private static final Path DIR = Path.of("../cluster-config");
    private static final List<String> MEMBERS = List.of("member-a", "member-b", "member-c");

    private static Config member(String name) {
        return ConfigFactory.parseFile(DIR.resolve(name + ".conf").toFile()).withFallback(ConfigFactory.load())
                .resolve();
    }

    @Test
    void shouldDescribeALocalhostClusterOfThreeMembers() {
        Set<Integer> ports = new HashSet<>();
        List<String> seeds = null;
        for (String name : MEMBERS) {
            Config c = member(name);
            assertThat(c.getString("akka.actor.provider")).isEqualTo("cluster");
            assertThat(c.getBoolean("akka.actor.allow-java-serialization")).isFalse();
            assertThat(c.getString("akka.remote.artery.transport")).isEqualTo("tcp");
            assertThat(c.getString("akka.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
            int port = c.getInt("akka.remote.artery.canonical.port");
            ports.add(port);
            assertThat(c.getStringList("akka.cluster.roles")).contains(name, "routers");
            assertThat(c.getString("akka.cluster.downing-provider-class"))
                    .isEqualTo("akka.cluster.sbr.SplitBrainResolverProvider");
            assertThat(c.getString("akka.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
            assertThat(c.getDuration("akka.cluster.split-brain-resolver.stable-after")).isPositive();
            List<String> s = c.getStringList("akka.cluster.seed-nodes");
            assertThat(s).contains("akka://lwtemu@127.0.0.1:" + port);
            if (seeds != null) {
                assertThat(s).as("the same seeds in the same order on every member").isEqualTo(seeds);
            }
            seeds = s;
            assertThat(c.getString("akka.actor.serialization-bindings.\"io.lwtemu.proto.PacketBatch\""))
                    .isEqualTo("lwtemu-packet");
            assertThat(c.getString(
                    "akka.actor.serialization-bindings.\"io.lwtemu.node.serialization.ControlMessage\""))
                    .isEqualTo("lwtemu-control");
        }
        assertThat(ports).containsExactlyInAnyOrder(25520, 25521, 25522);
    }

    @Test
    void shouldKeepTheEmbeddedDefaultLocal() throws IOException {
        Config c = ConfigFactory.parseFile(DIR.resolve("embedded.conf").toFile());
        assertThat(c.getString("akka.actor.provider")).isEqualTo("local");
        assertThat(c.getBoolean("akka.actor.allow-java-serialization")).isFalse();
        assertThat(Files.readString(DIR.resolve("embedded.conf"))).as("the jar's copy of embedded.conf")
                .isEqualTo(new String(getClass().getResourceAsStream("/lwtemu-embedded.conf").readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldFormAClusterFromTheMemberFilesAndCarryPacketsBetweenMembers() throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < MEMBERS.size(); i++) {
            ports.add(freePort());
        }
        String seeds = ports.stream().map(p -> "\"akka://lwtemu@127.0.0.1:" + p + "\"")
                .reduce((a, b) -> a + "," + b).orElseThrow();
        List<ActorTestKit> kits = new ArrayList<>();
        try {
            for (int i = 0; i < MEMBERS.size(); i++) {
                Config c = ConfigFactory.parseString("akka.remote.artery.canonical.port = " + ports.get(i)
                                + "\nakka.cluster.seed-nodes = [" + seeds + "]\nakka.cluster.jmx.multi-mbeans-in-same-jvm = on")
                        .withFallback(member(MEMBERS.get(i))).resolve();
                kits.add(ActorTestKit.create("lwtemu", c));
            }
            for (ActorTestKit kit : kits) {
                TestProbe<Object> probe = kit.createTestProbe();
                probe.awaitAssert(Duration.ofSeconds(60), () -> {
                    var members = StreamSupport.stream(
                            Cluster.get(kit.system()).state().getMembers().spliterator(), false).toList();
                    assertThat(members).hasSize(3).allMatch(m -> m.status() == MemberStatus.up());
                    assertThat(members).anyMatch(m -> m.hasRole("member-c"));
                    return null;
                });
            }
            TestProbe<Object> inC = kits.get(2).createTestProbe();
            ActorRef<Object> fromA = ActorRefResolver.get(kits.get(0).system()).resolveActorRef(
                    ActorRefResolver.get(kits.get(2).system()).toSerializationFormat(inC.getRef()));
            PacketBatch batch = PacketSerializerTest.batch(200);
            fromA.tell(new RouterActor.Deliver(batch));
            assertThat(inC.receiveMessage(Duration.ofSeconds(30))).isEqualTo(new RouterActor.Deliver(batch));
        } finally {
            for (ActorTestKit kit : kits) {
                kit.shutdownTestKit();
            }
        }
    }
}
