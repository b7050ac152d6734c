package io.lwtemu.node.actor;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.lwtemu.node.net.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Network} on an Akka actor system in this JVM: one actor per router under a
 * {@link NetworkActor}. The only class outside {@code node.actor} needs to start, wait for, and stop a run.
 */
public final class ActorDriver implements AutoCloseable {
    /** The embedded default configuration, looked up relative to the working directory first. */
    public static final String EMBEDDED_CONF = "cluster-config/embedded.conf";
    private static final String EMBEDDED_RESOURCE = "lwtemu-embedded.conf";

    private final ActorSystem<NetworkActor.Command> system;
    private final RunProgress progress = new RunProgress();

    public ActorDriver(Network net) {
        this(net, embeddedConfig());
    }

    public ActorDriver(Network net, Config config) {
        this.system = ActorSystem.create(NetworkActor.create(net, progress), "lwtemu",
                config.withFallback(ConfigFactory.parseResources("lwtemu-node.conf")).resolve());
    }

    /** cluster-config/embedded.conf from the working directory, else the copy inside the jar. */
    public static Config embeddedConfig() {
        Path p = Path.of(EMBEDDED_CONF);
        Config c = Files.isRegularFile(p) ? ConfigFactory.parseFile(p.toFile())
                : ConfigFactory.parseResources(EMBEDDED_RESOURCE);
        return c.withFallback(ConfigFactory.parseResources("lwtemu-node.conf")).withFallback(ConfigFactory.load())
                .resolve();
    }

    public RunProgress progress() {
        return progress;
    }

    /** Runs the network up to emulated time {@code untilNs}; completes when every router is there. */
    public CompletionStage<NetworkActor.Finished> runUntil(long untilNs) {
        return AskPattern.ask(system, replyTo -> new NetworkActor.RunUntil(untilNs, replyTo),
                Duration.ofDays(100), system.scheduler());
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Shutting down anyway.
        }
    }
}
