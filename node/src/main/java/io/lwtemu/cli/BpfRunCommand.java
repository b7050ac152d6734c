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
import java.io.PrintStream;
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
@Command(name = "run",
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

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        if (repeat < 1) {
            throw new UserException("--repeat must be >= 1, got " + repeat);
        }
        byte[] bytes = packet.file != null ? readPacket(packet.file) : Hex.parse(packet.hex, "--packet-hex");
        ProgTestRun.Output result;
        try {
            ProgramType override = type == null ? null : ProgramType.parse(type);
            LoadedObject obj = new BpfRuntime(cpus).open(object, override);
            for (String spec : tailCalls) {
                Matcher m = TAIL_CALL.matcher(spec);
                if (!m.matches()) {
                    throw new UserException("--tail-call '" + spec + "': expected MAP:INDEX=SECTION");
                }
                obj.setTailCall(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
            }
            LoadedProgram prog = obj.prepare(section);
            result = ProgTestRun.run(prog, new ProgTestRun.Input(bytes, (int) mark, (int) priority, new int[5], repeat));
        } catch (BpfLoadException | IllegalArgumentException e) {
            if (!json) {
                throw new UserException(e.getMessage(), e);
            }
            result = new ProgTestRun.Output(0, bytes, (int) mark, (int) priority, new int[5], 0, e.getMessage());
        }
        if (json) {
            out.println(toJson(result));
        } else {
            print(out, result);
        }
        return result.error() == null ? 0 : 1;
    }

    private static byte[] readPacket(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserException("--packet " + file + ": no such file");
        }
        return Files.readAllBytes(file);
    }

    static String toJson(ProgTestRun.Output r) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode();
        node.put("retval", r.retval());
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

    private void print(PrintStream out, ProgTestRun.Output r) {
        if (r.error() != null) {
            out.println("Error: " + r.error());
        }
        out.printf("Return value: %d, duration%s: %dns%n", r.retval(), repeat > 1 ? " (average)" : "", r.durationNs());
        out.printf("mark: %d  priority: %d  cb: [%d, %d, %d, %d, %d]%n", Integer.toUnsignedLong(r.mark()),
                Integer.toUnsignedLong(r.priority()), r.cb()[0], r.cb()[1], r.cb()[2], r.cb()[3], r.cb()[4]);
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
