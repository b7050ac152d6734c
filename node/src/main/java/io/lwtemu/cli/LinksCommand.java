package io.lwtemu.cli;

import io.lwtemu.node.forward.NetDevice;
import io.lwtemu.node.net.Port;
import io.lwtemu.node.net.Router;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lwtemu links TOPOLOGY --router R}: interfaces and their counters as {@code ip -s link} prints them. */
@Command(name = "links", mixinStandardHelpOptions = true,
        description = "Shows a node's interfaces with counters like 'ip -s link' (use --after to run traffic first).")
final class LinksCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    InspectOptions opts;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Router r = opts.load(spec.commandLine().getErr());
        for (NetDevice d : r.devices().all()) {
            boolean lo = d.ifindex == 1;
            Port p = r.port(d.ifindex);
            String flags = lo ? "LOOPBACK," + (d.isUp() ? "UP,LOWER_UP" : "")
                    : "POINTOPOINT,NOARP" + (d.isUp() ? ",UP,LOWER_UP" : p == null ? ",NO-CARRIER" : "");
            out.printf(Locale.ROOT, "%d: %s: <%s> mtu %d qdisc %s state %s mode DEFAULT group default qlen %d%n",
                    d.ifindex, d.name, flags, d.mtu(), lo ? "noqueue" : "pfifo_fast",
                    lo ? "UNKNOWN" : d.isUp() ? "UNKNOWN" : "DOWN", p == null ? 1000 : p.out.capacity);
            out.println(lo ? "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
                    : "    link/none " + (p == null ? "" : "peer " + p.peer().name));
            out.println("    RX:  bytes packets errors dropped  missed   mcast");
            out.printf(Locale.ROOT, "    %10d %7d %6d %7d %7d %7d%n", d.rxBytes, d.rxPackets, 0, d.rxDropped, 0, 0);
            out.println("    TX:  bytes packets errors dropped carrier collsns");
            out.printf(Locale.ROOT, "    %10d %7d %6d %7d %7d %7d%n", d.txBytes, d.txPackets, 0, d.txDropped, 0, 0);
        }
        out.flush();
    }
}
