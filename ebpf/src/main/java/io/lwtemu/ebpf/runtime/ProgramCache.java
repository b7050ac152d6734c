package io.lwtemu.ebpf.runtime;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.helpers.HelperProto;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.ObjectLoader;
import io.lwtemu.ebpf.loader.ParsedObject;
import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.verifier.Verifier;
import io.lwtemu.ebpf.verifier.VerifierEnv;
import io.lwtemu.ebpf.verifier.VerifierException;
import io.lwtemu.ebpf.verifier.VerifierResult;
import io.lwtemu.ebpf.vm.JitCompiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Parses, verifies and JIT-compiles each distinct object once however often it is loaded: a topology where a
 * thousand routes carry {@code encap bpf ... obj F.o} loads F.o a thousand times (iproute2 opens the object
 * anew for every route), and all but the first load find here the linked programs, the verifier's verdict
 * and the compiled class.
 *
 * <p>What is shared is only what the bytes decide. Objects are keyed by the SHA-256 of their contents, the
 * file name (which names the object's global data maps and appears in messages) and the program type the
 * loader imposes; a program's verdict additionally by its name, and it is reused only when the load's maps
 * have the definitions the verifier saw (a reused pinned map may differ where libbpf does not compare).
 * Maps are never shared here: each load instantiates the parse with maps of its own, so pinning keeps its
 * meaning (see {@link BpfRuntime}). A rejected program stays rejected with the same message; objects that
 * fail to parse are not kept, so every load reports the error again.
 *
 * <p>Holds the {@value #DEFAULT_CAPACITY} objects used last ({@link #shared()} is the process-wide one).
 * Thread-safe.
 */
public final class ProgramCache {
    /** Objects kept by {@link #shared()}. */
    public static final int DEFAULT_CAPACITY = 64;
    private static final ProgramCache SHARED = new ProgramCache(DEFAULT_CAPACITY);

    private final Map<Key, ObjectEntry> objects;
    /** Per file: the digest of its contents as of the size and modification time it had when hashed. */
    private final Map<Path, FileDigest> digests = new ConcurrentHashMap<>();
    private final AtomicLong parses = new AtomicLong();
    private final AtomicLong verifications = new AtomicLong();
    private final AtomicLong compilations = new AtomicLong();

    public ProgramCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.objects = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, ObjectEntry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cache every {@link BpfRuntime} of this JVM uses unless given another. */
    public static ProgramCache shared() {
        return SHARED;
    }

    /** Objects parsed and linked so far (each miss). */
    public long parses() {
        return parses.get();
    }

    /** Programs run through the verifier so far. */
    public long verifications() {
        return verifications.get();
    }

    /** Programs translated to a JVM class so far. */
    public long compilations() {
        return compilations.get();
    }

    /** Forgets every object (the counters stay). */
    public void clear() {
        synchronized (objects) {
            objects.clear();
        }
    }

    private record Key(byte[] digest, String file, ProgramType type) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(digest, k.digest) && file.equals(k.file) && type == k.type;
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(digest) * 31 + file.hashCode()) * 31 + (type == null ? 0 : type.hashCode());
        }
    }

    private record FileDigest(long size, FileTime modified, Object fileKey, byte[] digest) {
    }

    /**
     * The parsed object in {@code file}, parsing it on the first request. The file is read and hashed again only
     * when its size, modification time or inode changed since it was last hashed (a route per router loads the
     * same object a thousand times; rebuilding it with clang changes all three).
     *
     * @throws io.lwtemu.ebpf.loader.BpfLoadException when the file cannot be read or the object is malformed
     */
    ObjectEntry object(Path file, ProgramType type) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new BpfLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        FileDigest known = digests.get(file);
        if (known != null && known.size() == attrs.size() && known.modified().equals(attrs.lastModifiedTime())
                && java.util.Objects.equals(known.fileKey(), attrs.fileKey())) {
            Key key = new Key(known.digest(), file.toString(), type);
            synchronized (objects) {
                ObjectEntry entry = objects.get(key);
                if (entry != null) {
                    return entry;
                }
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BpfLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
        byte[] digest = sha256(bytes);
        if (bytes.length == attrs.size()) {
            digests.put(file, new FileDigest(attrs.size(), attrs.lastModifiedTime(), attrs.fileKey(), digest));
        }
        return object(file, bytes, digest, type);
    }

    /** The parsed object for these bytes, parsing them on the first request (failures are not kept). */
    private ObjectEntry object(Path file, byte[] bytes, byte[] digest, ProgramType type) {
        Key key = new Key(digest, file.toString(), type);
        ObjectEntry entry;
        synchronized (objects) {
            entry = objects.get(key);
        }
        if (entry != null) {
            return entry;
        }
        ParsedObject parsed = ObjectLoader.parse(file, bytes, type);
        parses.incrementAndGet();
        synchronized (objects) {
            ObjectEntry raced = objects.get(key);
            if (raced != null) {
                return raced;
            }
            entry = new ObjectEntry(parsed);
            objects.put(key, entry);
            return entry;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /** One parsed object and the verdicts on its programs. */
    final class ObjectEntry {
        private final ParsedObject parsed;
        private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

        private ObjectEntry(ParsedObject parsed) {
            this.parsed = parsed;
        }

        ParsedObject parsed() {
            return parsed;
        }

        /**
         * The verifier's verdict on {@code program} (an instance of one of this entry's programs), computed on
         * the first request; verified afresh, and not kept, when the load's maps differ from the ones seen.
         */
        Verdict verdict(BpfProgram program, HelperProto[] helpers) {
            List<MapDefinition> defs = definitions(program);
            Verdict v = verdicts.computeIfAbsent(program.name(), n -> new Verdict(defs));
            if (!v.definitions.equals(defs)) {
                Verdict fresh = new Verdict(defs);
                fresh.verify(program, helpers);
                return fresh;
            }
            v.verify(program, helpers);
            return v;
        }
    }

    private static List<MapDefinition> definitions(BpfProgram program) {
        List<MapDefinition> defs = new ArrayList<>(program.maps().size());
        for (BpfMap m : program.maps()) {
            defs.add(m.definition());
        }
        return defs;
    }

    /** What the verifier said about one program, and its compiled class once it was needed. */
    final class Verdict {
        private final List<MapDefinition> definitions;
        private boolean verified;
        private VerifierResult result;
        private VerifierException rejection;
        private boolean compiled;
        private JitCompiler.JitClass jit;

        private Verdict(List<MapDefinition> definitions) {
            this.definitions = List.copyOf(definitions);
        }

        private synchronized void verify(BpfProgram program, HelperProto[] helpers) {
            if (verified) {
                return;
            }
            verifications.incrementAndGet();
            try {
                result = Verifier.verify(program, VerifierEnv.forType(program.type(),
                        id -> id >= 0 && id < helpers.length ? helpers[id] : null));
            } catch (VerifierException e) {
                rejection = e;
            }
            verified = true;
        }

        /** The accepted program's verification, or null when it was rejected. */
        synchronized VerifierResult result() {
            return result;
        }

        /** Why the verifier rejected it, or null. */
        synchronized VerifierException rejection() {
            return rejection;
        }

        /**
         * The compiled class for the program {@code interpreter} runs, compiled on the first request with what the
         * verifier proved about its memory accesses; null when the JIT cannot take the program.
         */
        synchronized JitCompiler.JitClass jit(io.lwtemu.ebpf.vm.Interpreter interpreter) {
            if (!compiled) {
                compilations.incrementAndGet();
                jit = JitCompiler.compileClass(interpreter,
                        result == null || !JitCompiler.trustsVerifier() ? null : result.accessKinds());
                compiled = true;
            }
            return jit;
        }
    }
}
