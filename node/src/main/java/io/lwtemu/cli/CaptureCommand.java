package io.lwtemu.cli;

import io.lwtemu.node.forward.PacketTap;
import io.lwtemu.node.net.Network;
import io.lwtemu.node.pcap.Captures;
import io.lwtemu.node.report.RunReport;
import io.lwtemu.node.topology.TopologyException;
import io.lwtemu.node.traffic.PingSession;
import io.lwtemu.node.traffic.Traffic;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lwtemu capture TOPOLOGY --router R --iface I --out F.pcap}: runs the topology's traffic (one thread,
 * emulated time; in real time when it has real TUN devices) and writes the packets crossing one interface to a
 * pcap file that tshark and Wireshark open, stamped with emulated time.
 */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Runs a topology's traffic and writes the packets crossing one interface to a pcap file",
            "(raw IP, nanosecond timestamps in emulated time), like tcpdump -w on that interface."})
final class CaptureCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPOLOGY", description = "topology YAML file")
    Path topologyFile;

    @Option(names = "--router", required = true, paramLabel = "NODE", description = "node whose interface to watch")
    String router;

    @Option(names = "--iface", required = true, paramLabel = "IF", description = "interface of that node")
    String iface;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "pcap file to write")
    Path out;

    @Option(names = "--point", defaultValue = "after-xmit", paramLabel = "POINT",
            description = {"ingress: as received on the interface;",
                "egress: routed out of it, before the route's LWT out/xmit programs;",
                "after-xmit: handed to the device after the xmit program, tcpdump's view (default)"})
    String point;

    @Option(names = "--duration", paramLabel = "TIME", description = "emulated time to run (default: the file's)")
    String duration;

    @Option(names = "--tun", paramLabel = "real|memory", description = "how tun: interfaces run (default real)")
    String tun;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PacketTap.Point p = Captures.point(point);
        if (p == null) {
            throw new UserException("--point: expected ingress, egress or after-xmit, got '" + point + "'");
        }
        LoadedTopology lt = LoadedTopology.load(topologyFile, err);
        Network net = lt.network();
        lt.router(router);
        long until = duration != null ? LoadedTopology.duration(duration, "--duration") : lt.topology().durationNs();
        Traffic traffic;
        try {
            traffic = Traffic.install(net, lt.topology(), until, line -> {
                synchronized (o) {
                    o.println(line);
                }
            });
        } catch (TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
        HostDevices host = HostDevices.open(net, lt.topology(), tun, err);
        Captures.Capture c;
        try {
            c = host.captures.add(net, router, iface, p, out);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            host.close();
            throw new UserException(e.getMessage(), e);
        }
        o.printf(Locale.ROOT, "lwtemu: capturing %s:%s (%s) to %s for %.3fs of emulated time%n", router, iface,
                point, out, until / 1e9);
        o.flush();
        if (host.paced()) {
            host.runPaced(net, until, true, o);
        } else {
            net.runUntil(until);
        }
        host.close();
        for (PingSession s : traffic.pings()) {
            s.finish();
        }
        host.printCaptures(o);
        RunReport rep = RunReport.of(net);
        o.printf(Locale.ROOT, "%d packets sent, %d delivered, %d dropped, %d in flight%n", rep.totals.sent,
                rep.totals.delivered, rep.totals.droppedTotal(), rep.totals.inFlight);
        o.flush();
        return c.packets() > 0 ? 0 : 1;
    }
}
