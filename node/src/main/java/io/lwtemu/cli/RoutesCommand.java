package io.lwtemu.cli;

import io.lwtemu.node.fib.Family;
import io.lwtemu.node.fib.FibTable;
import io.lwtemu.node.fib.Route;
import io.lwtemu.node.net.Router;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lwtemu routes TOPOLOGY --router R}: the router's routes as {@code ip route show} prints them. */
@Command(name = "routes", mixinStandardHelpOptions = true,
        description = "Shows a node's routes like 'ip route show' (add -6 for IPv6, --table for other tables).")
final class RoutesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    InspectOptions opts;

    @Option(names = "-6", description = "IPv6 routes")
    boolean v6;

    @Option(names = "--table", paramLabel = "TABLE", defaultValue = "main", description = "main, local, all or a number")
    String table;

    @Option(names = "--stats", description = "append the packets that took each route")
    boolean stats;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Router r = opts.load(spec.commandLine().getErr());
        Family fam = v6 ? Family.INET6 : Family.INET;
        int[] ids = switch (table) {
            case "main" -> new int[] {Route.TABLE_MAIN};
            case "local" -> new int[] {Route.TABLE_LOCAL};
            case "all" -> allTables(r);
            default -> {
                try {
                    yield new int[] {Integer.parseInt(table)};
                } catch (NumberFormatException e) {
                    throw new UserException("--table: expected main, local, all or a number, got '" + table + "'");
                }
            }
        };
        for (int id : ids) {
            FibTable t = r.fib().existingTable(id);
            if (t == null) {
                continue;
            }
            for (Route route : t.routes(fam)) {
                String line = route.toString();
                if (ids.length > 1 && id != Route.TABLE_MAIN && !line.contains(" table ")) {
                    line += " table " + (id == Route.TABLE_LOCAL ? "local" : String.valueOf(id));
                }
                if (stats) {
                    line += "  # packets " + r.pipeline().counters().routeHits(route);
                }
                out.println(line);
            }
        }
        out.flush();
    }

    private static int[] allTables(Router r) {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 256; i++) {
            if (r.fib().existingTable(i) != null) {
                ids.add(i);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
