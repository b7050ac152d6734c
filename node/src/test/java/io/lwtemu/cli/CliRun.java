package io.lwtemu.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the lwtemu command line in-process with its output captured. */
record CliRun(int status, String out, String err) {
    /** The ebpf module's test objects, seen from the node module directory (Maven's working directory). */
    static final Path LWT = Path.of("../ebpf/src/test/bpf/lwt");
    static final Path LOADER = Path.of("../ebpf/src/test/bpf/loader");

    /**
     * An 84-byte IPv4 ICMP echo request 10.0.0.1 -> 10.0.0.2 (ttl 64, 56 zero data bytes), as the lwt/*.c
     * headers describe their runs.
     */
    static final String PING_HEX = "4500005412344000400100000a0000010a000002" + "0800f7ff00010001" + "00".repeat(56);

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Lwtemu.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new CliRun(status, out.toString(), err.toString());
    }

    static String lwt(String object) {
        return LWT.resolve(object).toString();
    }
}
