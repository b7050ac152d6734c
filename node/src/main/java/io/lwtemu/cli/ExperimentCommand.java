package io.lwtemu.cli;

import io.lwtemu.node.experiment.Experiment;
import io.lwtemu.node.experiment.ExperimentException;
import io.lwtemu.node.experiment.ExperimentReport;
import io.lwtemu.node.experiment.Scenario;
import io.lwtemu.node.experiment.ScenarioLoader;
import io.lwtemu.node.topology.TopologyException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lwtemu experiment SCENARIO --seed S --out DIR}: run a fault experiment and write its reports. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Runs a fault experiment: a topology's traffic with faults injected on the",
            "scenario's timeline (and by its nemesis), all randomness from one seed.",
            "Writes DIR/report.json, DIR/timeline.csv and DIR/report.html. Exits with 3",
            "when a packet is not accounted for (conservation check)."})
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
        Experiment exp;
        try {
            Scenario sc = ScenarioLoader.load(scenarioFile);
            exp = new Experiment(sc, seed, durationNs, null, line -> {
                synchronized (o) {
                    o.println(line);
                    o.flush();
                }
            });
            o.printf("lwtemu: experiment %s: seed %d, %d routers, %s%n", sc.name(), exp.seed(),
                    exp.network().routers().size(), "running " + (exp.endNs() / 1e9) + "s of emulated time");
            o.flush();
        } catch (TopologyException | ExperimentException e) {
            throw new UserException(e.getMessage(), e);
        }
        ExperimentReport rep = exp.run(sequential);
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
