package io.lwtemu.cli;

import io.lwtemu.ebpf.maps.BpfMap;
import io.lwtemu.ebpf.maps.MapDump;
import io.lwtemu.node.net.Router;
import io.lwtemu.node.topology.ObjectRegistry;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lwtemu maps TOPOLOGY --router R}: the maps of the router's route programs, like {@code bpftool map dump}. */
@Command(name = "maps", mixinStandardHelpOptions = true,
        description = "Dumps the BPF maps of a node's route programs like 'bpftool map dump' (--after runs traffic first).")
final class MapsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    InspectOptions opts;

    @Option(names = {"-j", "--json"}, description = "bpftool -j output")
    boolean json;

    @Option(names = "--map", paramLabel = "NAME", description = "only this map")
    String only;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Router r = opts.load(spec.commandLine().getErr());
        int n = 0;
        for (ObjectRegistry.Loaded l : ObjectRegistry.of(r)) {
            for (Map.Entry<String, BpfMap> e : l.object().maps().entrySet()) {
                if (only != null && !only.equals(e.getKey())) {
                    continue;
                }
                BpfMap m = e.getValue();
                if (m.name().startsWith(".")) {
                    continue; // .rodata/.bss/.data of the object, not user maps
                }
                n++;
                out.printf("%s: %s  name %s  (%s %s)%n", l.ref().object().getFileName(), m.type().name().toLowerCase(
                        java.util.Locale.ROOT), m.name(), l.ref().section(), "route program");
                out.print(json ? MapDump.json(m) + "\n" : MapDump.plain(m));
            }
        }
        if (n == 0) {
            out.println(only == null ? "no maps on " + r.name : "no map '" + only + "' on " + r.name);
        }
        out.flush();
    }
}
