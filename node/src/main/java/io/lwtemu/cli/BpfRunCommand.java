package io.lwtemu.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lwtemu.ebpf.loader.BpfLoadException;
import io.lwtemu.ebpf.prog.ProgramType;
import io.lwtemu.ebpf.runtime.BpfRuntime;
import io.lwtemu.ebpf.runtime.LoadedObject;
import io.lwtemu.ebpf.runtime.LoadedProgram;
import io.lwtemu.ebpf.runtime.ProgTestRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lwtemu bpf run}: one program on one L3 packet, like {@code bpftool prog run} (BPF_PROG_TEST_RUN).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one program of an object on one L3 packet (no Ethernet header), like "
                + "'bpftool prog run'.")
public final class BpfRunCommand implements Callable<Integer> {
    private static final Pattern TAIL_CALL = Pattern.compile("([^:]+):(\\d+)=(.+)");

    @Option(names = "--object", required = true, paramLabel = "F.o", description = "BPF object file.")
    Path object;

    @Option(names = "--section", required = true, paramLabel = "S",
            description = "Program section (e.g. lwt_xmit/ipip) or function name.")
    String section;

    @Option(names = "--type", paramLabel = "T", description = "Program type: lwt_in, lwt_out, lwt_xmit, "
            + "lwt_seg6local (default: from the section name).")
    String type;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PacketSource packet;

    static final class PacketSource {
        @Option(names = "--packet", paramLabel = "FILE", description = "File with the raw packet bytes.")
        Path file;

        @Option(names = "--packet-hex", paramLabel = "HEX", description = "The packet as hex.")
        String hex;
    }

    @Option(names = "--mark", defaultValue = "0", paramLabel = "N", description = "skb->mark before the run.")
    long mark;

    @Option(names = "--priority", defaultValue = "0", paramLabel = "N", description = "skb->priority before the run.")
    long priority;

    @Option(names = "--tail-call", paramLabel = "MAP:INDEX=SECTION",
            description = "Put SECTION's program at INDEX of the PROG_ARRAY map MAP (repeatable).")
    List<String> tailCalls = new ArrayList<>();

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N", description = "Run N times on the same skb.")
    int repeat;

    @Option(names = "--cpus", defaultValue = "1", paramLabel = "N", description = "Emulated CPUs (per-CPU maps).")
    int cpus;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        byte[] input = new byte[0];
        ProgTestRun.Output result;
        try {
            if (repeat < 1) {
                throw new UserException("--repeat must be >= 1, got " + repeat);
            }
            checkU32("--mark", mark);
            checkU32("--priority", priority);
            input = packet.file != null ? readPacket(packet.file) : Hex.parse(packet.hex, "--packet-hex");
            result = runOnce(input);
        } catch (UserException | BpfLoadException | IllegalArgumentException e) {
            if (!json) {
                throw e instanceof UserException u ? u : new UserException(e.getMessage(), e);
            }
            result = new ProgTestRun.Output(0, input, (int) mark, (int) priority, new int[5], 0, e.getMessage());
        }
        if (json) {
            out.println(toJson(result));
        } else {
            if (result.error() != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(spec.qualifiedName() + ": " + result.error());
                err.flush();
            }
            print(out, result);
        }
        out.flush();
        return result.error() == null ? 0 : 1;
    }

    private ProgTestRun.Output runOnce(byte[] input) {
        ProgramType override = type == null ? null : ProgramType.parse(type);
        LoadedObject obj = new BpfRuntime(cpus).open(object, override);
        for (String tailCall : tailCalls) {
            Matcher m = TAIL_CALL.matcher(tailCall);
            if (!m.matches()) {
                throw new UserException("--tail-call '" + tailCall + "': expected MAP:INDEX=SECTION");
            }
            obj.setTailCall(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
        }
        LoadedProgram prog = obj.prepare(section);
        return ProgTestRun.run(prog, new ProgTestRun.Input(input, (int) mark, (int) priority, new int[5], repeat));
    }

    private static void checkU32(String option, long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new UserException(option + " must be in 0..4294967295 (a __u32), got " + value);
        }
    }

    private static byte[] readPacket(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("--packet " + file + ": no such file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserException("--packet " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The kernel reports retval as a u32 (bpf_attr.test.retval). */
    private static long retval(ProgTestRun.Output r) {
        return r.retval() & 0xffffffffL;
    }

    static String toJson(ProgTestRun.Output r) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("retval", retval(r));
        node.put("packet_hex", Hex.format(r.packet()));
        node.put("mark", Integer.toUnsignedLong(r.mark()));
        node.put("priority", Integer.toUnsignedLong(r.priority()));
        ArrayNode cb = node.putArray("cb");
        for (int v : r.cb()) {
            cb.add(Integer.toUnsignedLong(v));
        }
        node.put("duration_ns", r.durationNs());
        if (r.error() == null) {
            node.putNull("error");
        } else {
            node.put("error", r.error());
        }
        return node.toString();
    }

    private void print(PrintWriter out, ProgTestRun.Output r) {
        out.printf("Return value: %d, duration%s: %dns%n", retval(r), repeat > 1 ? " (average)" : "", r.durationNs());
        out.printf("mark: %d  priority: %d  cb: [%s, %s, %s, %s, %s]%n", Integer.toUnsignedLong(r.mark()),
                Integer.toUnsignedLong(r.priority()), Integer.toUnsignedString(r.cb()[0]),
                Integer.toUnsignedString(r.cb()[1]), Integer.toUnsignedString(r.cb()[2]),
                Integer.toUnsignedString(r.cb()[3]), Integer.toUnsignedString(r.cb()[4]));
        out.println("packet (" + r.packet().length + " bytes):");
        byte[] p = r.packet();
        for (int i = 0; i < p.length; i += 16) {
            StringBuilder line = new StringBuilder(String.format("  %04x: ", i));
            for (int j = i; j < Math.min(p.length, i + 16); j++) {
                line.append(String.format("%02x", p[j] & 0xff)).append(j % 2 == 1 ? " " : "");
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
