package io.lwtemu.cli;

import com.typesafe.config.Config;
import io.lwtemu.node.cluster.ClusterExperiment;
import io.lwtemu.node.cluster.ClusterFaultsOnRun;
import io.lwtemu.node.cluster.ClusterRunException;
import io.lwtemu.node.cluster.MemberProcesses;
import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentException;
import io.lwtemu.node.experiment.ExperimentPlacement;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.fault.Fault;
import io.lwtemu.node.topology.TopologyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lwtemu experiment SCENARIO --seed S --out DIR}: run a fault experiment and write its reports. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Runs a fault experiment: a topology's traffic with faults injected on the",
            "scenario's timeline (and by its nemesis), all randomness from one seed.",
            "Writes DIR/report.json, DIR/timeline.csv and DIR/report.html. Exits with 3",
            "when a packet is not accounted for (conservation check). A scenario with",
            "members: runs on a cluster of local member JVMs this command starts and stops."})
final class ExperimentCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO",
            description = "scenario YAML (names its topology) or a topology YAML with a faults: section")
    Path scenarioFile;

    @Option(names = "--seed", paramLabel = "S", description = "experiment seed (default: the scenario's)")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "folder for the reports")
    Path out;

    @Option(names = "--duration", paramLabel = "TIME", description = "emulated time (default: the scenario's)")
    String duration;

    @Option(names = "--sequential", description = "run all routers in this thread instead of actors (same result)")
    boolean sequential;

    @Option(names = "--embedded", description = "run in this JVM even when the scenario names members (member"
            + " faults are then refused)")
    boolean embedded;

    @Option(names = "--cluster", paramLabel = "MEMBER_CONF", description = "run on members you started (named as"
            + " the scenario's members:) in the cluster this member file joins, instead of starting them; member"
            + " kill/restart need members this command starts and are refused")
    Path cluster;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(scenarioFile)) {
            throw new UserException(scenarioFile + ": no such scenario file");
        }
        Long durationNs = duration == null ? null : LoadedTopology.duration(duration, "--duration");
        if (durationNs != null && durationNs <= 0) {
            throw new UserException("bad --duration '" + duration + "', expected a time > 0");
        }
        Scenario sc;
        try {
            sc = ScenarioLoader.load(scenarioFile);
        } catch (TopologyException e) {
            throw new UserException(e.getMessage(), e);
        }
        boolean onCluster = !embedded && (cluster != null || !sc.members().isEmpty());
        if (embedded && cluster != null) {
            throw new UserException("--embedded and --cluster exclude each other");
        }
        Consumer<String> print = line -> {
            synchronized (o) {
                o.println(line);
                o.flush();
            }
        };
        ClusterFaultsOnRun faults = null;
        Experiment exp;
        try {
            if (onCluster) {
                if (sc.members().isEmpty()) {
                    throw new UserException(scenarioFile + ": --cluster needs 'members: [...]' in the scenario (the"
                            + " member names routers are placed on)");
                }
                faults = new ClusterFaultsOnRun(sc.members(), ExperimentPlacement.of(sc), print);
                if (cluster != null) {
                    refuseMemberStateFaults(sc);
                }
            }
            exp = new Experiment(sc, seed, durationNs, faults, print);
            o.printf("lwtemu: experiment %s: seed %d, %d routers, %s%s%n", sc.name(), exp.seed(),
                    exp.network().routers().size(), "running " + (exp.endNs() / 1e9) + "s of emulated time",
                    onCluster ? " on members " + String.join(", ", sc.members()) : "");
            o.flush();
        } catch (TopologyException | ExperimentException e) {
            throw new UserException(e.getMessage(), e);
        }
        ExperimentReport rep;
        if (!onCluster) {
            rep = exp.run(sequential);
        } else if (cluster != null) {
            try {
                rep = ClusterExperiment.run(exp, faults, MemberConfig.load(cluster, "--cluster"), null,
                        Duration.ofSeconds(60), print);
            } catch (ClusterRunException e) {
                throw new UserException(e.getMessage(), e);
            }
        } else {
            Path dir = out.resolve("members");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UserException("cannot create " + dir + ": " + e.getMessage());
            }
            try (MemberProcesses members = new MemberProcesses(dir, MEMBER_JVM, print)) {
                Config client = members.startAll(sc.members());
                rep = ClusterExperiment.run(exp, faults, client, members, Duration.ofSeconds(120), print);
            } catch (ClusterRunException e) {
                throw new UserException(e.getMessage() + " (member output in " + dir + ")", e);
            }
        }
        return finish(rep, out, o, err);
    }

    /** Options of the member JVMs this command starts. */
    static final List<String> MEMBER_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Members the user started are not this command's to kill: say so before anything runs. */
    private void refuseMemberStateFaults(Scenario sc) {
        List<Fault> all = new ArrayList<>();
        sc.faults().forEach(t -> all.add(t.fault()));
        if (sc.nemesis() != null) {
            all.addAll(sc.nemesis().faults());
        }
        for (Fault f : all) {
            if (f instanceof Fault.MemberState) {
                throw new UserException(scenarioFile + ": '" + f.text() + "' needs members started by lwtemu"
                        + " experiment itself (leave out --cluster); with --cluster only partitions and the other"
                        + " faults are supported");
            }
        }
    }

    /** Writes the reports, prints the summary; 3 when a packet is not accounted for (conservation), else 0. */
    static int finish(ExperimentReport rep, Path out, PrintWriter o, PrintWriter err) {
        try {
            rep.write(out);
        } catch (IOException e) {
            throw new UserException("cannot write reports to " + out + ": " + e.getMessage());
        }
        o.print(rep.summary());
        o.println("reports: " + out.resolve("report.json") + ", " + out.resolve("timeline.csv") + ", "
                + out.resolve("report.html"));
        o.flush();
        if (!rep.conserved) {
            err.println("lwtemu: CONSERVATION FAILED: " + rep.conservation);
            err.flush();
            return 3;
        }
        return 0;
    }
}
