package io.lwtemu.node.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.DisabledJavaSerializer;
import akka.serialization.JavaSerializer;
import akka.serialization.Serialization;
import akka.serialization.Serializer;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message type of the actor protocols (packages {@code node.actor} and {@code node.cluster}) has an lwtemu
 * serializer: none reaches Java serialization, which is off, so Akka would refuse to send it to another member.
 * A message type is a concrete class implementing a protocol interface (one whose name ends in Command, Event,
 * Message, Reply or Response, or {@link ControlMessage}/{@link LocalOnlyMessage}), or the {@code T} of an
 * {@code ActorRef<T>} such a message carries (replies such as {@code NetworkActor.Finished}). Non-public classes
 * implementing an actor's own protocol are its self-messages (timers, adapters) and stay local by construction.
 */
class NoJavaSerializationTest {
    static final List<String> PROTOCOL_PACKAGES = List.of("io.lwtemu.node.actor", "io.lwtemu.node.cluster");
    private static ActorTestKit kit;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("nojava", TestSystems.config(""));
        serialization = TestSystems.serialization(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void shouldRunWithJavaSerializationDisabled() {
        assertThat(kit.system().settings().config().getBoolean("akka.actor.allow-java-serialization")).isFalse();
        assertThat(scala.jdk.javaapi.CollectionConverters.asJava(serialization.serializerByIdentity().values()))
                .noneMatch(s -> s instanceof JavaSerializer);
    }

    @Test
    void shouldBindEveryProtocolMessageToAnLwtemuSerializer() throws Exception {
        List<Class<?>> messages = messageClasses();
        assertThat(messages).extracting(Class::getName).contains(
                "io.lwtemu.node.actor.RouterActor$Deliver", "io.lwtemu.node.actor.NetworkActor$TickDone",
                "io.lwtemu.node.actor.NetworkActor$Finished", "io.lwtemu.node.actor.RouterActor$Control");
        List<String> wrong = new ArrayList<>();
        for (Class<?> c : messages) {
            Serializer s;
            try {
                s = serialization.serializerFor(c);
            } catch (Exception e) {
                wrong.add(c.getName() + ": " + e.getMessage());
                continue;
            }
            if (s instanceof JavaSerializer || s instanceof DisabledJavaSerializer) {
                wrong.add(c.getName() + ": Java serialization");
            } else if (!s.getClass().getName().startsWith("io.lwtemu.")) {
                wrong.add(c.getName() + ": " + s.getClass().getName());
            }
            if (ControlMessage.class.isAssignableFrom(c) && !ControlRegistry.messageClasses().containsKey(c)) {
                wrong.add(c.getName() + ": a ControlMessage missing from ControlRegistry");
            }
        }
        assertThat(wrong).as("message types without an lwtemu serializer").isEmpty();
    }

    @Test
    void shouldKeepOnlyTheLambdaMessagesLocal() throws Exception {
        List<String> local = new ArrayList<>();
        for (Class<?> c : messageClasses()) {
            if (serialization.serializerFor(c) instanceof LocalOnlySerializer) {
                local.add(c.getName());
            }
        }
        // ... and the embedded driver's hand-over of a whole Network to an actor system started ahead of it.
        assertThat(local).containsExactlyInAnyOrder("io.lwtemu.node.actor.RouterActor$Control",
                "io.lwtemu.node.actor.NetworkActor$ControlRouter", "io.lwtemu.node.actor.ActorDriver$Attach");
    }

    @Test
    void shouldRefuseToSendALocalOnlyMessageWithoutJavaSerialization() {
        var m = new io.lwtemu.node.actor.RouterActor.Control(r -> { }, null);
        assertThat(serialization.serialize(m).isFailure()).isTrue();
        assertThatCode(() -> serialization.serialize(m).get()).hasMessageContaining("cannot be sent to another");
    }

    static List<Class<?>> messageClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (String pkg : PROTOCOL_PACKAGES) {
            for (String name : classNames(pkg)) {
                Class<?> c = Class.forName(name, false, NoJavaSerializationTest.class.getClassLoader());
                if (implementsProtocol(c) && !isPrivateSelfMessage(c)) {
                    out.add(c);
                }
            }
        }
        // Replies: the T of every ActorRef<T> a message carries (NetworkActor.Finished of RunUntil's replyTo).
        for (Class<?> m : List.copyOf(out)) {
            if (m.isRecord()) {
                for (RecordComponent rc : m.getRecordComponents()) {
                    collectReplyTypes(rc.getGenericType(), false, out);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * A non-public message implementing its actor's own protocol: only that actor can create it, and it sends it
     * to its own (local) self, from timers or message adapters, so it never crosses members.
     */
    private static boolean isPrivateSelfMessage(Class<?> c) {
        return !Modifier.isPublic(c.getModifiers()) && !ControlMessage.class.isAssignableFrom(c)
                && !LocalOnlyMessage.class.isAssignableFrom(c);
    }

    private static void collectReplyTypes(Type t, boolean insideRef, Set<Class<?>> out) {
        if (t instanceof ParameterizedType p) {
            boolean ref = p.getRawType() == akka.actor.typed.ActorRef.class;
            for (Type arg : p.getActualTypeArguments()) {
                collectReplyTypes(arg, ref, out);
            }
        } else if (insideRef && t instanceof Class<?> c && c.getName().startsWith("io.lwtemu.") && isConcrete(c)) {
            out.add(c);
        }
    }

    private static boolean isConcrete(Class<?> c) {
        return !(c.isInterface() || Modifier.isAbstract(c.getModifiers()) || c.isAnonymousClass() || c.isSynthetic()
                || c.isEnum());
    }

    private static boolean implementsProtocol(Class<?> c) {
        if (!isConcrete(c)) {
            return false;
        }
        if (ControlMessage.class.isAssignableFrom(c) || LocalOnlyMessage.class.isAssignableFrom(c)) {
            return true;
        }
        for (Class<?> i : allInterfaces(c)) {
            String n = i.getSimpleName();
            if (i.getName().startsWith("io.lwtemu.") && (n.endsWith("Command") || n.endsWith("Event")
                    || n.endsWith("Message") || n.endsWith("Reply") || n.endsWith("Response"))) {
                return true;
            }
        }
        return false;
    }

    private static List<Class<?>> allInterfaces(Class<?> c) {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                out.add(i);
                out.addAll(allInterfaces(i));
            }
        }
        return out;
    }

    /** Class names of a package on the class path (directories and jars); none when the package is absent. */
    private static TreeSet<String> classNames(String pkg) throws IOException, URISyntaxException {
        String dir = pkg.replace('.', '/');
        TreeSet<String> names = new TreeSet<>();
        Enumeration<URL> urls = NoJavaSerializationTest.class.getClassLoader().getResources(dir);
        while (urls.hasMoreElements()) {
            URL url = urls.nextElement();
            if (url.getProtocol().equals("file")) {
                Path root = Path.of(url.toURI());
                try (Stream<Path> files = Files.list(root)) {
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".class"))
                            .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - 6)));
                }
            } else if (url.getProtocol().equals("jar")) {
                try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String n = e.nextElement().getName();
                        if (n.startsWith(dir + "/") && n.endsWith(".class") && n.indexOf('/', dir.length() + 1) < 0) {
                            names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                        }
                    }
                }
            }
        }
        names.removeIf(n -> n.endsWith("package-info") || n.endsWith("module-info"));
        return names;
    }
}
