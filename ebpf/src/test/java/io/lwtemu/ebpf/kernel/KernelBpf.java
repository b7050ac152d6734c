package io.lwtemu.ebpf.kernel;

import io.lwtemu.ebpf.elf.ElfFile;
import io.lwtemu.ebpf.elf.ElfSection;
import io.lwtemu.ebpf.elf.ElfSymbol;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.loader.ObjectLoader;
import io.lwtemu.ebpf.maps.MapDefinition;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.prog.SkBuffLayout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test utility: runs a program of a BPF object in the real kernel through {@code bpftool}, so tests can
 * compare lwtemu with Linux ({@code BPF_PROG_TEST_RUN}) and with the kernel verifier.
 *
 * <p>Needs root, {@code bpftool} and a mounted bpffs; {@link #available()} says whether all are there,
 * and tests call {@code Assumptions.assumeTrue(KernelBpf.available(), KernelBpf.unavailableReason())} so
 * they skip with a message elsewhere.
 *
 * <p>How it drives bpftool:
 * <ul>
 *   <li>One program of a multi-program object: bpftool loads every program of an object, so the harness
 *       loads a copy in which every other program section is marked non-executable (libbpf skips it),
 *       then {@code bpftool prog loadall COPY DIR type T} pins the survivors under
 *       {@code DIR/<function name>}. Programs sharing the wanted program's section are loaded too.</li>
 *   <li>Running: {@code bpftool prog run pinned DIR/NAME data_in F data_out F ctx_in F ctx_out F repeat 1}.
 *       For LWT types the kernel expects a 14-byte Ethernet header in front of the L3 packet: it
 *       {@code eth_type_trans}-es it away (so {@code skb->len} and {@code skb->data} start at L3 and
 *       {@code skb->protocol} comes from its ethertype) and puts 14 zero bytes back in front of the output.
 *       The harness adds and strips that prefix, so callers deal in L3 packets only.</li>
 *   <li>Maps pinned by name (LIBBPF_PIN_BY_NAME) land in /sys/fs/bpf/NAME; those the harness created are
 *       removed again when the program is closed.</li>
 * </ul>
 */
public final class KernelBpf {
    private static final Path BPFFS = Path.of("/sys/fs/bpf");
    private static final int ETH_HLEN = 14;
    private static final long TIMEOUT_SECONDS = 60;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static volatile String unavailable;
    private static volatile boolean probed;

    private KernelBpf() {}

    /** True when programs can be loaded and run in the running kernel. */
    public static boolean available() {
        probe();
        return unavailable == null;
    }

    /** Why {@link #available()} is false (or "available"), for assumption messages. */
    public static String unavailableReason() {
        probe();
        return unavailable == null ? "available" : "kernel BPF comparison unavailable: " + unavailable;
    }

    private static synchronized void probe() {
        if (probed) {
            return;
        }
        probed = true;
        try {
            Exec id = exec(List.of("id", "-u"));
            if (id.exitCode != 0 || !id.stdout.trim().equals("0")) {
                unavailable = "not running as root";
            } else if (exec(List.of("bpftool", "version")).exitCode != 0) {
                unavailable = "bpftool does not run";
            } else if (!Files.isDirectory(BPFFS) || !Files.isWritable(BPFFS)) {
                unavailable = BPFFS + " (bpffs) is not a writable directory";
            } else if (exec(List.of("bpftool", "prog", "show")).exitCode != 0) {
                unavailable = "the bpf() syscall is not permitted (bpftool prog show failed)";
            }
        } catch (RuntimeException e) {
            unavailable = "bpftool is not installed (" + e.getMessage() + ")";
        }
    }

    // ---- loading ------------------------------------------------------------------------------------

    /** Outcome of asking the kernel to load a program: accepted or not, with the verifier's log. */
    public record Verdict(boolean accepted, String verifierLog, String bpftoolOutput) {
    }

    /**
     * Loads a program and unloads it again, returning the verifier's verdict and log (the log is collected
     * with {@code bpftool -d}, so it is there for accepted programs too).
     */
    public static Verdict verify(Path object, String programName, ProgramType type) {
        try (Loading l = new Loading(object, programName, type, true)) {
            return l.verdict;
        }
    }

    /**
     * Loads a program for running; throws {@link KernelLoadException} carrying the verifier log when the
     * kernel refuses it. Close the result to unpin it.
     */
    public static KernelProgram load(Path object, String programName, ProgramType type) {
        Loading l = new Loading(object, programName, type, false);
        if (!l.verdict.accepted()) {
            l.close();
            throw new KernelLoadException("kernel refused program '" + programName + "' of " + object + ":\n"
                    + l.verdict.bpftoolOutput(), l.verdict);
        }
        return new KernelProgram(l);
    }

    /**
     * Loads raw instructions (no map references) as program {@code name} of the given type, by wrapping them
     * in a minimal object ({@link RawProgramObject}).
     */
    public static KernelProgram loadInsns(String name, ProgramType type, long[] insns) {
        Path obj = writeRaw(name, type, insns);
        try {
            return load(obj, name, type);
        } finally {
            deleteTree(obj.getParent());
        }
    }

    /** The verifier's verdict on raw instructions (see {@link #loadInsns}). */
    public static Verdict verifyInsns(String name, ProgramType type, long[] insns) {
        Path obj = writeRaw(name, type, insns);
        try {
            return verify(obj, name, type);
        } finally {
            deleteTree(obj.getParent());
        }
    }

    private static Path writeRaw(String name, ProgramType type, long[] insns) {
        try {
            Path obj = Files.createTempDirectory("lwtemu-raw").resolve(name + ".o");
            Files.write(obj, RawProgramObject.of(name, type, insns));
            return obj;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel refused a program; {@link #verdict()} has the verifier log. */
    public static final class KernelLoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Verdict verdict;

        KernelLoadException(String message, Verdict verdict) {
            super(message);
            this.verdict = verdict;
        }

        public Verdict verdict() {
            return verdict;
        }
    }

    /** A loaded, pinned program. */
    public static final class KernelProgram implements AutoCloseable {
        private final Loading loading;

        private KernelProgram(Loading loading) {
            this.loading = loading;
        }

        /** Where the program is pinned. */
        public Path pinPath() {
            return loading.progPin;
        }

        /**
         * Runs the program once on an L3 packet with the given context fields. The version nibble picks
         * {@code skb->protocol}: 4 = ETH_P_IP, 6 = ETH_P_IPV6, anything else an 802.3 frame with no protocol.
         * The kernel refuses (EINVAL) IPv4 packets shorter than 20 bytes and IPv6 ones shorter than 40.
         */
        public RunResult run(byte[] l3Packet, SkbContext context) {
            return loading.run(l3Packet, context);
        }

        /**
         * The maps the kernel associated with the program (its {@code map_ids}). Besides the maps the code
         * uses, libbpf binds the object's .rodata map to every program (BPF_PROG_BIND_MAP, for metadata).
         */
        public List<KernelMap> maps() {
            Exec r = exec(List.of("bpftool", "-j", "prog", "show", "pinned", loading.progPin.toString()));
            Matcher ids = Pattern.compile("\"map_ids\":\\[([0-9,]*)]").matcher(r.stdout);
            List<KernelMap> out = new ArrayList<>();
            if (r.exitCode != 0 || !ids.find() || ids.group(1).isEmpty()) {
                return out;
            }
            for (String id : ids.group(1).split(",")) {
                Exec m = exec(List.of("bpftool", "-j", "map", "show", "id", id));
                out.add(new KernelMap(Integer.parseInt(id), jsonString(m.stdout, "name"), jsonString(m.stdout, "type"),
                        jsonInt(m.stdout, "bytes_key"), jsonInt(m.stdout, "bytes_value"),
                        jsonInt(m.stdout, "max_entries"), jsonInt(m.stdout, "flags")));
            }
            return out;
        }

        /** A map of the program by (kernel) name; kernel names are cut to 15 characters. */
        public KernelMap map(String name) {
            String kernelName = name.length() > 15 ? name.substring(0, 15) : name;
            return maps().stream().filter(m -> m.name().equals(kernelName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("program has no map '" + kernelName + "'"));
        }

        @Override
        public void close() {
            loading.close();
        }
    }

    /**
     * A kernel map as {@code bpftool map show} describes it, with user-space access by id (no pinning needed:
     * the pinned program keeps it alive).
     */
    public record KernelMap(int id, String name, String type, int keySize, int valueSize, int maxEntries,
                            int flags) {
        /**
         * The value for {@code key}, or null when absent. Per-CPU maps: every CPU's value, each padded to
         * 8 bytes, as {@code BpfMap.lookup} returns them.
         */
        public byte[] lookup(byte[] key) {
            List<String> cmd = new ArrayList<>(List.of("bpftool", "-j", "map", "lookup", "id", String.valueOf(id), "key",
                    "hex"));
            cmd.addAll(hex(key));
            Exec r = exec(cmd);
            if (r.exitCode != 0) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int padded = (valueSize + 7) / 8 * 8;
            boolean perCpu = r.stdout.contains("\"values\":");
            Matcher values = Pattern.compile("\"value\":\\[([^\\]]*)]").matcher(r.stdout);
            while (values.find()) {
                byte[] v = parseHexList(values.group(1));
                out.writeBytes(perCpu ? Arrays.copyOf(v, padded) : v);
            }
            return out.toByteArray();
        }

        /** Sets {@code key} to {@code value} (BPF_ANY); throws when the kernel refuses. */
        public void update(byte[] key, byte[] value) {
            List<String> cmd = new ArrayList<>(List.of("bpftool", "map", "update", "id", String.valueOf(id), "key",
                    "hex"));
            cmd.addAll(hex(key));
            cmd.add("value");
            cmd.add("hex");
            cmd.addAll(hex(value));
            Exec r = exec(cmd);
            if (r.exitCode != 0) {
                throw new IllegalStateException("bpftool map update failed: " + r.stdout + r.stderr);
            }
        }

        private static List<String> hex(byte[] bytes) {
            List<String> out = new ArrayList<>(bytes.length);
            for (byte b : bytes) {
                out.add(String.format("%02x", b & 0xff));
            }
            return out;
        }

        private static byte[] parseHexList(String list) {
            Matcher m = Pattern.compile("\"0x([0-9a-fA-F]{2})\"").matcher(list);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (m.find()) {
                out.write(Integer.parseInt(m.group(1), 16));
            }
            return out.toByteArray();
        }
    }

    private static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    private static int jsonInt(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(json);
        return m.find() ? (int) Long.parseLong(m.group(1)) : 0;
    }

    // ---- running --------------------------------------------------------------------------------------

    /** The {@code __sk_buff} fields BPF_PROG_TEST_RUN takes in and gives back for LWT programs. */
    public record SkbContext(int mark, int priority, int[] cb) {
        public SkbContext {
            cb = cb == null ? new int[5] : Arrays.copyOf(cb, 5);
        }

        public static SkbContext empty() {
            return new SkbContext(0, 0, new int[5]);
        }

        byte[] toBytes() {
            ByteBuffer b = ByteBuffer.allocate(SkBuffLayout.SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(SkBuffLayout.MARK, mark);
            b.putInt(SkBuffLayout.PRIORITY, priority);
            for (int i = 0; i < 5; i++) {
                b.putInt(SkBuffLayout.CB + 4 * i, cb[i]);
            }
            return b.array();
        }

        static SkbContext fromBytes(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(raw, SkBuffLayout.SIZE)).order(ByteOrder.LITTLE_ENDIAN);
            int[] cb = new int[5];
            for (int i = 0; i < 5; i++) {
                cb[i] = b.getInt(SkBuffLayout.CB + 4 * i);
            }
            return new SkbContext(b.getInt(SkBuffLayout.MARK), b.getInt(SkBuffLayout.PRIORITY), cb);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SkbContext c && c.mark == mark && c.priority == priority && Arrays.equals(c.cb, cb);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * mark + priority) + Arrays.hashCode(cb);
        }

        @Override
        public String toString() {
            return "SkbContext[mark=" + mark + ", priority=" + priority + ", cb=" + Arrays.toString(cb) + "]";
        }
    }

    /**
     * What the kernel returned: the program's return value, the packet after the run (L3, Ethernet prefix
     * removed), the context fields, and the raw {@code __sk_buff} it wrote back.
     */
    public record RunResult(int retval, byte[] packet, SkbContext context, byte[] rawContext) {
    }

    // ---- one load -----------------------------------------------------------------------------------

    private static final class Loading implements AutoCloseable {
        private final Path dir;
        private final Path progPin;
        private final Verdict verdict;
        private final List<Path> createdMapPins = new ArrayList<>();

        Loading(Path object, String programName, ProgramType type, boolean debugLog) {
            if (!available()) {
                throw new IllegalStateException(unavailableReason());
            }
            String tag = ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
            dir = BPFFS.resolve("lwtemu-test-" + tag);
            progPin = dir.resolve(programName);
            Path copy;
            String bpftoolType;
            try {
                bpftoolType = bpftoolType(object, programName, type);
                // Same file name as the original: libbpf names global data maps after it.
                copy = Files.createTempDirectory("lwtemu-kernel-" + tag).resolve(object.getFileName().toString());
                Files.write(copy, onlySectionOf(object, programName));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Path> pinsBefore = namePinnedMapPaths(object).stream().filter(Files::exists).toList();
            List<String> cmd = new ArrayList<>(List.of("bpftool"));
            if (debugLog) {
                cmd.add("-d");
            }
            cmd.addAll(List.of("prog", "loadall", copy.toString(), dir.toString(), "type", bpftoolType));
            Exec r;
            try {
                r = exec(cmd);
            } finally {
                deleteTree(copy.getParent());
            }
            for (Path p : namePinnedMapPaths(object)) {
                if (Files.exists(p) && !pinsBefore.contains(p)) {
                    createdMapPins.add(p);
                }
            }
            String output = r.stdout + r.stderr;
            boolean ok = r.exitCode == 0 && Files.exists(progPin);
            verdict = new Verdict(ok, verifierLog(output), output);
        }

        RunResult run(byte[] l3Packet, SkbContext context) {
            try {
                Path tmp = Files.createTempDirectory("lwtemu-run");
                try {
                    byte[] in = new byte[ETH_HLEN + l3Packet.length];
                    int version = l3Packet.length > 0 ? (l3Packet[0] & 0xf0) >>> 4 : 0;
                    int ethertype = version == 6 ? 0x86dd : version == 4 ? 0x0800 : 0;
                    in[12] = (byte) (ethertype >>> 8);
                    in[13] = (byte) ethertype;
                    System.arraycopy(l3Packet, 0, in, ETH_HLEN, l3Packet.length);
                    Path dataIn = tmp.resolve("data_in");
                    Path dataOut = tmp.resolve("data_out");
                    Path ctxIn = tmp.resolve("ctx_in");
                    Path ctxOut = tmp.resolve("ctx_out");
                    Files.write(dataIn, in);
                    Files.write(ctxIn, (context == null ? SkbContext.empty() : context).toBytes());
                    Exec r = exec(List.of("bpftool", "prog", "run", "pinned", progPin.toString(),
                            "data_in", dataIn.toString(), "data_out", dataOut.toString(),
                            "data_size_out", String.valueOf(in.length + 4096),
                            "ctx_in", ctxIn.toString(), "ctx_out", ctxOut.toString(), "repeat", "1"));
                    Matcher m = Pattern.compile("Return value: (-?\\d+)").matcher(r.stdout + r.stderr);
                    if (r.exitCode != 0 || !m.find()) {
                        throw new IllegalStateException("bpftool prog run failed (exit " + r.exitCode + "):\n"
                                + r.stdout + r.stderr);
                    }
                    int retval = (int) Long.parseLong(m.group(1));
                    byte[] out = Files.exists(dataOut) ? Files.readAllBytes(dataOut) : new byte[0];
                    byte[] packet = out.length >= ETH_HLEN ? Arrays.copyOfRange(out, ETH_HLEN, out.length) : new byte[0];
                    byte[] rawCtx = Files.exists(ctxOut) ? Files.readAllBytes(ctxOut) : new byte[0];
                    return new RunResult(retval, packet, SkbContext.fromBytes(rawCtx), rawCtx);
                } finally {
                    deleteTree(tmp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            deleteTree(dir);
            createdMapPins.forEach(KernelBpf::deleteQuietly);
        }
    }

    /** The part of libbpf's output between its verifier-log markers, or all debug output with -d. */
    static String verifierLog(String output) {
        StringBuilder log = new StringBuilder();
        int from = 0;
        while (true) {
            int begin = output.indexOf("-- BEGIN PROG LOAD LOG --", from);
            if (begin < 0) {
                break;
            }
            int start = output.indexOf('\n', begin) + 1;
            int end = output.indexOf("-- END PROG LOAD LOG --", start);
            if (start <= 0 || end < 0) {
                break;
            }
            log.append(output, start, end);
            from = end;
        }
        if (log.length() == 0) {
            // bpftool -d prints the verifier log of accepted programs as plain libbpf debug lines.
            for (String line : output.split("\n")) {
                if (line.matches("^\\d+: .*") || line.startsWith("processed ") || line.startsWith("; ")
                        || line.startsWith("func#") || line.startsWith("verification time")
                        || line.startsWith("stack depth")) {
                    log.append(line).append('\n');
                }
            }
        }
        return log.toString();
    }

    /**
     * A copy of the object in which every program section other than {@code programName}'s has its
     * SHF_EXECINSTR flag cleared: libbpf then skips it as an unknown data section (with its relocations),
     * so bpftool neither loads nor pins its programs. (libbpf's own "?section" mark for non-autoloaded
     * programs does not work here: bpftool then fails to pin them.)
     */
    static byte[] onlySectionOf(Path object, String programName) throws IOException {
        byte[] bytes = Files.readAllBytes(object);
        ElfFile elf = ElfFile.parse(object.toString(), bytes);
        ElfSection keep = sectionOf(elf, programName);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        for (ElfSection s : elf.sections()) {
            if (s.isExecutable() && s.isProgbits() && !s.name().equals(".text") && s.index() != keep.index()) {
                b.putLong((int) (shoff + 64L * s.index() + 8), s.flags() & ~ElfFile.SHF_EXECINSTR);
            }
        }
        return bytes;
    }

    private static ElfSection sectionOf(ElfFile elf, String programName) {
        ElfSymbol fn = elf.symbols().stream()
                .filter(s -> s.isFunction() && s.name().equals(programName) && s.shndx() > 0
                        && s.shndx() < elf.sections().size())
                .findFirst().orElseThrow(() -> new BpfLoadException(elf.fileName() + ": no function '"
                        + programName + "'"));
        return elf.section(fn.shndx());
    }

    /**
     * The type to give bpftool: the caller's, else the one the section name implies. Always given, as
     * libbpf 1.x only infers exact section names ("lwt_xmit", not "lwt_xmit/foo").
     */
    private static String bpftoolType(Path object, String programName, ProgramType type) throws IOException {
        if (type != null && type.sectionPrefix != null) {
            return type.sectionPrefix;
        }
        ElfFile elf = ElfFile.read(object);
        String section = sectionOf(elf, programName).name();
        return ProgramType.fromSection(section).map(t -> t.sectionPrefix).orElseThrow(() ->
                new BpfLoadException(object + ": section '" + section + "' implies no program type; give one"));
    }

    /** Where libbpf pins the object's LIBBPF_PIN_BY_NAME maps by default. */
    private static List<Path> namePinnedMapPaths(Path object) {
        try {
            List<Path> out = new ArrayList<>();
            ObjectLoader.load(object, io.lwtemu.ebpf.loader.LoadOptions.of((def, init) -> {
                if (def.pinning() == MapDefinition.PIN_BY_NAME) {
                    out.add(BPFFS.resolve(def.name()));
                }
                return new io.lwtemu.ebpf.loader.RecordingMapProvider.StubMap(def, init);
            }).withProgramType(ProgramType.LWT_XMIT));
            return out;
        } catch (BpfLoadException e) {
            return List.of(); // the kernel will say what is wrong with it
        }
    }

    // ---- processes and files ----------------------------------------------------------------------

    private record Exec(int exitCode, String stdout, String stderr) {
    }

    private static Exec exec(List<String> cmd) {
        try {
            Path out = Files.createTempFile("lwtemu-exec", ".out");
            Path err = Files.createTempFile("lwtemu-exec", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", cmd) + " did not finish in "
                            + TIMEOUT_SECONDS + " s");
                }
                return new Exec(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                deleteQuietly(out);
                deleteQuietly(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(KernelBpf::deleteQuietly);
        } catch (IOException e) {
            // best effort: a leftover pin only holds kernel memory until reboot
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort
        }
    }
}
